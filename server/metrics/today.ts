// The Today page's figures, computed in SQL from the tickets, drafts, conversations, audit trail and
// satisfaction ratings of one tenant: what needs a person now, and how the desk is doing.
//
// `now` only moves the time windows (since local midnight, the last 7 and 30 days, how long someone
// has waited) and which SLA clocks are past their warning or due time; counts of the current state
// (open, assigned, awaiting approval, the clocks' own status) are always as stored.
//
// SLA warnings come from the SLA engine's clocks (ticket_slas, kept by customer-success/sla-clocks.ts
// from the tenant's policies and business hours): the same clocks the inbox badge and
// GET /v1/tickets/:ticket/sla show.
import { eq, type SQL, sql } from 'drizzle-orm'
import { type Executor, rowsOf } from '../../drizzle/database.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { CLOSED_STATUSES, type TicketPriority, type TicketStatus } from '../../drizzle/schema/tickets.ts'
import { ticketNumber } from '../views/conversation.ts'
import type { SlaClockView } from '../views/sla.ts'

export interface TodayOptions {
  /** The moment the figures are for; default: the current time. */
  now?: Date
  /** IANA zone name for "today"; default: the tenant's settings.timeZone, else UTC. */
  timeZone?: string
  /** Whose tickets count as `mine`: the caller's operator (what tickets.assignee holds); null: none. */
  operator?: string | null
  /** Most rows per list (approval queue, escalations, SLA warnings). Default 20. */
  listLimit?: number
}

export interface TodayNeedsHuman {
  /** Tickets awaiting approval that have a pending draft. */
  readyForApproval: number
  /** Escalated tickets waiting for a person: status `pending`, owner `human`. */
  escalationsWaiting: number
  /** Open tickets (not resolved or closed) owned by a human that nobody is assigned to. */
  unassignedWaiting: number
  /** Open tickets (not resolved or closed) assigned to the caller. */
  mine: number
  /**
   * Open tickets with an SLA clock (first response, next response or resolution) that is breached or
   * past its warning: running or breached, and warned, past its warning time, past due or breached.
   */
  slaWarnings: number
  /** Conversations created since local midnight. */
  newConversations: number
}

export interface TodayCsat {
  /** Share of ratings of 4 or 5, in percent (0–100). */
  percent: number
  /** Mean score, 1–5. */
  average: number
  count: number
}

export interface TodayOverview {
  /** Mean of firstResponseAt − createdAt over tickets created in the last 7 days that have a response; null when none. */
  avgFirstResponseSeconds: number | null
  /** Conversations that have a ticket that is neither resolved nor closed. */
  activeConversations: number
  /** Satisfaction ratings of the last 30 days; null when there are none. */
  csat: TodayCsat | null
  /** Tickets that entered `resolved` since local midnight (from the audit trail, so a later close still counts). */
  resolvedToday: number
  /**
   * Of the tickets created in the last 7 days that are now bot_handled, resolved or closed, the share
   * (percent) no person ever owned (no audit event with owner `human`); null when there are none.
   */
  botResolvedShare: number | null
}

export interface TodayApprovalItem {
  ticketId: string
  /** TKT-10042 */
  number: string
  conversationId: string
  contactName: string | null
  /** The ticket's subject, else the first customer message (≤ 140 characters). */
  subject: string | null
  draftId: string
  /** The agent's confidence in the draft, 0–1. */
  confidence: number
  /** When the draft was written, and how long it has waited for approval. */
  since: string
  ageSeconds: number
}

export interface TodayEscalationItem {
  ticketId: string
  number: string
  conversationId: string
  contactName: string | null
  subject: string | null
  queue: string | null
  urgency: string | null
  priority: TicketPriority
  /** What tickets.assignee holds (a user id or an operator string), and the teammate's name when it is a user. */
  assignee: string | null
  assigneeName: string | null
  /** When the ticket entered `pending` (audit trail; else its last update), and for how long. */
  since: string
  waitingSeconds: number
}

/** An SLA clock as the inbox badge shows it (the inbox's `ticket.sla`), with its policy's id. */
export interface TodaySlaClock extends SlaClockView {
  policyId: string
}

