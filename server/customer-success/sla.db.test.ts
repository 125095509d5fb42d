// SLA timers end to end with simulated time: a ticket no person answers first warns, breaches and escalates
// (priority raised, reassigned, the team notified); a person's reply meets it; the silent customer is
// reminded and the ticket resolves itself. The worker restarts in the middle and nothing changes.
// Time is simulated by the host's clock; a due pg-boss job is released by moving its start_after to
// the database's now, so the real queue, workers and ticket host do the rest.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../common/logger.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import { satisfactionSurveys, ticketSlas } from '../../drizzle/schema/customer-success.ts'
import { notifications } from '../../drizzle/schema/notifications.ts'
import { satisfactionRatings } from '../../drizzle/schema/team.ts'
import { ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import {
  eventually,
  releaseDueJobs,
  setCustomerSuccess,
  startTestRuntime,
  type TestRuntime,
  testModel,
} from '../../testing/runtime.ts'
import { createApp } from '../app.ts'
import { loadConfig } from '../config.ts'
import { QUEUES } from '../jobs/queues.ts'
import { type Runtime, startRuntime } from '../runtime.ts'

const MIN = 60_000
let simulated = Date.now()
const clock = () => new Date(simulated)
let t: TestRuntime
let runtime: Runtime
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  t = await startTestRuntime({ clock })
  runtime = t.runtime
  app = t.app
  await setCustomerSuccess(t.api, {
    sla: {
      policies: [
        {
          id: 'standard',
          name: 'Standard',
          targets: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 24 * 60 },
          warnAt: 0.5,
          onBreach: { raisePriority: true, reassignTo: 'lead@quillstack.io', notify: true },
        },
      ],
      followUps: { customerAfterHours: 1, autoResolveAfterHours: 2, ownerAfterHours: null },
    },
    csat: { enabled: true, delayMinutes: 0 },
  })
}, 120_000)

afterAll(async () => {
  await runtime?.stop()
  await t.testDatabase.drop()
})

/**
 * Moves simulated time on and releases every timer job due by then. Moving start_after sends no
 * NOTIFY, so workers find the job on their polling backstop (every 10 s): waits allow for that.
 */
const afterTimer = <T>(check: () => Promise<T | undefined>) => eventually(check, 30_000)

async function advance(ms: number) {
  simulated += ms
  await releaseDueJobs(runtime.database, new Date(simulated), [QUEUES.timer, QUEUES.csat])
}

const api = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

async function clockOf(ticketId: string, metric: 'firstResponse' | 'nextResponse' | 'resolution') {
  const [row] = await runtime.database.db
    .select()
    .from(ticketSlas)
    .where(and(eq(ticketSlas.ticketId, ticketId), eq(ticketSlas.metric, metric)))
  return row
}

