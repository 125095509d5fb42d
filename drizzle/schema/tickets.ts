// Tickets, their append-only audit trail, the persisted actor snapshots, agent decisions and drafts.
import { sql } from 'drizzle-orm'
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'
import { contacts } from './contacts.ts'
import { type Citation, conversations, messages } from './conversations.ts'
import { tenantRef } from './tenants.ts'

/** Every status of the ticket machine, in the order a ticket usually moves through them. */
export const TICKET_STATUSES = [
  'new',
  'triaging',
  'bot_handled',
  'awaiting_approval',
  'pending',
  'in_progress',
  'resolved',
  'closed',
] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]
export type TicketOwner = 'bot' | 'human'
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]
/** Statuses in which a ticket is off everyone's plate; every other status is open. */
export const CLOSED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed']

export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    tenantId: tenantRef(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** Human number, unique per tenant; shown as TKT-<number>. */
    number: integer().notNull(),
    // The columns below are a projection of the ticket actor's snapshot, rewritten by the host on
    // every transition so lists and filters never need to parse snapshots.
    status: text().$type<TicketStatus>().notNull(),
    owner: text().$type<TicketOwner>().notNull(),
    assignee: text(),
    category: text(),
    intent: text(),
    urgency: text(),
    /** The agent handling the conversation (atlas, loot …); a change is a hand-off, visible in the audit trail. */
    agent: text(),
    /** The human queue an escalated ticket waits in (support, sales, billing …). */
    queue: text(),
    subject: text(),
    /** low, normal, high or urgent; set by operators and routing rules (the machine's context). */
    priority: text().$type<TicketPriority>().notNull().default('normal'),
    /** Tag names, from the machine's context. */
    tags: jsonb().$type<string[]>().notNull().default([]),
    /** Number of events applied; equals the highest audit `seq`. */
    version: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    firstResponseAt: timestamp({ withTimezone: true }),
    resolvedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('tickets_tenant_number').on(t.tenantId, t.number),
    // At most one live ticket per conversation: a closed ticket stays closed, a new message opens a new one.
    uniqueIndex('tickets_one_live_per_conversation').on(t.conversationId).where(sql`status <> 'closed'`),
    index('tickets_tenant_status').on(t.tenantId, t.status, t.updatedAt),
    index('tickets_tenant_assignee').on(t.tenantId, t.assignee),
    // The tenant's latest ticket change, read by the dashboard's live-update watcher (one index seek).
    index('tickets_tenant_updated').on(t.tenantId, t.updatedAt),
    // A conversation's tickets, newest first: the inbox picks each row's current ticket with it.
    index('tickets_conversation').on(t.conversationId, t.createdAt),
  ],
)

export type ActorKind = 'customer' | 'bot' | 'human' | 'system'

/** Append-only (a trigger refuses UPDATE): who did what to a ticket, when, and the state before/after. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    tenantId: tenantRef(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    type: text().notNull(),
    actorKind: text().$type<ActorKind>().notNull(),
    actorId: text(),
    /** The same key never applies twice: a redelivered job or a retried request is a no-op. */
    idempotencyKey: text().notNull(),
    /** `applied` changed state or asked for effects; `ignored` was recorded but did nothing (e.g. a stale timer). */
    outcome: text().$type<'applied' | 'ignored'>().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    before: jsonb().$type<Record<string, unknown>>(),
    after: jsonb().$type<Record<string, unknown>>().notNull(),
    effects: jsonb().$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ticket_events_seq').on(t.ticketId, t.seq),
    uniqueIndex('ticket_events_idempotency').on(t.ticketId, t.idempotencyKey),
    // A tenant's events in a time window: what the Today page counts as resolved today.
    index('ticket_events_tenant_time').on(t.tenantId, t.createdAt),
  ],
)

/** The persisted XState snapshot of each durable actor (today: one per ticket). */
export const actorSnapshots = pgTable('actor_snapshots', {
  actorId: uuid().primaryKey(),
  tenantId: tenantRef(),
  machine: text().notNull(),
  machineVersion: integer().notNull(),
  snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
  version: integer().notNull(),
  updatedAt: updatedAt(),
})

export type GateAction = 'auto' | 'review' | 'escalate'

/** Every decision an agent made, with its scores, so gate thresholds can be calibrated from data. */
export const agentDecisions = pgTable(
  'agent_decisions',
  {
    id: id(),
    tenantId: tenantRef(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    turn: integer().notNull(),
    messageId: uuid().references(() => messages.id, { onDelete: 'set null' }),
    agent: text().notNull(),
    action: text().$type<GateAction>().notNull(),
    confidence: real().notNull(),
    reason: text().notNull(),
    category: text(),
    intent: text(),
    urgency: text(),
    citations: jsonb().$type<Citation[]>().notNull().default([]),
    scores: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    model: text().notNull(),
    latencyMs: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agent_decisions_turn').on(t.ticketId, t.turn)],
)

export type DraftStatus = 'pending' | 'sent' | 'rejected' | 'superseded'

export const drafts = pgTable(
  'drafts',
  {
    id: id(),
    tenantId: tenantRef(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    decisionId: uuid().references(() => agentDecisions.id, { onDelete: 'set null' }),
    body: text().notNull(),
    citations: jsonb().$type<Citation[]>().notNull().default([]),
    confidence: real().notNull(),
    status: text().$type<DraftStatus>().notNull(),
    /** The message that went out when the draft was approved or sent edited. */
    sentMessageId: uuid(),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('drafts_ticket').on(t.ticketId, t.createdAt)],
)