export interface TodaySlaWarning {
  ticketId: string
  number: string
  conversationId: string
  contactName: string | null
  subject: string | null
  status: TicketStatus
  priority: TicketPriority
  urgency: string | null
  /** The ticket's most urgent clock past its warning: a breached one first, then the earliest due. */
  sla: TodaySlaClock
  /** That clock has breached: recorded by the engine, or past due before its breach timer ran. */
  breached: boolean
  /** How many of the ticket's clocks are past their warning or breached (1 when only `sla`). */
  clocks: number
}

export interface TodayView {
  /** The `now` the figures are for. */
  asOf: string
  timeZone: string
  /** Local midnight of `asOf` in `timeZone`, as an ISO instant: where "today" starts. */
  dayStartedAt: string
  needsHuman: TodayNeedsHuman
  overview: TodayOverview
  /** Oldest draft first. */
  approvalQueue: TodayApprovalItem[]
  /** Longest waiting first. */
  escalations: TodayEscalationItem[]
  /** Breached first (longest overdue first), then the earliest due. */
  slaWarnings: TodaySlaWarning[]
}

const SNIPPET_LENGTH = 140

/** One line of at most 140 characters: whitespace collapsed, an ellipsis when cut. */
export function snippetOf(text: string | null | undefined, length = SNIPPET_LENGTH): string | null {
  if (text === null || text === undefined) return null
  const line = text.replace(/\s+/g, ' ').trim()
  if (line.length === 0) return null
  return line.length <= length ? line : `${line.slice(0, length - 1).trimEnd()}…`
}

/** A zone name both ICU and PostgreSQL read the same way (no numeric offsets, whose sign PostgreSQL flips). */
function validTimeZone(zone: unknown): string | null {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return null
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return zone
  } catch {
    return null
  }
}

/** The tenant's settings.timeZone when it is a valid zone, else UTC. */
export async function tenantTimeZone(db: Executor, tenantId: string): Promise<string> {
  const [row] = await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId))
  return validTimeZone(row?.settings.timeZone) ?? 'UTC'
}

/**
 * An ISO-8601 UTC string from a timestamptz, the same on PGlite and postgres.js: millisecond
 * precision, or microseconds (`US`) where the string must match the stored value exactly (a cursor).
 */