describe('SLA timers with simulated time', () => {
  it('warns, breaches and escalates; a reply meets it; the silent customer is reminded, then the ticket resolves', async () => {
    const db = runtime.database.db
    const visitorId = `sla-${Date.now()}`
    const say = async (text: string) => {
      const response = await app.request('/v1/widget/demo/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorId, text }),
      })
      expect(response.status).toBe(202)
      return ((await response.json()) as { conversationId: string }).conversationId
    }
    // The customer asks for a person: the bot asks for an email on the way to the hand-over, which
    // is no answer, so the first-response clock runs until a person replies.
    const conversationId = await say('I want to talk to a human about my invoice, please.')
    const ticket = await eventually(async () => {
      const [row] = await db.select().from(tickets).where(eq(tickets.conversationId, conversationId))
      return row && row.status !== 'triaging' && row.status !== 'new' ? row : undefined
    })
    const started = await eventually(async () => {
      const row = await clockOf(ticket.id, 'firstResponse')
      return row?.status === 'running' ? row : undefined
    })
    expect(started).toMatchObject({ policyId: 'standard', targetSeconds: 3600 })
    expect(started.dueAt!.getTime() - started.startedAt.getTime()).toBe(60 * MIN)
    expect(started.warnAt!.getTime() - started.startedAt.getTime()).toBe(30 * MIN)
    // The SLA is on the ticket for the inbox and the ticket view.
    const sla = (await (await api('GET', `/v1/tickets/TKT-${ticket.number}/sla`)).json()) as {
      clocks: Array<{ metric: string; status: string; dueAt: string }>
    }
    expect(sla.clocks.find((c) => c.metric === 'firstResponse')).toMatchObject({
      status: 'running',
      dueAt: started.dueAt!.toISOString(),
    })

    // 31 minutes: the warning.
    await advance(31 * MIN)
    const warned = await afterTimer(async () => {
      const row = await clockOf(ticket.id, 'firstResponse')
      return row?.warnedAt ? row : undefined
    })
    expect(warned.breachedAt).toBeNull()
    const warnings = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.ticketId, ticket.id), eq(notifications.kind, 'sla_warning')))
    expect(warnings.length).toBeGreaterThan(0)

    // The worker restarts: the timers live in PostgreSQL, not in the process.
    await runtime.jobs.stop({ graceful: true, timeoutMs: 5000 })
    const config = loadConfig({
      ATLAS_DEMO_API_KEY: t.apiKey,
      ATLAS_DATA_DIR: '.tmp/test-data',
      ATLAS_MODEL_CACHE_DIR: '.tmp/model-cache',
    })
    runtime = await startRuntime(config, silentLogger, {
      database: { ...t.testDatabase.database, close: async () => {} },
      model: testModel(),
      clock,
    })
    app = createApp(runtime)

    // 61 minutes: the breach — priority up a step, the ticket moves to the policy's person.
    await advance(30 * MIN)
    const breached = await afterTimer(async () => {
      const [row] = await db.select().from(tickets).where(eq(tickets.id, ticket.id))
      return row?.priority === 'high' ? row : undefined
    })
    expect(breached.assignee).toBe('lead@quillstack.io')
    expect(await clockOf(ticket.id, 'firstResponse')).toMatchObject({ status: 'breached' })
    const breaches = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.ticketId, ticket.id), eq(notifications.kind, 'sla_breach')))
    expect(breaches.length).toBeGreaterThan(0)

    // The person answers: first response met (late); the resolution clock pauses, waiting on the customer.
    const reply = await api('POST', `/v1/tickets/TKT-${ticket.number}/reply`, {
      text: 'Hi, Sam here — sorry for the wait.',
    })
    expect(reply.status).toBe(200)
    const met = await clockOf(ticket.id, 'firstResponse')
    expect(met).toMatchObject({ status: 'met' })
    expect(met!.breachedAt).not.toBeNull()
    expect(await clockOf(ticket.id, 'resolution')).toMatchObject({ status: 'paused' })

    // An hour of silence: the customer is reminded.
    await advance(61 * MIN)
    await afterTimer(async () => {
      const rows = await db
        .select()
        .from(messages)
        .where(and(eq(messages.ticketId, ticket.id), eq(messages.authorRef, 'follow-up')))
      return rows.length === 1 ? rows : undefined
    })
    // Two more hours: resolved by the system, and the survey is on its way.
    await advance(121 * MIN)
    await afterTimer(async () => {
      const [row] = await db.select().from(tickets).where(eq(tickets.id, ticket.id))
      return row?.status === 'resolved' ? row : undefined
    })
    expect(await clockOf(ticket.id, 'resolution')).toMatchObject({ status: 'met' })
    // The survey goes out in the chat (no delay configured); the customer's "5" answers it, is
    // thanked, and does not reopen the ticket.
    await advance(0)
    const survey = await afterTimer(async () => {
      const [row] = await db
        .select()
        .from(satisfactionSurveys)
        .where(eq(satisfactionSurveys.ticketId, ticket.id))
      return row?.status === 'sent' ? row : undefined
    })
    const [question] = await db.select().from(messages).where(eq(messages.id, survey.messageId!))
    expect(question).toMatchObject({ direction: 'outbound', authorRef: 'csat', conversationId })
    await say('5 - thanks, quick and friendly')
    const rating = await eventually(async () => {
      const [row] = await db
        .select()
        .from(satisfactionRatings)
        .where(eq(satisfactionRatings.ticketId, ticket.id))
      return row
    })
    expect(rating).toMatchObject({ score: 5, comment: 'thanks, quick and friendly' })
    await eventually(async () => {
      const rows = await db
        .select()
        .from(messages)
        .where(and(eq(messages.ticketId, ticket.id), eq(messages.authorRef, 'csat')))
      return rows.length === 2 ? rows : undefined
    })
    const [after] = await db.select().from(tickets).where(eq(tickets.id, ticket.id))
    expect(after!.status).toBe('resolved')
    const report = (await (await api('GET', '/v1/reports/csat')).json()) as {
      responses: number
      average: number
    }
    expect(report).toMatchObject({ responses: 1, average: 5 })

    // Nothing ran twice: one warning, one breach, one reminder in the audit trail.
    const audit = await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))
    const applied = (phase: string) =>
      audit.filter(
        (e) =>
          e.type === 'TIMER' && e.outcome === 'applied' && (e.payload as { phase?: string }).phase === phase,
      )
    expect(applied('warning')).toHaveLength(1)
    expect(applied('breach')).toHaveLength(1)
    const reminders = audit.filter(
      (e) =>
        e.type === 'TIMER' &&
        e.outcome === 'applied' &&
        (e.payload as { timer: string }).timer === 'followUpCustomer',
    )
    expect(reminders).toHaveLength(1)
  }, 120_000)
})
