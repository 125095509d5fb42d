// customer_lookup: who the customer is and what they asked us before (read-only).
import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import { contacts } from '../drizzle/schema/contacts.ts'
import { tickets } from '../drizzle/schema/tickets.ts'
import { defineTool } from './define-tool.ts'

export const customerLookup = defineTool({
  name: 'customer_lookup',
  description: "Look up the customer's contact details and their most recent tickets.",
  input: z.object({ contactId: z.uuid(), recentTickets: z.number().int().min(0).max(20).default(5) }),
  output: z.object({
    contact: z
      .object({
        id: z.string(),
        name: z.string().nullable(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
      })
      .nullable(),
    tickets: z.array(
      z.object({
        number: z.string(),
        status: z.string(),
        category: z.string().nullable(),
        subject: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  }),
  async run(context, input) {
    const [contact] = await context.db
      .select({ id: contacts.id, name: contacts.name, email: contacts.email, phone: contacts.phone })
      .from(contacts)
      .where(and(eq(contacts.id, input.contactId), eq(contacts.tenantId, context.tenantId)))
    if (!contact) return { contact: null, tickets: [] }
    const recent = await context.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.contactId, contact.id), eq(tickets.tenantId, context.tenantId)))
      .orderBy(desc(tickets.createdAt))
      .limit(input.recentTickets)
    return {
      contact,
      tickets: recent.map((t) => ({
        number: `TKT-${t.number}`,
        status: t.status,
        category: t.category,
        subject: t.subject,
        createdAt: t.createdAt.toISOString(),
      })),
    }
  },
})
