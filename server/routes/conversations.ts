// Reading conversations: the inbox list and one conversation with everything an operator needs.
import { type SQL, sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { type Executor, rowsOf } from '../../drizzle/database.ts'
import type { ChannelKind } from '../../drizzle/schema/channels.ts'
import type { ConversationInbox, MessageAuthor } from '../../drizzle/schema/conversations.ts'
import type { SlaClockStatus, SlaMetricName } from '../../drizzle/schema/customer-success.ts'
import {
  TICKET_STATUSES,
  type TicketOwner,
  type TicketPriority,
  type TicketStatus,
} from '../../drizzle/schema/tickets.ts'
import type { AuthVariables } from '../http/auth.ts'
import { param, UuidParam } from '../http/body.ts'
import { iso, OPEN_TICKET, snippetOf } from '../metrics/today.ts'
import type { Runtime } from '../runtime.ts'
import { conversationView, ticketNumber } from '../views/conversation.ts'
import type { SlaClockView } from '../views/sla.ts'

/** The inbox tabs (`filter`); each is defined on the conversation's current ticket in `filterCondition`. */
const INBOX_FILTERS = ['all', 'mine', 'unassigned', 'open', 'in_progress', 'resolved', 'closed'] as const
type InboxFilter = (typeof INBOX_FILTERS)[number]

/** Longest search text; longer is refused with 400 rather than scanning every message for it. */
const Q_MAX = 200
/** A conversation whose last message is older than this is archived. */
const ARCHIVE_AFTER_DAYS = 30

const ListQuery = z.object({
  /** One ticket status exactly (of the conversation's current ticket). */
  status: z.enum(TICKET_STATUSES).optional(),
  /** The inbox tab; see `filterCondition` for what each means. Default: all. */
  filter: z.enum(INBOX_FILTERS).default('all'),
  /**
   * The channel inbox: active, expired (a lapsed messaging window) or outgoing (we wrote first);
   * or `new`: conversations whose ticket nobody has answered yet (see NO_REPLY_YET).
   */
  inbox: z.enum(['active', 'expired', 'outgoing', 'new']).optional(),
  /** Private conversations, or public mentions (the Community view). Default: private. */
  view: z.enum(['private', 'community']).default('private'),
  channel: z.enum(['widget', 'whatsapp', 'email', 'messenger', 'instagram', 'mentions']).optional(),
  /** Search: contact name, email or phone, a ticket number (TKT-10042 or 10042), or message text. */
  q: z.string().trim().max(Q_MAX, `must be at most ${Q_MAX} characters`).optional(),
  /**
   * Conversations whose last message is older than 30 days are archived: left out by default,
   * listed alone with `true`, listed with everything else with `all`.
   */
  archived: z.enum(['false', 'true', 'all']).default('false'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Cursor: conversations whose last message is older than this ISO time (send back `nextBefore`). */
  before: z.iso.datetime({ offset: true }).optional(),
})

export function conversationRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/', async (c) => {
    const query = parseInput(ListQuery, c.req.query(), 'query', 'bad_request')
    const auth = c.get('auth')
    // `mine`: tickets assigned to the caller's operator, what taking a ticket over records (the
    // signed-in person's user id; for an API key, X-Atlas-Operator, else `api-key:<name>`).
    return c.json(await inboxList(db, auth.tenantId, auth.operator, query))
  })

  app.get('/:id', async (c) => {
    return c.json(await conversationView(db, c.get('auth').tenantId, param(c, 'id', UuidParam)))
  })

  return app
}

export interface InboxAssignee {
  /** What tickets.assignee holds: a user id, or an API caller's operator string. */
  id: string
  /** The teammate's name; null when the assignee is not a user of this tenant. */
  name: string | null
}

export interface InboxTicket {
  id: string
  /** TKT-10042 */
  number: string
  status: TicketStatus
  owner: TicketOwner
  urgency: string | null
  priority: TicketPriority
  tags: string[]
  category: string | null
  subject: string | null
  queue: string | null
  assignee: InboxAssignee | null
  createdAt: string
  /**
   * The SLA clock that needs attention first while the ticket is open: a running (or breached and
   * still running) clock with the earliest due time, else a paused one; null when no clock runs.
   */
  sla: InboxSla | null
}

/** The inbox's SLA badge: the clock that needs attention first. */
export type InboxSla = SlaClockView

