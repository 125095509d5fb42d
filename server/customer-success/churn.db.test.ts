// Customer health and churn end to end with simulated time, through the public API and the real
// workers: product events and tickets move a customer from Low to Critical risk with every component
// explained; the customer's talk of cancelling for a competitor opens one churn risk whose save play
// steps fire on schedule, each once; the team's WhatsApp alert goes out through a local server speaking
// the Graph wire format; and the outcome is recorded, stopping what was left of the play.
// Time is simulated by the host's clock; a due save-play step is released by moving its pg-boss job's
// start_after to the database's now, so the real queue and worker do the rest.
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PHONE_NUMBER_ID } from '../../adapters/whatsapp/test-fixtures.ts'
import { notificationDeliveries, notifications } from '../../drizzle/schema/notifications.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import {
  eventually,
  releaseDueJobs,
  setCustomerSuccess,
  startTestRuntime,
  type TestRuntime,
} from '../../testing/runtime.ts'
import { QUEUES } from '../jobs/queues.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Simulated time: starts now and only moves forward, so no delayed job falls due in real time by itself. */
const S0 = Date.now()
let simulated = S0
const clock = () => new Date(simulated)
const iso = (ms: number) => new Date(ms).toISOString()
/** The score re-derived from the components shown, with the default weights. */
const weighted = (c: Record<string, number>) =>
  Math.round(0.3 * c.engagement! + 0.3 * c.support! + 0.2 * c.adoption! + 0.2 * c.sentiment!)

const COMPETITOR = 'Helpwise'
const ALERT_PHONES = ['4915112345678', '14155550123']
const OWNER = 'agent@quillstack.example'
const FEATURES = ['reports', 'dashboards', 'exports', 'automations', 'integrations', 'api', 'sso', 'webhooks']
const STEPS = [
  { afterHours: 0, kind: 'alert_owner' },
  { afterHours: 24, kind: 'check_in', text: 'Hi {name}, checking in personally about the export problems.' },
  {
    afterHours: 72,
    kind: 'offer',
    text: 'Hi {name}, we would like to offer you a free month to make it right.',
  },
  { afterHours: 168, kind: 'check_in', text: 'Hi {name}, a week on: is everything working for you now?' },
] as const
/** Queues whose work changes what a health score reads (tickets, messages) or writes it. */
const BUSY_QUEUES = [
  QUEUES.inbound,
  QUEUES.agentTurn,
  QUEUES.delivery,
  QUEUES.route,
  QUEUES.summary,
  QUEUES.health,
]

let graph: FakeGraphApi
let t: TestRuntime

beforeAll(async () => {
  graph = await startFakeGraphApi()
  t = await startTestRuntime({
    clock,
    env: {
      // The demo tenant's WhatsApp channel talks to the local Graph server.
      ATLAS_DEMO_GRAPH_BASE: graph.url,
      ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: graph.accessToken,
      ATLAS_DEMO_WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    },
  })
  await setCustomerSuccess(t.api, {
    health: { features: FEATURES },
    churn: {
      competitors: [COMPETITOR],
      steps: STEPS.map((step) => ({ ...step })),
      alertWhatsApp: ALERT_PHONES,
      defaultOwner: OWNER,
    },
    csat: { enabled: false },
  })
}, 120_000)

afterAll(async () => {
  await t?.stop()
  await graph?.close()
})

async function json<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await response
  const body = await r.text()
  if (r.status !== status) throw new Error(`expected HTTP ${status}, got ${r.status}: ${body}`)
  return JSON.parse(body) as T
}

/**
 * Moves simulated time on and releases every save-play step due by then. Moving start_after sends no
 * NOTIFY, so workers find the job on their polling backstop (every 10 s): waits allow for that.
 */
async function advance(ms: number) {
  simulated += ms
  await releaseDueJobs(t.runtime.database, new Date(simulated), [QUEUES.saveStep])
}
const afterRelease = <T>(check: () => Promise<T | undefined>, what: string) => eventually(check, 30_000, what)

