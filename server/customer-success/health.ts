// Customer health, stored: gathers a customer's product events, tickets and message sentiment, scores
// them (health-score.ts), keeps the history, and checks the churn signals that follow from the new
// score and the ticket history. Runs as the `atlas.health` job — on every product event and inbound
// message (one queued recomputation per customer) and nightly for everyone active in 90 days.
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm'
import { sentimentOf } from '../../agents/sentiment/index.ts'
import type { Db, Executor } from '../../drizzle/database.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import { healthScores, productEvents } from '../../drizzle/schema/customer-success.ts'
import { ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import type { JobContext, JobHandler } from '../jobs/context.ts'
import { type ChurnDeps, openChurnRisk } from './churn.ts'
import { healthSignals, ticketSignals } from './churn-signals.ts'
import { computeHealth, type HealthResult } from './health-score.ts'
import type { HealthJob } from './jobs.ts'
import { type CustomerSuccessSettings, readCustomerSuccessSettings } from './settings.ts'

const DAY = 86_400_000

export async function healthInputs(
  db: Executor,
  tenantId: string,
  contactId: string,
  now: Date,
  settings: CustomerSuccessSettings,
) {
  const since = new Date(now.getTime() - 90 * DAY)
  const events = await db
    .select({
      type: productEvents.type,
      name: productEvents.name,
      value: productEvents.value,
      occurredAt: productEvents.occurredAt,
    })
    .from(productEvents)
    .where(and(eq(productEvents.contactId, contactId), gte(productEvents.occurredAt, since)))
  let catalogue = settings.health.features.length
  if (catalogue === 0) {
    const [row] = await db
      .select({ n: sql<number>`count(distinct ${productEvents.name})::int` })
      .from(productEvents)
      .where(
        and(
          eq(productEvents.tenantId, tenantId),
          eq(productEvents.type, 'feature_used'),
          gte(productEvents.occurredAt, since),
        ),
      )
    catalogue = row?.n ?? 0
  }
  const ticketRows = await db
    .select({
      id: tickets.id,
      createdAt: tickets.createdAt,
      urgency: tickets.urgency,
      priority: tickets.priority,
      status: tickets.status,
      resolvedAt: tickets.resolvedAt,
      category: tickets.category,
      owner: tickets.owner,
    })
    .from(tickets)
    .where(and(eq(tickets.contactId, contactId), gte(tickets.createdAt, since)))
  const ids = ticketRows.map((t) => t.id)
  const reopenedIds = new Set(
    ids.length === 0
      ? []
      : (
          await db
            .selectDistinct({ id: ticketEvents.ticketId })
            .from(ticketEvents)
            .where(
              and(
                inArray(ticketEvents.ticketId, ids),
                eq(ticketEvents.outcome, 'applied'),
                // Reopened by an operator (REOPEN) or by the customer writing again: either way the
                // problem came back. The audit row's before/after say so whatever the event was.
                sql`${ticketEvents.before}->>'status' in ('resolved', 'closed')`,
                sql`${ticketEvents.after}->>'status' not in ('resolved', 'closed')`,
              ),
            )
        ).map((r) => r.id),
  )
  const said = await db
    .select({ body: messages.body, at: messages.createdAt })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(
      and(
        eq(tickets.contactId, contactId),
        eq(messages.direction, 'inbound'),
        gte(messages.createdAt, since),
      ),
    )
  const ticketFacts = ticketRows.map((t) => ({
    createdAt: t.createdAt,
    urgency: t.urgency,
    priority: t.priority,
    status: t.status,
    resolvedAt: t.resolvedAt,
    // A ticket a person had to take is an escalation, whoever resolved it in the end.
    escalated: t.owner === 'human',
    reopened: reopenedIds.has(t.id),
    category: t.category,
  }))
  return {
    now,
    events,
    featureCatalogueSize: catalogue,
    tickets: ticketFacts,
    sentiments: said
      .filter((m) => m.body.trim())
      .map((m) => ({ score: sentimentOf(m.body).score, at: m.at })),
  }
}

/** Scores the customer now, stores the score (history), and opens a churn risk when signals fire. */
export async function recomputeHealth(
  db: Db,
  deps: ChurnDeps,
  job: HealthJob,
  now: Date,
): Promise<HealthResult> {
  const settings = await readCustomerSuccessSettings(db, job.tenantId)
  const inputs = await healthInputs(db, job.tenantId, job.contactId, now, settings)
  const result = computeHealth(inputs, settings.health.weights)
  await db.transaction(async (tx) => {
    await tx.insert(healthScores).values({
      tenantId: job.tenantId,
      contactId: job.contactId,
      score: result.score,
      risk: result.risk,
      components: result.components,
      reasons: result.reasons,
      computedAt: now,
    })
    const history = await tx
      .select({ score: healthScores.score, at: healthScores.computedAt })
      .from(healthScores)
      .where(
        and(
          eq(healthScores.contactId, job.contactId),
          gte(healthScores.computedAt, new Date(now.getTime() - 45 * DAY)),
        ),
      )
      .orderBy(desc(healthScores.computedAt))
    const signals = [...healthSignals(history.reverse(), now), ...ticketSignals(inputs.tickets, now)]
    if (signals.length > 0 && settings.churn.enabled) {
      await openChurnRisk(tx, deps, {
        tenantId: job.tenantId,
        contactId: job.contactId,
        signals,
        healthScore: result.score,
        now,
      })
    }
  })
  return result
}

export function healthHandler(
  context: JobContext,
  deps: ChurnDeps & { now?: () => Date },
): JobHandler<HealthJob> {
  return async (job) => {
    await recomputeHealth(context.database.db, deps, job.data, context.host.now())
  }
}

/** Nightly: every customer with product events or tickets in the last 90 days gets a fresh score. */
export function healthNightlyHandler(context: JobContext, deps: ChurnDeps): JobHandler<object> {
  return async () => {
    const db = context.database.db
    const since = new Date(context.host.now().getTime() - 90 * DAY)
    const rows = await context.database.query<{ tenant_id: string; contact_id: string }>(
      `select distinct tenant_id, contact_id from product_events where occurred_at >= $1
       union select distinct tenant_id, contact_id from tickets where created_at >= $1`,
      [since.toISOString()],
    )
    for (const row of rows) {
      await db.transaction((tx) =>
        deps.jobs.health(tx, { tenantId: row.tenant_id, contactId: row.contact_id }),
      )
    }
  }
}