export const iso = (expr: SQL, precision: 'MS' | 'US' = 'MS') =>
  sql`to_char(${expr} at time zone 'UTC', ${sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.${precision}"Z"'`)})`

/** Ticket `t` is open: neither resolved nor closed (built from constants, so raw SQL is safe). */
export const OPEN_TICKET = sql.raw(`t.status not in (${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`)

/** The start of ticket `ticketId`'s first customer message (400 characters, for snippetOf). */
export const firstCustomerMessage = (ticketId: SQL) => sql<
  string | null
>`(select left(m.body, 400) from messages m
  where m.ticket_id = ${ticketId} and m.direction = 'inbound' order by m.created_at limit 1)`

/** A Today list row as selected: the plain ticket number and the uncut subject. */
type ListRow<T extends { number: string }> = Omit<T, 'number'> & { number: number }

/** Shapes a Today list: TKT- numbers and subjects cut to one line. */
function listOf<T extends { number: string; subject: string | null }>(rows: ListRow<T>[]): T[] {
  return rows.map((r) => ({ ...r, number: ticketNumber(r.number), subject: snippetOf(r.subject) }) as T)
}

export async function todayFigures(
  db: Executor,
  tenantId: string,
  options: TodayOptions = {},
): Promise<TodayView> {
  const now = options.now ?? new Date()
  const timeZone =
    options.timeZone !== undefined
      ? (validTimeZone(options.timeZone) ?? 'UTC')
      : await tenantTimeZone(db, tenantId)
  const limit = options.listLimit ?? 20
  const me = options.operator ?? null
  const nowAt = sql`${now.toISOString()}::timestamptz`
  const midnight = sql`(date_trunc('day', ${nowAt} at time zone ${timeZone}::text) at time zone ${timeZone}::text)`

  const secondsSince = (at: SQL) => sql`greatest(0, floor(extract(epoch from (${nowAt} - ${at}))))::int`
  // SLA clock `s` has breached: the engine recorded it, or it is past due before its breach timer ran
  // (as the inbox badge says). It needs attention when breached, warned, or past its warning time. A
  // paused clock (waiting on the customer) or a met one does not.
  const clockBreached = sql`(s.status = 'breached' or s.breached_at is not null or s.due_at <= ${nowAt})`
  const clockNeedsAttention = sql`s.status in ('running', 'breached')
      and (${clockBreached} or s.warned_at is not null or s.warn_at <= ${nowAt})`
  const slaWarning = sql`t.tenant_id = ${tenantId} and ${OPEN_TICKET} and exists (
      select 1 from ticket_slas s where s.ticket_id = t.id and ${clockNeedsAttention})`
  // What every list row starts with: the ticket, its contact, and its subject, else the start of its
  // first customer message.
  const head = sql`t.id as "ticketId", t.number, t.conversation_id as "conversationId",
      co.name as "contactName", coalesce(t.subject, ${firstCustomerMessage(sql`t.id`)}) as subject`

  const [figures] = rowsOf<
    TodayNeedsHuman &
      Omit<TodayOverview, 'csat'> & {
        dayStartedAt: string
        csatCount: number
        csatAverage: number | null
        csatPercent: number | null
      }
  >(
    await db.execute(sql`
      select
        ${iso(midnight)} as "dayStartedAt",
        (select count(*)::int from tickets t
          where t.tenant_id = ${tenantId} and t.status = 'awaiting_approval'
            and exists (select 1 from drafts d where d.ticket_id = t.id and d.status = 'pending')
        ) as "readyForApproval",
        (select count(*)::int from tickets t
          where t.tenant_id = ${tenantId} and t.status = 'pending' and t.owner = 'human'
        ) as "escalationsWaiting",
        (select count(*)::int from tickets t
          where t.tenant_id = ${tenantId} and ${OPEN_TICKET} and t.owner = 'human' and t.assignee is null
        ) as "unassignedWaiting",
        (select count(*)::int from tickets t
          where t.tenant_id = ${tenantId} and ${OPEN_TICKET} and t.assignee = ${me}::text
        ) as "mine",
        (select count(*)::int from tickets t where ${slaWarning}) as "slaWarnings",
        (select count(*)::int from conversations c
          where c.tenant_id = ${tenantId} and c.created_at >= ${midnight} and c.created_at <= ${nowAt}
        ) as "newConversations",
        (select avg(extract(epoch from (t.first_response_at - t.created_at)))::float8 from tickets t
          where t.tenant_id = ${tenantId} and t.first_response_at is not null
            and t.created_at > ${nowAt} - interval '7 days' and t.created_at <= ${nowAt}
        ) as "avgFirstResponseSeconds",
        (select count(distinct t.conversation_id)::int from tickets t
          where t.tenant_id = ${tenantId} and ${OPEN_TICKET}
        ) as "activeConversations",
        csat.count as "csatCount",
        csat.average as "csatAverage",
        csat.percent as "csatPercent",
        (select count(distinct e.ticket_id)::int from ticket_events e
          where e.tenant_id = ${tenantId} and e.outcome = 'applied'
            and e.after ->> 'status' = 'resolved' and coalesce(e.before ->> 'status', '') <> 'resolved'
            and e.created_at >= ${midnight} and e.created_at <= ${nowAt}
        ) as "resolvedToday",
        (select (100.0 * count(*) filter (where not exists (
                  select 1 from ticket_events e where e.ticket_id = t.id and e.after ->> 'owner' = 'human'))
                / nullif(count(*), 0))::float8
          from tickets t
          where t.tenant_id = ${tenantId} and t.status in ('bot_handled', 'resolved', 'closed')
            and t.created_at > ${nowAt} - interval '7 days' and t.created_at <= ${nowAt}
        ) as "botResolvedShare"
      from (
        select count(*)::int as count, avg(r.score)::float8 as average,
          (100.0 * count(*) filter (where r.score >= 4) / nullif(count(*), 0))::float8 as percent
        from satisfaction_ratings r
        where r.tenant_id = ${tenantId}
          and r.created_at > ${nowAt} - interval '30 days' and r.created_at <= ${nowAt}
      ) csat
    `),
  )
  if (!figures) throw new Error('the Today figures query returned no row')

  const approvalQueue = listOf<TodayApprovalItem>(
    rowsOf<ListRow<TodayApprovalItem>>(
      await db.execute(sql`
        select ${head}, d.id as "draftId", d.confidence::float8 as confidence,
          ${iso(sql`d.created_at`)} as since, ${secondsSince(sql`d.created_at`)} as "ageSeconds"
        from tickets t
        join lateral (
          select d.id, d.confidence, d.created_at from drafts d
          where d.ticket_id = t.id and d.status = 'pending' order by d.created_at desc limit 1
        ) d on true
        join contacts co on co.id = t.contact_id
        where t.tenant_id = ${tenantId} and t.status = 'awaiting_approval'
        order by d.created_at asc, t.number asc
        limit ${limit}
      `),
    ),
  )

  const escalations = listOf<TodayEscalationItem>(
    rowsOf<ListRow<TodayEscalationItem>>(
      await db.execute(sql`
        select ${head}, t.queue, t.urgency, t.priority, t.assignee, u.name as "assigneeName",
          ${iso(sql`p.since`)} as since, ${secondsSince(sql`p.since`)} as "waitingSeconds"
        from tickets t
        join contacts co on co.id = t.contact_id
        left join users u on u.tenant_id = t.tenant_id and u.id::text = t.assignee
        cross join lateral (
          select coalesce((select max(e.created_at) from ticket_events e
              where e.ticket_id = t.id and e.after ->> 'status' = 'pending'
                and coalesce(e.before ->> 'status', '') <> 'pending'), t.updated_at) as since
        ) p
        where t.tenant_id = ${tenantId} and t.status = 'pending' and t.owner = 'human'
        order by p.since asc, t.number asc
        limit ${limit}
      `),
    ),
  )

  type SlaWarningRow = Omit<TodaySlaWarning, 'sla'> & {
    [K in keyof TodaySlaClock as `sla_${K}`]: TodaySlaClock[K]
  }
  const slaWarnings = listOf<TodaySlaWarning>(
    rowsOf<ListRow<SlaWarningRow>>(
      await db.execute(sql`
        select ${head}, t.status, t.priority, t.urgency,
          s.metric as "sla_metric", s.status as "sla_status", s.policy_id as "sla_policyId",
          s.policy_name as "sla_policyName", s.target_seconds as "sla_targetSeconds",
          s.used_seconds as "sla_usedSeconds", ${iso(sql`s.due_at`)} as "sla_dueAt",
          ${iso(sql`s.warn_at`)} as "sla_warnAt", ${iso(sql`s.warned_at`)} as "sla_warnedAt",
          ${iso(sql`s.breached_at`)} as "sla_breachedAt", s.breached, s.clocks
        from tickets t
        join contacts co on co.id = t.contact_id
        cross join lateral (
          select s.*, ${clockBreached} as breached, count(*) over ()::int as clocks
          from ticket_slas s
          where s.ticket_id = t.id and ${clockNeedsAttention}
          order by ${clockBreached} desc, s.due_at asc nulls last, s.metric
          limit 1
        ) s
        where t.tenant_id = ${tenantId} and ${OPEN_TICKET}
        order by s.breached desc, s.due_at asc nulls last, t.number asc
        limit ${limit}
      `),
    ).map(
      ({
        sla_metric,
        sla_status,
        sla_policyId,
        sla_policyName,
        sla_targetSeconds,
        sla_usedSeconds,
        sla_dueAt,
        sla_warnAt,
        sla_warnedAt,
        sla_breachedAt,
        ...row
      }) => ({
        ...row,
        sla: {
          metric: sla_metric,
          status: sla_status,
          policyId: sla_policyId,
          policyName: sla_policyName,
          targetSeconds: Number(sla_targetSeconds),
          usedSeconds: Number(sla_usedSeconds),
          dueAt: sla_dueAt,
          warnAt: sla_warnAt,
          warnedAt: sla_warnedAt,
          breachedAt: sla_breachedAt,
        },
      }),
    ),
  )

  const {
    dayStartedAt,
    avgFirstResponseSeconds,
    activeConversations,
    csatCount,
    csatAverage,
    csatPercent,
    resolvedToday,
    botResolvedShare,
    ...needsHuman
  } = figures
  return {
    asOf: now.toISOString(),
    timeZone,
    dayStartedAt,
    needsHuman,
    overview: {
      avgFirstResponseSeconds: avgFirstResponseSeconds === null ? null : round(avgFirstResponseSeconds, 1),
      activeConversations,
      csat:
        csatCount > 0
          ? { percent: round(csatPercent ?? 0, 1), average: round(csatAverage ?? 0, 2), count: csatCount }
          : null,
      resolvedToday,
      botResolvedShare: botResolvedShare === null ? null : round(botResolvedShare, 1),
    },
    approvalQueue,
    escalations,
    slaWarnings,
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