/** Waits until nothing that changes tickets, messages or scores is queued or running. */
async function idle() {
  await eventually(
    async () => {
      const [row] = await t.runtime.database.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job
          where name = any($1::text[]) and state in ('created', 'retry', 'active') and start_after <= now()`,
        [BUSY_QUEUES],
      )
      return row!.n === 0 ? true : undefined
    },
    30_000,
    'the queues to drain',
  )
}

interface Health {
  contactId: string
  current: {
    score: number
    risk: string
    components: Record<string, number>
    reasons: Record<string, string>
    computedAt: string
  } | null
  history: { score: number; risk: string; computedAt: string }[]
}

interface Step {
  id: string
  ordinal: number
  kind: string
  text: string | null
  status: string
  dueAt: string
  doneAt: string | null
  result: Record<string, unknown> | null
}
interface Risk {
  id: string
  contactId: string
  status: string
  signals: { kind: string; evidence: string; strength: number; at: string; ticketId: string | null }[]
  healthScore: number | null
  openedAt: string
  outcomeAt: string | null
  customer: { id: string; name: string | null; email: string | null }
  steps: Step[]
}

interface ConversationView {
  conversation: { id: string; contact: { id: string; name: string | null; email: string | null } }
  messages: {
    direction: string
    authorRef: string | null
    kind: string
    body: string
    ticketId: string | null
  }[]
  ticket: { id: string; number: string; status: string; owner: string; priority: string } | null
  tickets: { id: string; number: string; status: string }[]
}

describe('customer health and churn with simulated time', () => {
  it('falls from Low to Critical, opens one churn risk, runs its save play on schedule and records the outcome', async () => {
    const db = t.runtime.database.db
    const visitorId = `churn-${Date.now()}`
    let conversationId = ''
    const say = async (text: string) => {
      const response = await t.app.request('/v1/widget/demo/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorId, text, name: 'Dana Whitfield', email: 'dana@northwind.example' }),
      })
      conversationId = (await json<{ conversationId: string }>(response, 202)).conversationId
    }
    const view = () => json<ConversationView>(t.api('GET', `/v1/conversations/${conversationId}`))
    /** The live ticket once the bot has decided what to do with the customer's latest message. */
    const decided = () =>
      eventually(
        async () => {
          await idle()
          const v = await view()
          return v.ticket && !['new', 'triaging'].includes(v.ticket.status) ? v.ticket : undefined
        },
        30_000,
        'the bot to decide',
      )
    const act = async (ticket: string, action: string, body?: unknown) =>
      json(t.api('POST', `/v1/tickets/${ticket}/${action}`, body))
    const events = (list: Record<string, unknown>[]) =>
      json<{ accepted: number }>(
        t.api('POST', '/v1/product-events', {
          events: list.map((e) => ({ email: 'dana@northwind.example', ...e })),
        }),
        202,
      )
    let contactId = ''
    const health = () => json<Health>(t.api('GET', `/v1/customer-health/${contactId}`))
    /**
     * A score taken after everything before it settled: a minute later (so it is the only one at its
     * time), `trigger` posts product events, and the recomputation they queue is the customer's latest.
     */
    const checkpoint = async (trigger: () => Promise<unknown>) => {
      await idle()
      simulated += MIN
      await trigger()
      const at = iso(simulated)
      const body = await eventually(
        async () => {
          const h = await health()
          return h.current?.computedAt === at ? h : undefined
        },
        30_000,
        `a health score at ${at}`,
      )
      await idle()
      expect((await health()).current?.computedAt).toBe(at)
      return body.current!
    }
    const risks = async () => (await json<{ risks: Risk[] }>(t.api('GET', '/v1/churn-risks'))).risks
    const stepJob = async (stepId: string) => {
      const rows = await t.runtime.database.query<{ state: string; start_after: Date }>(
        `select state, start_after from pgboss.job where name = $1 and data->>'stepId' = $2`,
        [QUEUES.saveStep, stepId],
      )
      return rows
    }
    const alerts = () =>
      graph.requests.filter((r) => r.method === 'POST' && r.path === `/v21.0/${PHONE_NUMBER_ID}/messages`)

    // ── 1. Healthy: an onboarding question answered, and two months of busy product use ──────────
    await say('Love the new dashboards, great work! How do I reset my password?')
    const first = await decided()
    // The bot answers from the Library (or drafts the answer for a person to approve); then it is closed.
    expect(['bot_handled', 'awaiting_approval']).toContain(first.status)
    if (first.status === 'awaiting_approval') await act(first.number, 'draft/approve', {})
    await idle()
    expect(
      (await view()).messages.filter((m) => m.direction === 'outbound' && m.kind === 'text'),
    ).toHaveLength(1)
    contactId = (await view()).conversation.contact.id
    await act(first.number, 'status', { status: 'closed' })

    const ago = (days: number) => iso(S0 - days * DAY - 3 * HOUR)
    const loginDays = [1, 5, ...Array.from({ length: 52 }, (_, i) => i + 8)] // daily until a week ago, then twice
    const history = [
      ...loginDays.map((k) => ({ id: `login-${k}`, type: 'login', occurredAt: ago(k) })),
      // Five of the eight features, each several times, all between 6 and 28 days ago.
      ...FEATURES.slice(0, 5).flatMap((name, i) =>
        [6 + i, 12 + i, 20 + i].map((k) => ({
          id: `${name}-${k}`,
          type: 'feature_used',
          name,
          occurredAt: ago(k),
        })),
      ),
      { id: 'seats-purchased', type: 'seats', name: 'purchased', value: 20, occurredAt: ago(40) },
      { id: 'seats-used-1', type: 'seats', name: 'used', value: 18, occurredAt: ago(3) },
    ]
    const healthy = await checkpoint(async () =>
      expect(await events(history)).toMatchObject({ accepted: history.length }),
    )
    expect(healthy.risk).toBe('low')
    expect(healthy.score).toBeGreaterThanOrEqual(70)
    expect(healthy.score).toBe(weighted(healthy.components))
    expect(healthy.components).toEqual({
      engagement: 100,
      support: 100,
      adoption: 100,
      sentiment: expect.any(Number),
    })
    expect(healthy.components.sentiment).toBeGreaterThan(60)
    expect(healthy.reasons).toEqual({
      engagement: 'Logged in on 24 days in the last 30 (was 30 in the 30 before); last login 1 day ago.',
      support: '1 ticket in 30 days (1 in 90); all resolved.',
      adoption: 'Used 5 of 8 features in 30 days; 18 of 20 seats in use.',
      sentiment: expect.stringMatching(/^Messages read positive: .* over 1 message\.$/),
    })
    expect(await risks()).toEqual([])

    // ── 2. Three and a half weeks without a login; then the customer writes: cancelling, for a competitor ──
    simulated = S0 + 25 * DAY
    const T0 = simulated
    await say(
      `The CSV export has been broken for weeks. Honestly we are thinking of cancelling our subscription and moving to ${COMPETITOR}.`,
    )
    // The message's churn signals open the risk at once, and its save play is scheduled from now.
    const [opened] = await eventually(
      async () => {
        const list = await risks()
        return list.length > 0 ? list : undefined
      },
      30_000,
      'the churn risk',
    )
    expect(opened).toMatchObject({
      contactId,
      status: 'open',
      openedAt: iso(T0),
      customer: { id: contactId, name: 'Dana Whitfield', email: 'dana@northwind.example' },
    })
    expect(opened!.signals.slice(0, 2)).toEqual([
      expect.objectContaining({ kind: 'cancellation_intent', evidence: '"cancelling our subscription"' }),
      expect.objectContaining({
        kind: 'competitor_mention',
        evidence: `"moving to ${COMPETITOR.toLowerCase()}"`,
      }),
    ])
    expect(opened!.steps.map((s) => [s.ordinal, s.kind, s.status, s.dueAt])).toEqual(
      STEPS.map((s, i) => [i, s.kind, 'scheduled', iso(T0 + s.afterHours * HOUR)]),
    )
    // Each step is a pg-boss job that may not start before the step is due.
    for (const step of opened!.steps) {
      const jobs = await stepJob(step.id)
      expect(jobs).toHaveLength(1)
      expect(jobs[0]!.state).toBe('created')
      expect(new Date(jobs[0]!.start_after).toISOString()).toBe(step.dueAt)
    }
    const stepIds = opened!.steps.map((s) => s.id)
    const stepOf = async (ordinal: number) => (await risks())[0]!.steps[ordinal]!

    // The team hears at once: the WhatsApp alert reaches both numbers through the Graph API.
    const sent = await eventually(
      async () => (alerts().length >= ALERT_PHONES.length ? alerts() : undefined),
      30_000,
      'the WhatsApp alerts',
    )
    expect(sent.map((r) => (r.json as { to: string }).to).sort()).toEqual([...ALERT_PHONES].sort())
    for (const request of sent) {
      expect(request.headers.authorization).toBe(`Bearer ${graph.accessToken}`)
      const message = request.json as { messaging_product: string; type: string; text: { body: string } }
      expect(message).toMatchObject({ messaging_product: 'whatsapp', type: 'text' })
      expect(message.text.body).toContain('*Dana Whitfield is at risk of churning*')
      expect(message.text.body).toContain('talked about cancelling ("cancelling our subscription")')
      expect(message.text.body).toContain(`mentioned a competitor ("moving to ${COMPETITOR.toLowerCase()}")`)
      expect(message.text.body).toContain(`/app/contacts/${contactId}`)
    }
    const deliveries = await eventually(async () => {
      const rows = await db
        .select({
          target: notificationDeliveries.target,
          status: notificationDeliveries.status,
          id: notificationDeliveries.providerMessageId,
        })
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.channel, 'whatsapp'))
      return rows.length === ALERT_PHONES.length && rows.every((r) => r.status === 'sent') ? rows : undefined
    })
    expect(deliveries.every((d) => d.id?.startsWith('wamid.'))).toBe(true)

    // The first step is due now: it runs once released, and not the others.
    await advance(0)
    const alerted = await afterRelease(async () => {
      const step = await stepOf(0)
      return step.status === 'done' ? step : undefined
    }, 'the alert_owner step')
    expect(alerted.doneAt).toBe(iso(T0))
    expect(alerted.result).toMatchObject({ notified: 1 })
    expect((await stepOf(1)).status).toBe('scheduled')

    // The product's daily seat sync: the score now reads the silence and the unhappy message.
    const afterMessage = await checkpoint(() =>
      events([{ id: 'seats-used-2', type: 'seats', name: 'used', value: 18, occurredAt: iso(simulated) }]),
    )
    expect(afterMessage.risk).toBe('high')
    expect(afterMessage.score).toBe(weighted(afterMessage.components))
    expect(afterMessage.components).toMatchObject({ engagement: 9, adoption: 40 })

    // ── 3. Hours later: nobody has fixed it, seats are given up, the customer gets angrier ─────────

    simulated = T0 + HOUR
    const second = (await view()).ticket!
    expect(second.number).not.toBe(first.number)
    await act(second.number, 'take-over')
    await act(second.number, 'priority', { priority: 'urgent' })
    await say('Still broken. Nobody has fixed it and we are losing hours every day. This is unacceptable.')
    await idle()
    const shrinking = await checkpoint(() =>
      events([{ id: 'seats-used-3', type: 'seats', name: 'used', value: 2, occurredAt: iso(simulated) }]),
    )
    expect(shrinking.score).toBeLessThan(afterMessage.score)
    expect(shrinking.score).toBe(weighted(shrinking.components))
    expect(shrinking.components).toMatchObject({ engagement: 9, adoption: 5 })

    simulated = T0 + 2 * HOUR
    await act(second.number, 'status', { status: 'closed' })
    await say('This is the third time I am reporting this bug. Worst support ever, completely useless.')
    const third = await decided()
    expect(third.number).not.toBe(second.number)
    await act(third.number, 'take-over')
    await act(third.number, 'priority', { priority: 'urgent' })
    const critical = await checkpoint(() =>
      events([{ id: 'seats-used-4', type: 'seats', name: 'used', value: 2, occurredAt: iso(simulated) }]),
    )
    expect(critical.risk).toBe('critical')
    expect(critical.score).toBeLessThan(30)
    expect(critical.score).toBeLessThan(shrinking.score)
    expect(critical.score).toBe(weighted(critical.components))
    // The components say why: nobody logs in (engagement 100 × (0.5 × 1/12 + 0.25 × 0.5^(19/7) +
    // 0.25 × 1/(0.8 × 28)) = 9), the product is barely used (no feature in 30 days; 2 of 20 seats:
    // 40 × 0.125 = 5), tickets pile up (100 − 10 more tickets − 16 urgent − 15 open for weeks −
    // 20 escalated = 39), and the customer's messages are angry.
    expect(critical.components).toMatchObject({ engagement: 9, adoption: 5, support: 39 })
    expect(critical.components.sentiment).toBeLessThan(40)
    expect(critical.reasons).toEqual({
      engagement: 'Logged in on 1 day in the last 30 (was 28 in the 30 before); last login 26 days ago.',
      support:
        '3 tickets in 30 days (3 in 90); 2 high or urgent, 1 open (1 for more than 3 days), 2 escalated.',
      adoption: 'Used 0 of 8 features in 30 days; 2 of 20 seats in use.',
      sentiment: expect.stringMatching(/^Messages read negative: .* over 4 messages\.$/),
    })
    // The history keeps every score: healthy, then falling into critical.
    const { history: kept } = await health()
    const chronological = [...kept].reverse()
    expect(chronological.length).toBeGreaterThanOrEqual(5)
    const at = (when: { computedAt: string }) =>
      chronological.findIndex((h) => h.computedAt === when.computedAt)
    const path = [healthy, afterMessage, shrinking, critical].map((p) => chronological[at(p)]!)
    expect(path.map((p) => p.score)).toEqual([
      healthy.score,
      afterMessage.score,
      shrinking.score,
      critical.score,
    ])
    expect(path.slice(0, 2).map((p) => p.risk)).toEqual(['low', 'high'])
    expect(path.at(-1)!.risk).toBe('critical')
    expect(at(healthy)).toBeLessThan(at(afterMessage))
    expect(at(shrinking)).toBeLessThan(at(critical))

    // Still one risk: the falling health joined the open one instead of opening a second play.
    const [risk] = await risks()
    expect(await risks()).toHaveLength(1)
    expect(risk!.id).toBe(opened!.id)
    expect(risk!.steps.map((s) => s.id)).toEqual(stepIds)
    expect(risk!.signals.map((s) => s.kind)).toEqual(
      expect.arrayContaining(['cancellation_intent', 'competitor_mention', 'falling_health']),
    )
    // One falling-health signal, the latest: each recompute replaced it instead of piling up.
    const falling = risk!.signals.filter((s) => s.kind === 'falling_health')
    expect(falling).toHaveLength(1)
    expect(falling[0]!.evidence).toMatch(
      new RegExp(`health fell from ${healthy.score} to ${critical.score}\\b`),
    )
    expect(alerts()).toHaveLength(ALERT_PHONES.length)

    // ── 4. The save play, step by step: nothing before it is due, each step once when it is ─────────
    const saveNotices = async (stepId: string) =>
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.kind, 'save_step'), sql`${notifications.data}->>'stepId' = ${stepId}`))
    const notes = async () => (await view()).messages.filter((m) => m.authorRef === 'save-play')

    for (const ordinal of [1, 2]) {
      const due = T0 + STEPS[ordinal]!.afterHours * HOUR
      await advance(due - MIN - simulated)
      expect((await stepOf(ordinal)).status).toBe('scheduled')
      expect((await stepJob(stepIds[ordinal]!))[0]!.state).toBe('created')
      await advance(MIN)
      const done = await afterRelease(async () => {
        const step = await stepOf(ordinal)
        return step.status === 'done' ? step : undefined
      }, `save-play step ${ordinal}`)
      expect(done.doneAt).toBe(iso(due))
      // The prepared message waits on the customer's latest ticket for the owner to send.
      expect(done.result).toMatchObject({ noteOn: third.id, notified: 1 })
      expect((await notes()).map((n) => n.body)).toEqual(
        STEPS.slice(1, ordinal + 1).map((s) =>
          expect.stringContaining(('text' in s ? s.text : '').replace('{name}', 'Dana')),
        ),
      )
      expect(await saveNotices(stepIds[ordinal]!)).toHaveLength(1)
      expect((await stepOf(ordinal + 1)).status).toBe('scheduled')
    }
    // A redelivered job finds its step done and does nothing again.
    await t.runtime.jobs.boss.send(QUEUES.saveStep, { stepId: stepIds[1] })
    await eventually(
      async () => {
        const jobs = await stepJob(stepIds[1]!)
        return jobs.length === 2 && jobs.every((j) => j.state === 'completed') ? jobs : undefined
      },
      30_000,
      'the redelivered step',
    )
    expect((await stepOf(1)).doneAt).toBe(iso(T0 + 24 * HOUR))
    expect(await saveNotices(stepIds[1]!)).toHaveLength(1)
    expect(await notes()).toHaveLength(2)
    expect(await saveNotices(stepIds[0]!)).toHaveLength(1)

    // ── 5. The outcome: the customer stays; the rest of the play is called off ──────────────────
    await advance(T0 + 96 * HOUR - simulated)
    expect(await json(t.api('GET', '/v1/churn-report'))).toMatchObject({
      opened: 1,
      pending: 1,
      saved: 0,
      churned: 0,
      saveRate: null,
    })
    const bad = await t.api('POST', `/v1/churn-risks/${risk!.id}/outcome`, { outcome: 'maybe' })
    expect(bad.status).toBe(422)
    const refusal = (await bad.json()) as {
      error: { code: string; message: string; issues: { path: string; message: string }[] }
    }
    expect(refusal.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/^Invalid save play outcome: outcome: .*"saved".*"churned"/),
      issues: [{ path: 'outcome', message: expect.any(String) }],
    })
    expect((await risks())[0]!.status).toBe('open')

    const recorded = await json<{ risk: { status: string; outcomeAt: string; outcomeNote: string } }>(
      t.api('POST', `/v1/churn-risks/${risk!.id}/outcome`, {
        outcome: 'saved',
        note: 'Export fixed; took the free month.',
      }),
    )
    expect(recorded.risk).toMatchObject({
      status: 'saved',
      outcomeAt: iso(T0 + 96 * HOUR),
      outcomeNote: 'Export fixed; took the free month.',
    })
    const again = await t.api('POST', `/v1/churn-risks/${risk!.id}/outcome`, { outcome: 'churned' })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /already has an outcome: saved/,
    )
    expect(await json(t.api('GET', '/v1/churn-report'))).toMatchObject({
      opened: 1,
      pending: 0,
      saved: 1,
      churned: 0,
      saveRate: 1,
    })
    const [decidedRisk] = await json<{ risks: Risk[] }>(t.api('GET', '/v1/churn-risks?status=saved')).then(
      (b) => b.risks,
    )
    expect(decidedRisk!.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'skipped'])
    expect(decidedRisk!.steps[3]!.result).toEqual({ reason: 'outcome saved' })
    const badFilter = await t.api('GET', '/v1/churn-risks?status=maybe')
    expect(badFilter.status).toBe(400)
    expect(await badFilter.text()).toContain('must be open, saved or churned')
    const badDays = await t.api('GET', '/v1/churn-report?days=lots')
    expect(badDays.status).toBe(400)
    expect(await badDays.text()).toContain('must be a number of days')

    // When the last step falls due its job runs, finds the step skipped, and sends nothing.
    await advance(T0 + 168 * HOUR - simulated)
    await afterRelease(async () => {
      const jobs = await stepJob(stepIds[3]!)
      return jobs[0]?.state === 'completed' ? jobs : undefined
    }, 'the skipped step job')
    expect((await stepOf(3)).status).toBe('skipped')
    expect(await saveNotices(stepIds[3]!)).toHaveLength(0)
    expect(await notes()).toHaveLength(2)
    expect(alerts()).toHaveLength(ALERT_PHONES.length)
  }, 180_000)
})
