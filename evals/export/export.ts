// Production conversations become eval cases: every resolved (or closed) ticket of a tenant turns
// into one case with what the customer wrote, what a correct system does on the last turn — the
// ticket's final, human-corrected classification, and the route and gate that actually resolved it —
// and the person's final answer as a note for whoever reviews the case. Personal data is redacted
// with the contact's known name, email and phone (and the answering operator's name).
//
//   turns   the customer's messages on the ticket, consecutive ones before a reply merged into one
//           turn, up to the final answer (a "thanks!" after it is not a question).
//   expect  on the last turn: category / intent / urgency from the ticket; a person answered →
//           route human, gate escalate|review; the bot's answer resolved it → route = the ticket's
//           agent, gate auto|review, cites = the Library articles that answer cited.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import { AGENT_NAME_PATTERN } from '../../agents/define.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities, contacts } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { users } from '../../drizzle/schema/team.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { agentDecisions, CLOSED_STATUSES, tickets } from '../../drizzle/schema/tickets.ts'
import {
  CATEGORIES,
  CaseSchema,
  CHANNELS,
  type EvalCase,
  type Expectation,
  INTENTS,
  SLUG_PATTERN,
  URGENCIES,
} from '../harness/case.ts'
import { type KnownPersonalData, redact } from './redact.ts'

export interface ExportOptions {
  tenantId: string
  /** Only tickets resolved (or closed) at or after this instant. */
  since?: Date | undefined
  /** At most this many tickets, the most recently resolved ones. */
  limit?: number | undefined
}

export interface SkippedTicket {
  /** TKT-<number> */
  ticket: string
  reason: string
}

export interface ExportResult {
  cases: EvalCase[]
  skipped: SkippedTicket[]
}

/** Who writes in an exported case: a stand-in with the same kind of details the real contact had. */
export const PSEUDONYMOUS_CONTACT = { name: 'Jordan Lee', email: 'jordan.lee@example.com' } as const
export const MAX_ANSWER_CHARS = 2000
const MAX_TURN_CHARS = 8000
const MAX_TURNS = 20
const BATCH = 200
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

type MessageRow = Pick<
  typeof messages.$inferSelect,
  'ticketId' | 'direction' | 'author' | 'authorRef' | 'body' | 'kind' | 'citations'
>

export async function exportResolvedTickets(db: Executor, options: ExportOptions): Promise<ExportResult> {
  const [tenant] = await db
    .select({ slug: tenants.slug })
    .from(tenants)
    .where(eq(tenants.id, options.tenantId))
  if (!tenant) throw new Error(`Tenant ${options.tenantId} does not exist`)
  const finishedAt = sql<Date>`coalesce(${tickets.resolvedAt}, ${tickets.closedAt}, ${tickets.updatedAt})`
  const query = db
    .select({
      id: tickets.id,
      number: tickets.number,
      category: tickets.category,
      intent: tickets.intent,
      urgency: tickets.urgency,
      agent: tickets.agent,
      contactId: tickets.contactId,
      contactName: contacts.name,
      contactEmail: contacts.email,
      contactPhone: contacts.phone,
      channel: channels.kind,
    })
    .from(tickets)
    .innerJoin(contacts, eq(contacts.id, tickets.contactId))
    .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(
      and(
        eq(tickets.tenantId, options.tenantId),
        inArray(tickets.status, [...CLOSED_STATUSES]),
        options.since ? sql`${finishedAt} >= ${options.since.toISOString()}::timestamptz` : undefined,
      ),
    )
    .orderBy(desc(finishedAt), desc(tickets.number))
  const rows = options.limit === undefined ? await query : await query.limit(options.limit)
  rows.sort((a, b) => a.number - b.number)

  const cases: EvalCase[] = []
  const skipped: SkippedTicket[] = []
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH)
    const ids = batch.map((t) => t.id)
    const thread = await db
      .select({
        ticketId: messages.ticketId,
        direction: messages.direction,
        author: messages.author,
        authorRef: messages.authorRef,
        body: messages.body,
        kind: messages.kind,
        citations: messages.citations,
      })
      .from(messages)
      .where(and(eq(messages.tenantId, options.tenantId), inArray(messages.ticketId, ids)))
      .orderBy(asc(messages.createdAt))
    const identities = await db
      .select({
        contactId: contactIdentities.contactId,
        kind: contactIdentities.kind,
        value: contactIdentities.value,
      })
      .from(contactIdentities)
      .where(
        and(
          eq(contactIdentities.tenantId, options.tenantId),
          inArray(
            contactIdentities.contactId,
            batch.map((t) => t.contactId),
          ),
        ),
      )
    const decisions = await db
      .select({ ticketId: agentDecisions.ticketId, agent: agentDecisions.agent })
      .from(agentDecisions)
      .where(inArray(agentDecisions.ticketId, ids))
      .orderBy(asc(agentDecisions.turn))
    const operatorIds = [
      ...new Set(thread.filter((m) => m.author === 'human' && m.authorRef).map((m) => m.authorRef!)),
    ].filter((ref) => UUID.test(ref))
    const operators =
      operatorIds.length === 0
        ? []
        : await db
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(and(eq(users.tenantId, options.tenantId), inArray(users.id, operatorIds)))
    const operatorName = new Map(operators.map((u) => [u.id, u.name]))

    for (const ticket of batch) {
      const number = `TKT-${ticket.number}`
      const own = thread.filter((m) => m.ticketId === ticket.id)
      const known: KnownPersonalData = {
        names: [
          ticket.contactName,
          ...own.map((m) => (m.authorRef ? operatorName.get(m.authorRef) : undefined)),
        ]
          .filter((n): n is string => !!n)
          .filter((n, i, all) => all.indexOf(n) === i),
        emails: [
          ticket.contactEmail,
          ...identities
            .filter((i) => i.contactId === ticket.contactId && i.kind === 'email')
            .map((i) => i.value),
        ].filter((e): e is string => !!e),
        phones: [
          ticket.contactPhone,
          ...identities
            .filter((i) => i.contactId === ticket.contactId && (i.kind === 'phone' || i.kind === 'whatsapp'))
            .map((i) => i.value),
        ].filter((p): p is string => !!p),
      }
      const lastAgent = decisions.findLast((d) => d.ticketId === ticket.id)?.agent ?? null
      const built = buildCase(tenant.slug, ticket, own, known, lastAgent)
      if ('reason' in built) skipped.push({ ticket: number, reason: built.reason })
      else cases.push(built)
    }
  }
  return { cases, skipped }
}

