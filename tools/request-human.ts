// request_human: put the ticket in a human queue (support, sales …) with a note saying why. The
// escalation itself is the ticket machine's; this records where it goes and what the team needs.
import { eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import { tickets } from '../drizzle/schema/tickets.ts'
import { defineTool } from './define-tool.ts'
import { addInternalNote } from './internal-note.ts'

export const requestHuman = defineTool({
  name: 'request_human',
  description:
    'Hand the conversation to a person in the given queue (support, sales, billing), with a note for them.',
  input: z.object({
    queue: z.string().trim().min(1).max(40),
    note: z.string().trim().min(1).max(4000),
  }),
  output: z.object({ queue: z.string() }),
  changesWorld: true,
  async run(context, input) {
    const ticket = context.ticket
    if (!ticket) throw new Error('request_human needs the ticket it is called for')
    await context.db
      .update(tickets)
      .set({ queue: input.queue, updatedAt: sql`now()` })
      .where(eq(tickets.id, ticket.id))
    await addInternalNote({ ...context, ticket }, 'request_human', input.note)
    return { queue: input.queue }
  },
})