export interface InboxConversation {
  id: string
  channel: { kind: ChannelKind; key: string }
  inbox: ConversationInbox
  windowExpiresAt: string | null
  contact: { id: string; name: string | null; email: string | null; phone: string | null; vip: boolean }
  lastMessageAt: string
  createdAt: string
  /** The last message is older than 30 days. */
  archived: boolean
  /** Community view only: how the mention was classified (question, complaint …). */
  community?: unknown
  /** The live ticket, else the most recent closed one; null when the conversation has none. */
  ticket: InboxTicket | null
  /** The last message that is not an internal note: its body as one line of ≤ 140 characters. */
  snippet: string | null
  lastMessage: { direction: 'inbound' | 'outbound'; author: MessageAuthor; at: string } | null
  flags: {
    /** The ticket has a draft waiting for approval. */
    draftPending: boolean
    /** The ticket is open (not resolved or closed) and the customer wrote last. */
    customerWaiting: boolean
    /** The `new` inbox: status new, triaging or pending and no reply of any kind yet. */
    noReplyYet: boolean
  }
  /** When customerWaiting: the first customer message after our last (non-failed) reply. */
  customerWaitingSince: string | null
}

/** Per-tab totals over the same scope as the list (tenant, view, channel, archived, q), ignoring filter, status, inbox and the cursor. */
export interface InboxCounts {
  all: number
  mine: number
  unassigned: number
  open: number
  in_progress: number
  resolved: number
  closed: number
  new: number
  active: number
  expired: number
  outgoing: number
}

export interface InboxView {
  conversations: InboxConversation[]
  counts: InboxCounts
  /** Pass as `before` for the next page (microsecond-exact); null when this page was the last. */
  nextBefore: string | null
}

type ListQueryValue = z.output<typeof ListQuery>

/**
 * The `new` inbox: the current ticket is new, triaging or pending (escalated) and nothing has been
 * sent on it yet — no outbound message of any author (bot answer, escalation notice, human reply or
 * template) carries its ticket id. A queued or failed reply counts as a reply.
 */
const NO_REPLY_YET = sql`(t.status in ('new', 'triaging', 'pending') and not exists (
  select 1 from messages r where r.ticket_id = t.id and r.direction = 'outbound'))`

function filterCondition(filter: InboxFilter, me: string): SQL | null {
  switch (filter) {
    case 'all':
      return null
    // Assigned to the caller and not yet resolved or closed.
    case 'mine':
      return sql`(${OPEN_TICKET} and t.assignee = ${me}::text)`
    // Not resolved or closed, and nobody is assigned (bot-owned tickets included).
    case 'unassigned':
      return sql`(${OPEN_TICKET} and t.assignee is null)`
    // Live and not taken by a person: everything before in_progress.
    case 'open':
      return sql`t.status in ('new', 'triaging', 'bot_handled', 'awaiting_approval', 'pending')`
    case 'in_progress':
    case 'resolved':
    case 'closed':
      return sql`t.status = ${filter}::text`
  }
}

/** A test that `expr` contains `q`, in any case: `%`, `_` and the backslash in `q` match themselves. */
export function containing(q: string): (expr: SQL) => SQL {
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
  return (expr) => sql`${expr} ilike ${pattern}::text escape '\\'`
}

function searchCondition(q: string): SQL {
  const ilike = containing(q)
  const alternatives = [
    ilike(sql`co.name`),
    ilike(sql`co.email`),
    ilike(sql`co.phone`),
    sql`exists (select 1 from messages s where s.conversation_id = c.id and ${ilike(sql`s.body`)})`,
  ]
  // A ticket number: TKT-10042 or 10042 (any ticket of the conversation, closed ones too).
  const number = /^(?:TKT-?)?(\d{1,9})$/i.exec(q)
  if (number) {
    alternatives.push(
      sql`exists (select 1 from tickets n where n.conversation_id = c.id and n.number = ${Number(number[1])}::int)`,
    )
  }
  // A phone number typed without its formatting (+49 151 … stored, 49151… typed).
  const digits = q.replace(/[\s()+.-]/g, '')
  if (/^\d{4,20}$/.test(digits)) {
    alternatives.push(sql`regexp_replace(coalesce(co.phone, ''), '\\D', '', 'g') like ${`%${digits}%`}::text`)
  }
  return sql`(${sql.join(alternatives, sql` or `)})`
}

