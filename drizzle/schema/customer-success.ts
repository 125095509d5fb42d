// What customer success keeps: questions the Library could not answer and the weekly digests of them,
// SLA clocks per ticket, satisfaction surveys, product events and health scores, churn risks and their
// save plays, and labelled examples from operators.
import { sql } from 'drizzle-orm'
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'
import { contacts } from './contacts.ts'
import { libraryPassages } from './library.ts'
import { tenantRef } from './tenants.ts'
import { tickets } from './tickets.ts'

/** A customer question the Library did not answer well enough: the raw material of a knowledge-gap digest. */
export const knowledgeGaps = pgTable(
  'knowledge_gaps',
  {
    id: id(),
    tenantId: tenantRef(),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    question: text().notNull(),
    bestPassageId: uuid().references(() => libraryPassages.id, { onDelete: 'set null' }),
    bestScore: real().notNull(),
    /** Why it counts as a gap: `low_confidence`, an escalation reason, or `agent` (the log_knowledge_gap tool). */
    reason: text().notNull().default('agent'),
    /** One gap per ticket turn, however often the turn's effects are replayed. */
    idempotencyKey: text().notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index('knowledge_gaps_tenant_time').on(t.tenantId, t.createdAt)],
)

export type RiskLevel = 'critical' | 'high' | 'medium' | 'low'

/** Health score history per contact (0–100); the latest row is the current score. */
export const healthScores = pgTable(
  'health_scores',
  {
    id: id(),
    tenantId: tenantRef(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    score: integer().notNull(),
    risk: text().$type<RiskLevel>().notNull(),
    components: jsonb().$type<Record<string, number>>().notNull().default({}),
    /** One sentence per component saying why it scored what it did. */
    reasons: jsonb().$type<Record<string, string>>().notNull().default({}),
    computedAt: createdAt(),
  },
  (t) => [index('health_scores_contact_time').on(t.contactId, t.computedAt)],
)

/**
 * Labelled messages a tenant adds to the shipped training data: their own examples, and operators'
 * corrections (re-categorising a ticket, rewriting a draft). The local model retrains on them.
 */
export const trainingExamples = pgTable(
  'training_examples',
  {
    id: id(),
    tenantId: tenantRef(),
    text: text().notNull(),
    /** Head → label, e.g. { category: 'bug_report' }; only the heads the example speaks for. */
    labels: jsonb().$type<Record<string, string>>().notNull(),
    source: text().$type<'tenant' | 'correction'>().notNull(),
    /** For a rewritten draft: the reply the operator sent instead (kept for evals and few-shot prompts). */
    reply: text(),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    createdBy: text(),
    createdAt: createdAt(),
  },
  (t) => [index('training_examples_tenant').on(t.tenantId, t.createdAt)],
)

/** The weekly knowledge-gap digest of a tenant: similar questions grouped, with the answers people gave. */
export interface DigestGroup {
  label: string
  keywords: string[]
  count: number
  questions: {
    gapId: string
    question: string
    ticketId: string | null
    ticketNumber: number | null
    /** The first reply a person sent on that ticket after the question (what the article should say). */
    humanAnswer: string | null
    askedAt: string
  }[]
  /** The draft Library article made from this group, once someone clicked "Draft article". */
  articleId: string | null
}

export const knowledgeGapDigests = pgTable(
  'knowledge_gap_digests',
  {
    id: id(),
    tenantId: tenantRef(),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    groups: jsonb().$type<DigestGroup[]>().notNull().default([]),
    emailedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  // One digest per tenant and week, however many workers run the weekly job.
  (t) => [uniqueIndex('knowledge_gap_digests_period').on(t.tenantId, t.periodStart)],
)

export type SlaMetricName = 'firstResponse' | 'nextResponse' | 'resolution'
export type SlaClockStatus = 'running' | 'paused' | 'met' | 'breached'

/**
 * One SLA clock of a ticket (first response, next response, resolution). The ticket machine says when
 * a clock starts, pauses, resumes and stops (and keeps the timer tokens); the host works out the due
 * times from the tenant's policy and business hours and keeps them here, where the inbox reads them.
 */
export const ticketSlas = pgTable(
  'ticket_slas',
  {
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    metric: text().$type<SlaMetricName>().notNull(),
    tenantId: tenantRef(),
    policyId: text().notNull(),
    policyName: text().notNull(),
    targetSeconds: integer().notNull(),
    warnShare: real().notNull(),
    businessHours: jsonb().$type<Record<string, unknown> | null>(),
    status: text().$type<SlaClockStatus>().notNull(),
    /** How many times this clock has started (next response runs once per customer message). */
    cycle: integer().notNull().default(1),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    /** While running: since when; business seconds before that are in `usedSeconds`. */
    runningSince: timestamp({ withTimezone: true }),
    usedSeconds: integer().notNull().default(0),
    warnAt: timestamp({ withTimezone: true }),
    dueAt: timestamp({ withTimezone: true }),
    warnedAt: timestamp({ withTimezone: true }),
    breachedAt: timestamp({ withTimezone: true }),
    metAt: timestamp({ withTimezone: true }),
    /** The machine's timer token for this clock: a warning or breach job with another token is stale. */
    token: integer().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.metric] }),
    index('ticket_slas_tenant_due').on(t.tenantId, t.status, t.dueAt),
  ],
)

