// Customer profiles: finding a contact, reading everything the team knows about them (where they
// were, the workspace's custom fields, health, past conversations and tickets, identities), and
// editing the profile, with custom field values checked against each field's type.
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError, type ErrorIssue } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { type Executor, rowsOf } from '../../drizzle/database.ts'
import { type ChannelKind, channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities, contacts, type IdentityKind } from '../../drizzle/schema/contacts.ts'
import { type ConversationInbox, conversations } from '../../drizzle/schema/conversations.ts'
import { healthScores, type RiskLevel } from '../../drizzle/schema/customer-success.ts'
import { type CustomFieldType, customFields, tags as workspaceTags } from '../../drizzle/schema/team.ts'
import { type TicketStatus, tickets } from '../../drizzle/schema/tickets.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, param, readBody, UuidParam } from '../http/body.ts'
import { TagName } from '../http/fields.ts'
import { firstCustomerMessage, iso, OPEN_TICKET, snippetOf } from '../metrics/today.ts'
import type { Runtime } from '../runtime.ts'
import { consistentRead, ticketNumber } from '../views/conversation.ts'
import { containing } from './conversations.ts'

export interface ContactHeader {
  id: string
  name: string | null
  email: string | null
  phone: string | null
  /** Two-letter code, device (mobile, tablet, desktop), page and language: from the most recent
   * conversation that recorded them, else the contact's attributes; null when never seen. */
  country: string | null
  device: string | null
  page: string | null
  language: string | null
  vip: boolean
  tags: string[]
  attributes: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

export interface ContactCustomField {
  key: string
  label: string
  type: CustomFieldType
  /** The choices of a `select` field; [] otherwise. */
  options: string[]
  position: number
  /** This contact's value; null when not set. */
  value: unknown
}

export interface ContactHealth {
  score: number
  risk: RiskLevel
  computedAt: string
  components: Record<string, number>
}

export interface ContactTicketSummary {
  id: string
  /** TKT-10042 */
  number: string
  status: TicketStatus
  category: string | null
  subject: string | null
  /** The ticket's first customer message, one line of ≤ 140 characters. */
  snippet: string | null
  createdAt: string
  resolvedAt: string | null
  closedAt: string | null
}

export interface ContactConversationSummary {
  id: string
  channel: { kind: ChannelKind; key: string; name: string }
  inbox: ConversationInbox
  createdAt: string
  lastMessageAt: string
  /** Newest first. */
  tickets: ContactTicketSummary[]
}

export interface ContactIdentityView {
  kind: IdentityKind
  value: string
  createdAt: string
}

export interface ContactProfileView {
  contact: ContactHeader
  /** Every custom field of the workspace, in position order, with this contact's values. */
  customFields: ContactCustomField[]
  /** The latest stored health score; null when none has been computed. */
  health: ContactHealth | null
  /** Newest (last message) first. */
  conversations: ContactConversationSummary[]
  identities: ContactIdentityView[]
}

export interface ContactListItem {
  id: string
  name: string | null
  email: string | null
  phone: string | null
  vip: boolean
  tags: string[]
  createdAt: string
  /** The last message of any of their conversations; null when they have none. */
  lastMessageAt: string | null
  conversations: number
  /** Tickets neither resolved nor closed. */
  openTickets: number
}

export interface ContactListView {
  contacts: ContactListItem[]
}

const Q_MAX = 200

const ListQuery = z.object({
  /** Name, email or phone (or any identity: visitor id, handle) containing this text. */
  q: z.string().trim().max(Q_MAX, `must be at most ${Q_MAX} characters`).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

const PatchBody = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(120).nullable().optional(),
    email: z.string().trim().max(254).pipe(z.email('must be an email address')).nullable().optional(),
    phone: z
      .string()
      .trim()
      .min(3)
      .max(40)
      .regex(/^\+?[0-9][0-9 ().-]*$/, 'must be a phone number like +49 151 2345678')
      .nullable()
      .optional(),
    vip: z.boolean().optional(),
    /** Replaces the contact's tags. */
    tags: z.array(TagName).max(50).optional(),
    /** Sets the named fields (null removes a value); fields not named keep their values. */
    customFields: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one field to change')

const IsoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })])