async function inboxList(
  db: Executor,
  tenantId: string,
  me: string,
  query: ListQueryValue,
): Promise<InboxView> {
  const archivedAt = sql`(now() - interval '${sql.raw(String(ARCHIVE_AFTER_DAYS))} days')`
  // The scope both the list and the counts share.
  const scope: SQL[] = [
    sql`c.tenant_id = ${tenantId}`,
    query.view === 'community' ? sql`ch.kind = 'mentions'` : sql`ch.kind <> 'mentions'`,
  ]
  if (query.channel) scope.push(sql`ch.kind = ${query.channel}::text`)
  if (query.archived === 'false') scope.push(sql`c.last_message_at >= ${archivedAt}`)
  if (query.archived === 'true') scope.push(sql`c.last_message_at < ${archivedAt}`)
  if (query.q) scope.push(searchCondition(query.q))

  const list = [...scope]
  const filter = filterCondition(query.filter, me)
  if (filter) list.push(filter)
  if (query.status) list.push(sql`t.status = ${query.status}::text`)
  if (query.inbox === 'new') list.push(NO_REPLY_YET)
  else if (query.inbox) list.push(sql`c.inbox = ${query.inbox}::text`)
  if (query.before) list.push(sql`c.last_message_at < ${query.before}::timestamptz`)

  // The conversation's current ticket: the live one, else the most recent (closed) one.
  const from = sql`
    from conversations c
    join contacts co on co.id = c.contact_id
    join channels ch on ch.id = c.channel_id
    left join lateral (
      select t.* from tickets t where t.conversation_id = c.id
      order by (t.status = 'closed'), t.created_at desc
      limit 1
    ) t on true`

  const rows = rowsOf<{
    id: string
    channel_kind: ChannelKind
    channel_key: string
    inbox: ConversationInbox
    window_expires_at: string | null
    last_message_at: string
    cursor: string
    created_at: string
    archived: boolean
    community: unknown
    contact_id: string
    contact_name: string | null
    contact_email: string | null
    contact_phone: string | null
    contact_vip: boolean
    ticket_id: string | null
    ticket_number: number | null
    ticket_status: TicketStatus | null
    ticket_owner: TicketOwner | null
    ticket_urgency: string | null
    ticket_priority: TicketPriority | null
    ticket_tags: string[] | null
    ticket_category: string | null
    ticket_subject: string | null
    ticket_queue: string | null
    ticket_assignee: string | null
    ticket_created_at: string | null
    assignee_name: string | null
    sla_metric: SlaMetricName | null
    sla_status: SlaClockStatus | null
    sla_policy_name: string | null
    sla_target_seconds: number | null
    sla_used_seconds: number | null
    sla_due_at: string | null
    sla_warn_at: string | null
    sla_warned_at: string | null
    sla_breached_at: string | null
    last_body: string | null
    last_direction: 'inbound' | 'outbound' | null
    last_author: MessageAuthor | null
    last_at: string | null
    draft_pending: boolean
    no_reply_yet: boolean
    waiting_since: string | null
  }>(
    await db.execute(sql`
      select c.id, ch.kind as channel_kind, ch.key as channel_key, c.inbox,
        ${iso(sql`c.window_expires_at`)} as window_expires_at,
        ${iso(sql`c.last_message_at`)} as last_message_at,
        ${iso(sql`c.last_message_at`, 'US')} as cursor,
        ${iso(sql`c.created_at`)} as created_at,
        (c.last_message_at < ${archivedAt}) as archived,
        c.metadata -> 'community' as community,
        co.id as contact_id, co.name as contact_name, co.email as contact_email, co.phone as contact_phone,
        co.vip as contact_vip,
        t.id as ticket_id, t.number as ticket_number, t.status as ticket_status, t.owner as ticket_owner,
        t.urgency as ticket_urgency, t.priority as ticket_priority, t.tags as ticket_tags,
        t.category as ticket_category, t.subject as ticket_subject, t.queue as ticket_queue,
        t.assignee as ticket_assignee, ${iso(sql`t.created_at`)} as ticket_created_at,
        u.name as assignee_name,
        sla.metric as sla_metric, sla.status as sla_status, sla.policy_name as sla_policy_name,
        sla.target_seconds as sla_target_seconds, sla.used_seconds as sla_used_seconds,
        ${iso(sql`sla.due_at`)} as sla_due_at, ${iso(sql`sla.warn_at`)} as sla_warn_at,
        ${iso(sql`sla.warned_at`)} as sla_warned_at, ${iso(sql`sla.breached_at`)} as sla_breached_at,
        lm.body as last_body, lm.direction as last_direction, lm.author as last_author,
        ${iso(sql`lm.created_at`)} as last_at,
        coalesce(exists (select 1 from drafts d where d.ticket_id = t.id and d.status = 'pending'), false)
          as draft_pending,
        coalesce(${NO_REPLY_YET}, false) as no_reply_yet,
        case when ${OPEN_TICKET} and lm.direction = 'inbound' then ${iso(sql`(
          select min(w.created_at) from messages w
          where w.conversation_id = c.id and w.direction = 'inbound'
            and w.created_at > coalesce((
              select max(o.created_at) from messages o
              where o.conversation_id = c.id and o.direction = 'outbound' and o.delivery_status <> 'failed'
            ), '-infinity'::timestamptz)
        )`)} end as waiting_since
      ${from}
      left join users u on u.tenant_id = c.tenant_id and u.id::text = t.assignee
      left join lateral (
        select s.* from ticket_slas s
        where s.ticket_id = t.id and ${OPEN_TICKET} and s.status in ('running', 'breached', 'paused')
        order by (s.running_since is null), s.due_at asc nulls last, s.metric
        limit 1
      ) sla on true
      left join lateral (
        select m.body, m.direction, m.author, m.created_at from messages m
        where m.conversation_id = c.id and m.direction <> 'internal'
        order by m.created_at desc, m.direction desc
        limit 1
      ) lm on true
      where ${sql.join(list, sql` and `)}
      order by c.last_message_at desc, c.id desc
      limit ${query.limit}::int
    `),
  )

  const [counts] = rowsOf<InboxCounts>(
    await db.execute(sql`
      select
        count(*)::int as "all",
        (count(*) filter (where ${filterCondition('mine', me)}))::int as "mine",
        (count(*) filter (where ${filterCondition('unassigned', me)}))::int as "unassigned",
        (count(*) filter (where ${filterCondition('open', me)}))::int as "open",
        (count(*) filter (where ${filterCondition('in_progress', me)}))::int as "in_progress",
        (count(*) filter (where ${filterCondition('resolved', me)}))::int as "resolved",
        (count(*) filter (where ${filterCondition('closed', me)}))::int as "closed",
        (count(*) filter (where ${NO_REPLY_YET}))::int as "new",
        (count(*) filter (where c.inbox = 'active'))::int as "active",
        (count(*) filter (where c.inbox = 'expired'))::int as "expired",
        (count(*) filter (where c.inbox = 'outgoing'))::int as "outgoing"
      ${from}
      where ${sql.join(scope, sql` and `)}
    `),
  )

  const last = rows.length === query.limit ? rows[rows.length - 1] : undefined
  return {
    conversations: rows.map((r) => ({
      id: r.id,
      channel: { kind: r.channel_kind, key: r.channel_key },
      inbox: r.inbox,
      windowExpiresAt: r.window_expires_at,
      contact: {
        id: r.contact_id,
        name: r.contact_name,
        email: r.contact_email,
        phone: r.contact_phone,
        vip: r.contact_vip,
      },
      lastMessageAt: r.last_message_at,
      createdAt: r.created_at,
      archived: r.archived,
      ...(r.community ? { community: r.community } : {}),
      ticket:
        r.ticket_id === null
          ? null
          : {
              id: r.ticket_id,
              number: ticketNumber(r.ticket_number!),
              status: r.ticket_status!,
              owner: r.ticket_owner!,
              urgency: r.ticket_urgency,
              priority: r.ticket_priority!,
              tags: r.ticket_tags ?? [],
              category: r.ticket_category,
              subject: r.ticket_subject,
              queue: r.ticket_queue,
              assignee: r.ticket_assignee ? { id: r.ticket_assignee, name: r.assignee_name } : null,
              createdAt: r.ticket_created_at!,
              sla:
                r.sla_metric && r.sla_status
                  ? {
                      metric: r.sla_metric,
                      status: r.sla_status,
                      policyName: r.sla_policy_name!,
                      targetSeconds: Number(r.sla_target_seconds),
                      usedSeconds: Number(r.sla_used_seconds),
                      dueAt: r.sla_due_at,
                      warnAt: r.sla_warn_at,
                      warnedAt: r.sla_warned_at,
                      breachedAt: r.sla_breached_at,
                    }
                  : null,
            },
      snippet: snippetOf(r.last_body),
      lastMessage:
        r.last_direction && r.last_author && r.last_at
          ? { direction: r.last_direction, author: r.last_author, at: r.last_at }
          : null,
      flags: {
        draftPending: r.draft_pending,
        customerWaiting: r.waiting_since !== null,
        noReplyYet: r.no_reply_yet,
      },
      customerWaitingSince: r.waiting_since,
    })),
    counts: counts!,
    nextBefore: last ? last.cursor : null,
  }
}
