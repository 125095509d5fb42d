// Customer-success API: product events from the tenant's app (health scores), health history, churn
// risks and their outcomes, SLA clocks of a ticket, and each person's notifications and preferences.
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import {
  churnRisks,
  healthScores,
  productEvents,
  savePlaySteps,
  ticketSlas,
} from '../../drizzle/schema/customer-success.ts'
import { notificationDeliveries, notifications } from '../../drizzle/schema/notifications.ts'
import { users } from '../../drizzle/schema/team.ts'
import { churnReport, recordChurnOutcome } from '../customer-success/churn.ts'
import type { SuccessJobs } from '../customer-success/jobs.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, param, readBody, UuidParam } from '../http/body.ts'
import { markRead } from '../notifications/notify.ts'
import { NotificationPreferencesSchema } from '../notifications/preferences.ts'
import type { Runtime } from '../runtime.ts'
import { ticketInPath } from './tickets.ts'

type Env = { Variables: AuthVariables }

const ProductEvent = z
  .strictObject({
    /** The sender's id for the event: a retried POST stores it once. */
    id: z.string().trim().min(1).max(200).optional(),
    contactId: z.uuid('must be a UUID').optional(),
    email: z.email().optional(),
    type: z.enum(['login', 'feature_used', 'seats']),
    name: z.string().trim().min(1).max(120).optional(),
    value: z.number().finite().optional(),
    occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  })
  .refine((e) => e.contactId || e.email, { message: 'needs contactId or email to find the customer' })
  .refine((e) => e.type !== 'feature_used' || e.name, {
    message: 'a feature_used event needs the feature name',
  })
  .refine(
    (e) => e.type !== 'seats' || (e.value !== undefined && (e.name === 'used' || e.name === 'purchased')),
    {
      message: 'a seats event needs name "used" or "purchased" and a numeric value',
    },
  )

const ProductEventsBody = z.union([
  ProductEvent,
  z.strictObject({ events: z.array(ProductEvent).min(1, 'send at least one event').max(1000) }),
])

const OutcomeBody = z.strictObject({
  outcome: z.enum(['saved', 'churned']),
  note: z.string().trim().max(2000).optional(),
})

const ReadBody = z.strictObject({ ids: z.union([z.array(z.uuid()).max(500), z.literal('all')]) })