export type SurveyStatus = 'scheduled' | 'sent' | 'answered' | 'skipped'

/** The satisfaction question sent after a ticket is resolved: one per ticket. */
export const satisfactionSurveys = pgTable(
  'satisfaction_surveys',
  {
    id: id(),
    tenantId: tenantRef(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    conversationId: uuid().notNull(),
    /** The random part of the public answer link (email): possession of the link is the right to answer. */
    token: text().notNull(),
    status: text().$type<SurveyStatus>().notNull().default('scheduled'),
    /** The message that carried the question. */
    messageId: uuid(),
    skipReason: text(),
    sentAt: timestamp({ withTimezone: true }),
    answeredAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('satisfaction_surveys_ticket').on(t.ticketId),
    uniqueIndex('satisfaction_surveys_token').on(t.token),
    index('satisfaction_surveys_conversation').on(t.conversationId, t.createdAt),
  ],
)

export type ProductEventType = 'login' | 'feature_used' | 'seats'

/** What the customer does in the tenant's product, posted by the tenant's app to POST /v1/events. */
export const productEvents = pgTable(
  'product_events',
  {
    id: id(),
    tenantId: tenantRef(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    type: text().$type<ProductEventType>().notNull(),
    /** The feature (feature_used), or `used` / `purchased` (seats). */
    name: text(),
    value: real(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    /** The sender's id for the event: a retried POST stores it once. */
    externalId: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index('product_events_contact_time').on(t.contactId, t.occurredAt),
    uniqueIndex('product_events_external').on(t.tenantId, t.externalId),
  ],
)

export type ChurnRiskStatus = 'open' | 'saved' | 'churned'

export interface ChurnSignalRecord {
  kind: string
  evidence: string
  strength: number
  at: string
  ticketId?: string | null
}

/** A customer at risk of leaving, from the moment a churn signal fired until the save play's outcome. */
export const churnRisks = pgTable(
  'churn_risks',
  {
    id: id(),
    tenantId: tenantRef(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: text().$type<ChurnRiskStatus>().notNull().default('open'),
    signals: jsonb().$type<ChurnSignalRecord[]>().notNull().default([]),
    healthScore: integer(),
    openedAt: createdAt(),
    outcomeAt: timestamp({ withTimezone: true }),
    outcomeBy: text(),
    outcomeNote: text(),
  },
  (t) => [
    // One open risk per customer: later signals join it instead of starting a second save play.
    uniqueIndex('churn_risks_one_open').on(t.contactId).where(sql`status = 'open'`),
    index('churn_risks_tenant_time').on(t.tenantId, t.openedAt),
  ],
)

export type SaveStepKind = 'alert_owner' | 'check_in' | 'offer'
export type SaveStepStatus = 'scheduled' | 'done' | 'skipped' | 'failed'

/** One step of a save play, due at `dueAt`; a pg-boss job runs it once (the row lock decides). */
export const savePlaySteps = pgTable(
  'save_play_steps',
  {
    id: id(),
    tenantId: tenantRef(),
    riskId: uuid()
      .notNull()
      .references(() => churnRisks.id, { onDelete: 'cascade' }),
    ordinal: integer().notNull(),
    kind: text().$type<SaveStepKind>().notNull(),
    /** The message the step prepares (a check-in or an offer), for the owner to send. */
    text: text(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    status: text().$type<SaveStepStatus>().notNull().default('scheduled'),
    result: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    doneAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('save_play_steps_order').on(t.riskId, t.ordinal)],
)