interface TicketRow {
  number: number
  category: string | null
  intent: string | null
  urgency: string | null
  agent: string | null
  contactName: string | null
  contactEmail: string | null
  channel: string
}

function buildCase(
  tenantSlug: string,
  ticket: TicketRow,
  thread: readonly MessageRow[],
  known: KnownPersonalData,
  lastAgent: string | null,
): EvalCase | { reason: string } {
  // What the customer saw: no internal notes (hand-over summaries, operators' notes).
  const said = thread.filter((m) => m.direction !== 'internal' && m.kind !== 'note')
  const isCustomer = (m: MessageRow) =>
    m.direction === 'inbound' && m.author === 'customer' && m.body.trim() !== ''
  if (!said.some(isCustomer)) return { reason: 'no customer text' }
  const isReply = (m: MessageRow) => m.direction === 'outbound' && m.body.trim() !== ''
  const humanAt = said.findLastIndex((m) => isReply(m) && m.author === 'human')
  const botAt = said.findLastIndex((m) => isReply(m) && m.author === 'bot')
  const finalAt = humanAt !== -1 ? humanAt : botAt
  if (finalAt === -1) return { reason: 'nobody answered the customer' }

  const turns: string[] = []
  let pending: string[] = []
  for (const m of said.slice(0, finalAt)) {
    if (isCustomer(m)) pending.push(m.body.trim())
    else if (m.direction === 'outbound' && pending.length > 0) {
      turns.push(pending.join('\n'))
      pending = []
    }
  }
  if (pending.length > 0) turns.push(pending.join('\n'))
  if (turns.length === 0) return { reason: 'no customer text before the final answer' }

  const expect: Expectation = {}
  if (includes(CATEGORIES, ticket.category)) expect.category = ticket.category
  if (includes(INTENTS, ticket.intent)) expect.intent = ticket.intent
  if (includes(URGENCIES, ticket.urgency)) expect.urgency = [ticket.urgency]
  let note: string | undefined
  if (humanAt !== -1) {
    expect.route = ['human']
    expect.gate = ['escalate', 'review']
    note = `human answer: ${truncate(redact(said[humanAt]!.body.trim(), known), MAX_ANSWER_CHARS)}`
  } else {
    const agent = ticket.agent ?? lastAgent
    if (agent && AGENT_NAME_PATTERN.test(agent) && agent !== 'human' && agent !== 'clarify')
      expect.route = [agent]
    expect.gate = ['auto', 'review']
    const cites = [...new Set(said[botAt]!.citations.map((c) => c.slug))].filter((slug) =>
      SLUG_PATTERN.test(slug),
    )
    if (cites.length > 0) expect.cites = cites
  }

  const kept = turns.slice(-MAX_TURNS)
  const channel = includes(CHANNELS, ticket.channel) ? ticket.channel : 'email'
  return {
    id: caseId(tenantSlug, ticket.number),
    tags: ['production', ticket.channel],
    channel,
    contact: {
      name: ticket.contactName ? PSEUDONYMOUS_CONTACT.name : null,
      email: ticket.contactEmail ? PSEUDONYMOUS_CONTACT.email : null,
    },
    turns: kept.map((text, i) => ({
      customer: truncate(redact(text, known), MAX_TURN_CHARS),
      expect: i === kept.length - 1 ? expect : {},
    })),
    ...(note === undefined ? {} : { note }),
  }
}

export function caseId(tenantSlug: string, number: number): string {
  const slug = tenantSlug.replace(/[^A-Za-z0-9._:-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '')
  return `prod-${slug.slice(0, 95)}-TKT-${number}`
}

/**
 * The dataset file: a header line, then one case per line. Every case is checked against the case
 * schema first; one that does not pass throws (naming the case) and nothing is written.
 */
export function datasetJsonl(
  tenantSlug: string,
  cases: readonly EvalCase[],
  exportedAt = new Date(),
): string {
  const lines = [
    JSON.stringify({
      dataset: {
        name: `${tenantSlug}-production`,
        description: `Resolved tickets exported ${exportedAt.toISOString().slice(0, 10)}, personal data redacted`,
      },
    }),
  ]
  for (const c of cases) {
    const checked = CaseSchema.safeParse(c)
    if (!checked.success) {
      const issues = checked.error.issues
        .map((i) => `${i.path.join('.') || '(case)'}: ${i.message}`)
        .join('; ')
      throw new Error(`Exported case ${c.id} is not a valid eval case: ${issues}`)
    }
    lines.push(JSON.stringify(c))
  }
  return `${lines.join('\n')}\n`
}

function includes<T extends string>(values: readonly T[], value: string | null): value is T {
  return value !== null && (values as readonly string[]).includes(value)
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`
}