export function contactRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()
  app.use('*', limitBody(64 * 1024))

  app.get('/', async (c) => {
    const query = parseInput(ListQuery, c.req.query(), 'query', 'bad_request')
    return c.json(await contactList(db, c.get('auth').tenantId, query))
  })

  app.get('/:id', async (c) => {
    const id = param(c, 'id', UuidParam)
    const tenantId = c.get('auth').tenantId
    return c.json(await consistentRead(db, (tx) => contactProfile(tx, tenantId, id)))
  })

  app.patch('/:id', async (c) => {
    const id = param(c, 'id', UuidParam)
    const tenantId = c.get('auth').tenantId
    const body = await readBody(c, PatchBody, 'contact')
    await db.transaction(async (tx) => {
      const [contact] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.id, id), eq(contacts.tenantId, tenantId)))
        .for('update')
      if (!contact) throw new AtlasError('not_found', `Contact ${id} does not exist`)
      const set: Partial<Record<keyof typeof contacts.$inferInsert, unknown>> = { updatedAt: new Date() }
      if (body.name !== undefined) set.name = body.name
      if (body.email !== undefined) set.email = body.email
      if (body.phone !== undefined) set.phone = body.phone
      if (body.vip !== undefined) set.vip = body.vip
      if (body.tags !== undefined) {
        const names = [...new Set(body.tags)]
        set.tags = names
        // New names join the workspace's tag list, as tagging a ticket does.
        if (names.length) {
          await tx
            .insert(workspaceTags)
            .values(names.map((name) => ({ tenantId, name })))
            .onConflictDoNothing()
        }
      }
      if (body.customFields !== undefined) {
        const defs = await tx.select().from(customFields).where(eq(customFields.tenantId, tenantId))
        const { values, removed } = checkCustomFields(defs, body.customFields)
        // Merged in SQL: fields not named in the request keep their stored values.
        let merged: SQL = sql`(${contacts.customFields} || ${JSON.stringify(values)}::jsonb)`
        for (const key of removed) merged = sql`(${merged} - ${key}::text)`
        set.customFields = merged
      }
      await tx
        .update(contacts)
        .set(set as Partial<typeof contacts.$inferInsert>)
        .where(eq(contacts.id, id))
    })
    return c.json(await consistentRead(db, (tx) => contactProfile(tx, tenantId, id)))
  })

  return app
}

type CustomFieldRow = typeof customFields.$inferSelect

