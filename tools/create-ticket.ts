// create_ticket: hand the conversation's ticket to the team as a proper ticket — subject, summary
// (an internal note for the team), priority, queue, and the customer's email when they just gave it.
// Runs only inside the transaction that accepts the agent's decision, so the reply that announces
// the ticket number commits with it or not at all.
import { and, eq, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { contacts } from '../drizzle/schema/contacts.ts'
import { tickets } from '../drizzle/schema/tickets.ts'
import { defineTool } from './define-tool.ts'
import { addInternalNote } from './internal-note.ts'

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const

export const createTicket = defineTool({
  name: 'create_ticket',
  description:
    'Open a ticket for the team with a subject and a summary of the issue, in a queue (support, billing, sales). ' +
    'Use it when the customer needs something only a person can do.',
  input: z.object({
    subject: z.string().trim().min(1).max(200),
    summary: z.string().trim().min(1).max(4000),
    queue: z.string().trim().min(1).max(40).default('support'),
    priority: z.enum(PRIORITIES).default('normal'),
    /** An email the customer gave in this conversation; saved on the contact when it has none. */
    email: z.email().max(254).optional(),
  }),
  output: z.object({ ticketId: z.string(), number: z.string(), queue: z.string() }),
  changesWorld: true,
  async run(context, input) {
    const ticket = context.ticket
    if (!ticket) throw new Error('create_ticket needs the ticket it is called for')
    const db = context.db
    if (input.email) {
      await db
        .update(contacts)
        .set({ email: input.email, updatedAt: sql`now()` })
        .where(and(eq(contacts.id, ticket.contactId), isNull(contacts.email)))
    }
    const [row] = await db
      .update(tickets)
      .set({ subject: input.subject, queue: input.queue, updatedAt: sql`now()` })
      .where(eq(tickets.id, ticket.id))
      .returning({ number: tickets.number })
    const email = input.email ? ` Contact email: ${input.email}.` : ''
    await addInternalNote(
      { ...context, ticket },
      'create_ticket',
      `${input.subject}\n\nPriority: ${input.priority}. Queue: ${input.queue}.${email}\n\n${input.summary}`,
    )
    return { ticketId: ticket.id, number: `TKT-${row!.number}`, queue: input.queue }
  },
})
