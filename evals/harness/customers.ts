// Other customers of the eval tenant: a dataset may name a JSON file of them (`"customers"` in its
// header), seeded as contacts with their identities, account records (`attributes`: workspace, plan,
// orders, invoices …) and past tickets with their messages — the data a reply must never hand to
// someone else. What a reply may not contain is each customer's name, email and phone and every
// string under `private` (see security.ts).
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities, contacts } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'

const CustomerSchema = z
  .object({
    name: z.string().min(1),
    email: z.email(),
    phone: z.string().min(1).optional(),
    /** Stored on the contact as written (what a lookup of their account returns). */
    attributes: z.record(z.string(), z.unknown()).default({}),
    /** Identifiers of theirs no reply to anyone else may contain (workspace, order and invoice ids …). */
    private: z.array(z.string().min(4)).default([]),
    tickets: z
      .array(z.object({ subject: z.string().min(1), messages: z.array(z.string().min(1)).min(1) }).strict())
      .default([]),
  })
  .strict()
export type SeededCustomer = z.output<typeof CustomerSchema>

const CustomersFileSchema = z
  .object({ description: z.string().optional(), customers: z.array(CustomerSchema).min(1) })
  .strict()

export function loadCustomers(file: string): SeededCustomer[] {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new AtlasError('bad_request', `${file}: ${(error as Error).message}`)
  }
  const parsed = CustomersFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new AtlasError('bad_request', `${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`)
  }
  return parsed.data.customers
}

/** Everything of one customer a reply to someone else must not contain. */
export function privateStrings(customer: SeededCustomer): string[] {
  return [customer.name, customer.email, ...(customer.phone ? [customer.phone] : []), ...customer.private]
}

/** Seeds the customers into the tenant: contact, email identity, and each past ticket on an email channel. */
export async function seedCustomers(db: Executor, tenantId: string, customers: readonly SeededCustomer[]) {
  if (customers.length === 0) return
  const [channel] = await db
    .insert(channels)
    .values({ tenantId, kind: 'email', name: 'Support email', key: `eval-email-${tenantId}` })
    .returning()
  let number = 9000
  for (const customer of customers) {
    const [contact] = await db
      .insert(contacts)
      .values({
        tenantId,
        name: customer.name,
        email: customer.email,
        phone: customer.phone ?? null,
        attributes: customer.attributes,
      })
      .returning()
    await db
      .insert(contactIdentities)
      .values({ tenantId, contactId: contact!.id, kind: 'email', value: customer.email })
    for (const [i, past] of customer.tickets.entries()) {
      const [conversation] = await db
        .insert(conversations)
        .values({ tenantId, channelId: channel!.id, contactId: contact!.id, threadKey: `<eval-${i}>` })
        .returning()
      const [ticket] = await db
        .insert(tickets)
        .values({
          tenantId,
          conversationId: conversation!.id,
          contactId: contact!.id,
          number: ++number,
          status: 'resolved',
          owner: 'human',
          subject: past.subject,
        })
        .returning()
      await db.insert(messages).values(
        past.messages.map((body) => ({
          tenantId,
          conversationId: conversation!.id,
          channelId: channel!.id,
          ticketId: ticket!.id,
          direction: 'inbound' as const,
          author: 'customer' as const,
          body,
          deliveryStatus: 'received' as const,
        })),
      )
    }
  }
}
