// Rows a test needs before it can talk to the host: a tenant, a widget channel, a contact and a
// conversation — plus a look into pg-boss's job table.
import { randomUUID } from 'node:crypto'
import type { Database, Executor } from '../drizzle/database.ts'
import { channels } from '../drizzle/schema/channels.ts'
import { contactIdentities, contacts } from '../drizzle/schema/contacts.ts'
import { conversations, messages } from '../drizzle/schema/conversations.ts'
import { tenants } from '../drizzle/schema/tenants.ts'
import { JOB_SCHEMA } from '../server/jobs/job-store.ts'

export async function createTenant(db: Executor, slug = `t-${randomUUID().slice(0, 8)}`) {
  const [tenant] = await db.insert(tenants).values({ slug, name: slug }).returning()
  const [channel] = await db
    .insert(channels)
    .values({ tenantId: tenant!.id, kind: 'widget', name: 'Website', key: `w-${randomUUID().slice(0, 8)}` })
    .returning()
  return { tenant: tenant!, channel: channel! }
}

export async function createConversation(db: Executor, tenantId: string, channelId: string) {
  const [contact] = await db.insert(contacts).values({ tenantId, name: 'Sam Visitor' }).returning()
  await db
    .insert(contactIdentities)
    .values({ tenantId, contactId: contact!.id, kind: 'visitor', value: `visitor-${contact!.id}` })
  const [conversation] = await db
    .insert(conversations)
    .values({ tenantId, channelId, contactId: contact!.id })
    .returning()
  return { contact: contact!, conversation: conversation! }
}

export async function createInboundMessage(
  db: Executor,
  conversation: { id: string; tenantId: string; channelId: string },
  body: string,
) {
  const [message] = await db
    .insert(messages)
    .values({
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      channelId: conversation.channelId,
      direction: 'inbound',
      author: 'customer',
      body,
      deliveryStatus: 'received',
    })
    .returning()
  return message!
}

export interface JobRow {
  id: string
  name: string
  data: Record<string, unknown>
  state: string
  start_after: Date
  singleton_key: string | null
}

export async function jobsIn(database: Database, queue: string): Promise<JobRow[]> {
  return database.query<JobRow & Record<string, unknown>>(
    `select id::text, name, data, state, start_after, singleton_key from ${JOB_SCHEMA}.job where name = $1 order by created_on`,
    [queue],
  )
}