export function customerSuccessRoutes(runtime: Pick<Runtime, 'database' | 'success' | 'host'>) {
  const db = runtime.database.db
  const jobs: SuccessJobs = runtime.success
  const app = new Hono<Env>()

  app.post('/product-events', limitBody(1024 * 1024), async (c) => {
    const { tenantId } = c.get('auth')
    const body = await readBody(c, ProductEventsBody, 'product events')
    const events = 'events' in body ? body.events : [body]
    const ids = [...new Set(events.flatMap((e) => (e.contactId ? [e.contactId] : [])))]
    const emails = [...new Set(events.flatMap((e) => (e.email ? [e.email.toLowerCase()] : [])))]
    const known = await db
      .select({ id: contacts.id, email: contacts.email })
      .from(contacts)
      .where(
        and(
          eq(contacts.tenantId, tenantId),
          sql`(${ids.length ? inArray(contacts.id, ids) : sql`false`} or ${emails.length ? inArray(sql`lower(${contacts.email})`, emails) : sql`false`})`,
        ),
      )
    const byId = new Set(known.map((k) => k.id))
    const byEmail = new Map(known.filter((k) => k.email).map((k) => [k.email!.toLowerCase(), k.id]))
    const resolved = events.map((e, i) => {
      const contactId = e.contactId
        ? byId.has(e.contactId)
          ? e.contactId
          : null
        : byEmail.get(e.email!.toLowerCase())
      if (!contactId)
        throw new AtlasError(
          'validation_failed',
          `events[${i}]: no customer ${e.contactId ?? e.email} in this workspace`,
        )
      return { ...e, contactId }
    })
    // All or nothing: an unknown customer anywhere refuses the batch before anything is written.
    const result = await db.transaction(async (tx) => {
      const written = await tx
        .insert(productEvents)
        .values(
          resolved.map((e) => ({
            tenantId,
            contactId: e.contactId,
            type: e.type,
            name: e.name ?? null,
            value: e.value ?? null,
            occurredAt: e.occurredAt ? new Date(e.occurredAt) : runtime.host.now(),
            externalId: e.id ?? null,
          })),
        )
        .onConflictDoNothing()
        .returning({ contactId: productEvents.contactId })
      for (const contactId of new Set(written.map((w) => w.contactId))) {
        await jobs.health(tx, { tenantId, contactId })
      }
      return { accepted: written.length, duplicates: resolved.length - written.length }
    })
    return c.json(result, 202)
  })

  app.get('/customer-health/:contact', async (c) => {
    const { tenantId } = c.get('auth')
    const contactId = param(c, 'contact', UuidParam)
    const [contact] = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)))
    if (!contact) throw new AtlasError('not_found', `Contact ${contactId} does not exist`)
    const history = await db
      .select()
      .from(healthScores)
      .where(and(eq(healthScores.tenantId, tenantId), eq(healthScores.contactId, contactId)))
      .orderBy(desc(healthScores.computedAt))
      .limit(90)
    const [latest] = history
    return c.json({
      contactId,
      current: latest
        ? {
            score: latest.score,
            risk: latest.risk,
            components: latest.components,
            reasons: latest.reasons,
            computedAt: latest.computedAt.toISOString(),
          }
        : null,
      history: history.map((h) => ({ score: h.score, risk: h.risk, computedAt: h.computedAt.toISOString() })),
    })
  })

  app.get('/churn-risks', async (c) => {
    const { tenantId } = c.get('auth')
    // One customer's risks (their profile page), or those with one outcome.
    const { status, contact: contactId } = parseInput(
      z.object({
        status: z.enum(['open', 'saved', 'churned'], { error: 'must be open, saved or churned' }).optional(),
        contact: z.uuid('must be a UUID').optional(),
      }),
      { status: c.req.query('status') || undefined, contact: c.req.query('contact') || undefined },
      'query',
      'bad_request',
    )
    const risks = await db
      .select({ risk: churnRisks, name: contacts.name, email: contacts.email })
      .from(churnRisks)
      .innerJoin(contacts, eq(contacts.id, churnRisks.contactId))
      .where(
        and(
          eq(churnRisks.tenantId, tenantId),
          status ? eq(churnRisks.status, status) : undefined,
          contactId ? eq(churnRisks.contactId, contactId) : undefined,
        ),
      )
      .orderBy(desc(churnRisks.openedAt))
      .limit(200)
    const steps = risks.length
      ? await db
          .select()
          .from(savePlaySteps)
          .where(
            inArray(
              savePlaySteps.riskId,
              risks.map((r) => r.risk.id),
            ),
          )
          .orderBy(savePlaySteps.ordinal)
      : []
    return c.json({
      risks: risks.map(({ risk, name, email }) => ({
        ...risk,
        customer: { id: risk.contactId, name, email },
        steps: steps.filter((s) => s.riskId === risk.id),
      })),
    })
  })

  app.get('/churn-report', async (c) => {
    const { days } = parseInput(
      z.object({
        days: z.coerce
          .number({ error: 'must be a number of days' })
          .int('must be a whole number of days')
          .min(1, 'must be at least 1')
          .max(3650, 'must be at most 3650')
          .default(90),
      }),
      { days: c.req.query('days') || undefined },
      'query',
      'bad_request',
    )
    return c.json(
      await churnReport(
        db,
        c.get('auth').tenantId,
        new Date(runtime.host.now().getTime() - days * 86_400_000),
      ),
    )
  })

  app.post('/churn-risks/:risk/outcome', limitBody(16 * 1024), async (c) => {
    const { tenantId, operator } = c.get('auth')
    const riskId = param(c, 'risk', UuidParam)
    const body = await readBody(c, OutcomeBody, 'save play outcome')
    const risk = await db.transaction((tx) =>
      recordChurnOutcome(tx, tenantId, riskId, {
        status: body.outcome,
        by: operator,
        note: body.note || null,
        at: runtime.host.now(),
      }),
    )
    return c.json({ risk })
  })

  app.get('/notifications', async (c) => {
    const { tenantId, userId } = c.get('auth')
    if (!userId)
      throw new AtlasError('forbidden', 'Notifications belong to a signed-in person, not an API key')
    const unread = c.req.query('unread') === 'true'
    const { limit } = parseInput(
      z.object({ limit: z.coerce.number().int().min(0).max(100).default(100) }),
      { limit: c.req.query('limit') || undefined },
      'query',
      'bad_request',
    )
    const mine = and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId))
    const rows = await db
      .select()
      .from(notifications)
      .where(and(mine, unread ? sql`${notifications.readAt} is null` : undefined))
      .orderBy(desc(notifications.createdAt))
      .limit(limit)
    // All of the person's unread ones, however many are listed: the dashboard's badge.
    const [counted] = await db
      .select({ unread: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(mine, sql`${notifications.readAt} is null`))
    const deliveries = rows.length
      ? await db
          .select()
          .from(notificationDeliveries)
          .where(
            inArray(
              notificationDeliveries.notificationId,
              rows.map((r) => r.id),
            ),
          )
      : []
    return c.json({
      unread: Number(counted?.unread ?? 0),
      notifications: rows.map((n) => ({
        ...n,
        deliveries: deliveries
          .filter((d) => d.notificationId === n.id)
          .map((d) => ({ channel: d.channel, status: d.status, error: d.error, sentAt: d.sentAt })),
      })),
    })
  })

  app.post('/notifications/read', limitBody(64 * 1024), async (c) => {
    const { tenantId, userId } = c.get('auth')
    if (!userId)
      throw new AtlasError('forbidden', 'Notifications belong to a signed-in person, not an API key')
    const { ids } = await readBody(c, ReadBody, 'notifications to mark read')
    const read = await db.transaction((tx) => markRead(tx, tenantId, userId, ids))
    return c.json({ read: read.length })
  })

  app.get('/notification-preferences', async (c) => {
    const { userId } = c.get('auth')
    if (!userId) throw new AtlasError('forbidden', 'Preferences belong to a signed-in person, not an API key')
    const [user] = await db
      .select({ prefs: users.notificationPreferences })
      .from(users)
      .where(eq(users.id, userId))
    const parsed = NotificationPreferencesSchema.safeParse(user?.prefs ?? {})
    return c.json({ preferences: parsed.success ? parsed.data : NotificationPreferencesSchema.parse({}) })
  })

  app.put('/notification-preferences', limitBody(16 * 1024), async (c) => {
    const { userId } = c.get('auth')
    if (!userId) throw new AtlasError('forbidden', 'Preferences belong to a signed-in person, not an API key')
    const preferences = await readBody(c, NotificationPreferencesSchema, 'notification preferences')
    await db.update(users).set({ notificationPreferences: preferences }).where(eq(users.id, userId))
    return c.json({ preferences })
  })

  return app
}

/** GET /v1/tickets/:ticket/sla — the ticket's SLA clocks, as the inbox shows them. */
export function ticketSlaRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.get('/:ticket/sla', async (c) => {
    const ticket = await ticketInPath(c, db)
    const clocks = await db.select().from(ticketSlas).where(eq(ticketSlas.ticketId, ticket.id))
    return c.json({
      clocks: clocks.map((k) => ({
        metric: k.metric,
        policy: { id: k.policyId, name: k.policyName },
        status: k.status,
        targetSeconds: k.targetSeconds,
        usedSeconds: k.usedSeconds,
        startedAt: k.startedAt,
        warnAt: k.warnAt,
        dueAt: k.dueAt,
        warnedAt: k.warnedAt,
        breachedAt: k.breachedAt,
        metAt: k.metAt,
      })),
    })
  })
  return app
}