/** Checks each named value against its field's type; every problem is reported, by path, in one 422. */
function checkCustomFields(
  defs: CustomFieldRow[],
  input: Record<string, unknown>,
): { values: Record<string, unknown>; removed: string[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]))
  const values: Record<string, unknown> = {}
  const removed: string[] = []
  const issues: ErrorIssue[] = []
  for (const [key, value] of Object.entries(input)) {
    const path = `customFields.${key}`
    const def = byKey.get(key)
    if (!def) {
      issues.push({ path, message: `"${key}" is not a custom field of this workspace` })
      continue
    }
    if (value === null) {
      removed.push(key)
      continue
    }
    const problem = customFieldProblem(def, value)
    if (problem) issues.push({ path, message: problem })
    else values[key] = typeof value === 'string' ? value.trim() : value
  }
  if (issues.length) {
    throw new AtlasError(
      'validation_failed',
      `Invalid contact: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    )
  }
  return { values, removed }
}

function customFieldProblem(def: CustomFieldRow, value: unknown): string | null {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.trim().length <= 2000
        ? null
        : 'must be text of at most 2000 characters'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number'
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false'
    case 'date':
      return IsoDate.safeParse(value).success
        ? null
        : 'must be an ISO date like 2025-06-30 (or a date-time with an offset)'
    case 'select':
      return typeof value === 'string' && def.options.includes(value)
        ? null
        : `must be one of ${def.options.map((o) => JSON.stringify(o)).join(', ') || '(no options defined)'}`
    default:
      return `has an unknown field type "${String(def.type)}"`
  }
}

const HEADER_KEYS = ['country', 'device', 'page', 'language'] as const

async function contactProfile(
  db: Executor,
  tenantId: string,
  contactId: string,
): Promise<ContactProfileView> {
  const [contact] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.tenantId, tenantId)))
  if (!contact) throw new AtlasError('not_found', `Contact ${contactId} does not exist`)

  const fields = await db
    .select()
    .from(customFields)
    .where(eq(customFields.tenantId, tenantId))
    .orderBy(asc(customFields.position), asc(customFields.createdAt), asc(customFields.key))
  const [health] = await db
    .select()
    .from(healthScores)
    .where(and(eq(healthScores.contactId, contactId), eq(healthScores.tenantId, tenantId)))
    .orderBy(desc(healthScores.computedAt))
    .limit(1)
  const threads = await db
    .select({ conversation: conversations, channel: channels })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.contactId, contactId), eq(conversations.tenantId, tenantId)))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.createdAt))
  const ticketRows = threads.length
    ? await db
        .select({
          ticket: tickets,
          // Qualified by hand: drizzle leaves a column of the only table in a select unqualified.
          firstMessage: firstCustomerMessage(sql`tickets.id`),
        })
        .from(tickets)
        .where(
          and(
            eq(tickets.tenantId, tenantId),
            inArray(
              tickets.conversationId,
              threads.map((t) => t.conversation.id),
            ),
          ),
        )
        .orderBy(desc(tickets.createdAt), desc(tickets.number))
    : []
  const identities = await db
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.tenantId, tenantId)))
    .orderBy(asc(contactIdentities.createdAt), asc(contactIdentities.kind))

  // Where they were: the newest conversation that recorded it, else what the contact's attributes say.
  const seen = (key: (typeof HEADER_KEYS)[number]): string | null => {
    for (const { conversation } of threads) {
      const value = conversation.metadata[key]
      if (typeof value === 'string' && value.length > 0) return value
    }
    const attribute = contact.attributes[key]
    return typeof attribute === 'string' && attribute.length > 0 ? attribute : null
  }

  return {
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      country: seen('country'),
      device: seen('device'),
      page: seen('page'),
      language: seen('language'),
      vip: contact.vip,
      tags: contact.tags,
      attributes: contact.attributes,
      createdAt: contact.createdAt.toISOString(),
      updatedAt: contact.updatedAt.toISOString(),
    },
    customFields: fields.map((f) => ({
      key: f.key,
      label: f.label,
      type: f.type,
      options: f.options,
      position: f.position,
      value: contact.customFields[f.key] ?? null,
    })),
    health: health
      ? {
          score: health.score,
          risk: health.risk,
          computedAt: health.computedAt.toISOString(),
          components: health.components,
        }
      : null,
    conversations: threads.map(({ conversation, channel }) => ({
      id: conversation.id,
      channel: { kind: channel.kind, key: channel.key, name: channel.name },
      inbox: conversation.inbox,
      createdAt: conversation.createdAt.toISOString(),
      lastMessageAt: conversation.lastMessageAt.toISOString(),
      tickets: ticketRows
        .filter(({ ticket }) => ticket.conversationId === conversation.id)
        .map(({ ticket: t, firstMessage }) => ({
          id: t.id,
          number: ticketNumber(t.number),
          status: t.status,
          category: t.category,
          subject: t.subject,
          snippet: snippetOf(firstMessage),
          createdAt: t.createdAt.toISOString(),
          resolvedAt: t.resolvedAt?.toISOString() ?? null,
          closedAt: t.closedAt?.toISOString() ?? null,
        })),
    })),
    identities: identities.map((i) => ({
      kind: i.kind,
      value: i.value,
      createdAt: i.createdAt.toISOString(),
    })),
  }
}

async function contactList(
  db: Executor,
  tenantId: string,
  query: z.output<typeof ListQuery>,
): Promise<ContactListView> {
  const where: SQL[] = [sql`co.tenant_id = ${tenantId}`]
  if (query.q) {
    const ilike = containing(query.q)
    where.push(sql`(${ilike(sql`co.name`)} or ${ilike(sql`co.email`)} or ${ilike(sql`co.phone`)}
      or exists (select 1 from contact_identities i where i.contact_id = co.id and ${ilike(sql`i.value`)}))`)
  }
  // Activity and open tickets are aggregated once per tenant and joined, not looked up per contact.
  const contacts = rowsOf<ContactListItem>(
    await db.execute(sql`
      select co.id, co.name, co.email, co.phone, co.vip, co.tags, ${iso(sql`co.created_at`)} as "createdAt",
        ${iso(sql`activity.last_message_at`)} as "lastMessageAt",
        coalesce(activity.conversations, 0) as "conversations",
        coalesce(backlog.tickets, 0) as "openTickets"
      from contacts co
      left join (
        select c.contact_id, max(c.last_message_at) as last_message_at, count(*)::int as conversations
        from conversations c where c.tenant_id = ${tenantId} group by c.contact_id
      ) activity on activity.contact_id = co.id
      left join (
        select t.contact_id, count(*)::int as tickets
        from tickets t where t.tenant_id = ${tenantId} and ${OPEN_TICKET} group by t.contact_id
      ) backlog on backlog.contact_id = co.id
      where ${sql.join(where, sql` and `)}
      order by activity.last_message_at desc nulls last, co.created_at desc, co.id
      limit ${query.limit}::int
    `),
  )
  return { contacts }
}
