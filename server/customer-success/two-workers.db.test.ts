// Two worker processes on one PostgreSQL, racing for every customer-success job on simulated time:
// SLA warnings, breaches and escalations, follow-up reminders and auto-resolve, satisfaction
// surveys, churn save plays with their WhatsApp alerts, and the weekly knowledge-gap digest. Every
// step must run once: one TIMER applied per token, one reminder and one survey per ticket, each save
// step done once, and no email or WhatsApp message sent twice (counted at the fake SMTP and Graph
// servers, which see what both processes sent). PostgreSQL only: PGlite serves a single process.
import { spawn } from 'node:child_process'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../common/logger.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import {
  churnRisks,
  knowledgeGapDigests,
  knowledgeGaps,
  satisfactionSurveys,
  savePlaySteps,
  ticketSlas,
} from '../../drizzle/schema/customer-success.ts'
import { ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { type FakeSmtp, startFakeSmtp } from '../../testing/fake-smtp.ts'
import { eventually, releaseDueJobs, setCustomerSuccess, TEST_API_KEY } from '../../testing/runtime.ts'
import { TEST_SECRET_KEY } from '../../testing/secrets.ts'
import { createApp } from '../app.ts'
import { loadConfig } from '../config.ts'
import { weekStartUtc } from '../customer-success/knowledge-gaps.ts'
import { QUEUES } from '../jobs/queues.ts'
import { type Runtime, startRuntime } from '../runtime.ts'

const SIM_WORKER = fileURLToPath(new URL('../../testing/sim-worker.ts', import.meta.url))
const MIN = 60_000
const HOUR = 60 * MIN
const ALERT_PHONE = '+15550001111'
const DIGEST_TO = 'product@quillstack.example'

let simulated = Date.now()
const clock = () => new Date(simulated)
let dir: string
let clockFile: string
let testDb: TestDatabase
let graph: FakeGraphApi
let smtp: FakeSmtp
let runtime: Runtime
let app: ReturnType<typeof createApp>
const workers: Array<{ kill(): Promise<void>; output(): string }> = []

/** Moves both sides' clocks: this process's host reads `simulated`, the workers read the file. */
function setClock(ms: number) {
  simulated = ms
  writeFileSync(`${clockFile}.next`, String(ms))
  renameSync(`${clockFile}.next`, clockFile)
}

/** Releases every delayed job due by the simulated time (moving start_after sends no NOTIFY). */
async function release() {
  await releaseDueJobs(runtime.database, new Date(simulated), Object.values(QUEUES))
}

/** Polls `check`, releasing due jobs each time; workers find released jobs on their polling backstop. */
const settled = <T>(check: () => Promise<T | undefined>, what: string) =>
  eventually(
    async () => {
      await release()
      return check()
    },
    45_000,
    what,
  )

function startWorker(env: Record<string, string>, name: string) {
  const child = spawn(process.execPath, [SIM_WORKER], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<void>((done) => child.on('exit', () => done()))
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start:\n${output}`)), 90_000)
    child.stdout.on('data', () => {
      if (output.includes('sim-worker ready')) {
        clearTimeout(timer)
        done()
      }
    })
    void exited.then(() => fail(new Error(`${name} exited before it started:\n${output}`)))
  })
  workers.push({
    output: () => output,
    async kill() {
      child.kill('SIGTERM')
      await exited
    },
  })
  return ready
}

const run = testDatabaseKind === 'postgres'

beforeAll(async () => {
  if (!run) return
  dir = mkdtempSync(join(tmpdir(), 'atlas-two-workers-'))
  clockFile = join(dir, 'clock')
  setClock(simulated)
  graph = await startFakeGraphApi()
  smtp = await startFakeSmtp()
  testDb = await createTestDatabase()
  const env = {
    DATABASE_URL: testDb.url!,
    ATLAS_SECRET_KEY: TEST_SECRET_KEY,
    ATLAS_DEMO_API_KEY: TEST_API_KEY,
    ATLAS_DATA_DIR: join(dir, 'data'),
    ATLAS_MODEL_CACHE_DIR: resolve('.tmp/model-cache'),
    ATLAS_DEMO_GRAPH_BASE: graph.url,
    ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    ATLAS_DEMO_SMTP_URL: smtp.url,
    ATLAS_PUBLIC_URL: 'https://desk.example',
  }
  // This process serves the API (and seeds the demo tenant); the two worker processes do the work.
  runtime = await startRuntime(loadConfig(env, 'server'), silentLogger, { database: testDb.database, clock })
  app = createApp(runtime)
  await setCustomerSuccess(api, {
    sla: {
      policies: [
        {
          id: 'standard',
          name: 'Standard',
          targets: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 7 * 24 * 60 },
          warnAt: 0.5,
          onBreach: { raisePriority: true, reassignTo: 'lead@quillstack.io', notify: true },
        },
      ],
      followUps: { customerAfterHours: 1, autoResolveAfterHours: 2, ownerAfterHours: null },
    },
    csat: { enabled: true, delayMinutes: 0 },
    churn: {
      competitors: ['Trello'],
      steps: [
        { afterHours: 0, kind: 'alert_owner' },
        { afterHours: 24, kind: 'check_in', text: 'Hi {name}, checking in personally.' },
        { afterHours: 72, kind: 'offer', text: 'Hi {name}, here is 20% off your next year.' },
      ],
      alertWhatsApp: [ALERT_PHONE],
    },
    knowledgeGaps: { digestTo: [DIGEST_TO] },
  })
  const workerEnv = { ...env, ATLAS_SIM_CLOCK_FILE: clockFile }
  await Promise.all([startWorker(workerEnv, 'worker 1'), startWorker(workerEnv, 'worker 2')])
}, 180_000)

afterAll(async () => {
  if (!run) return
  await Promise.all(workers.map((w) => w.kill()))
  await runtime?.stop()
  await testDb?.drop()
  await graph?.close()
  await smtp?.close()
  rmSync(dir, { recursive: true, force: true })
})

const api = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

async function say(visitorId: string, text: string): Promise<string> {
  const response = await app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId, text }),
  })
  expect(response.status).toBe(202)
  return ((await response.json()) as { conversationId: string }).conversationId
}

/** Values that occur more than once. */
function repeated(values: readonly string[]): string[] {
  const seen = new Map<string, number>()
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([v, n]) => `${n}× ${v}`)
}

describe.skipIf(!run)('two worker processes on one PostgreSQL (simulated time)', () => {
  it('runs every timer, save-play step, survey and digest once', { timeout: 600_000 }, async () => {
    const db = runtime.database.db
    const tag = Date.now()
    const human = [
      'I want to talk to a human',
      'Can I talk to a real person please?',
      'I want to speak to a human agent',
    ]
    const humanConversations = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => say(`human-${tag}-${i}`, human[i % human.length]!)),
    )
    const churnConversations = await Promise.all(
      [0, 1, 2].map((i) =>
        say(`churn-${tag}-${i}`, 'We are thinking of cancelling our subscription and moving to Trello.'),
      ),
    )
    const gapQuestions = [
      'Is there a dark mode for the mobile app?',
      'Can I switch the board to a dark theme?',
      'How do I turn on night mode in the app?',
      'Does the app have a darker color scheme for the evening?',
    ]
    await Promise.all(gapQuestions.map((q, i) => say(`gap-${tag}-${i}`, q)))

    // Every human request waits for a person: its first-response clock runs.
    const humanTickets = await settled(async () => {
      const rows = await db.select().from(tickets).where(inArray(tickets.conversationId, humanConversations))
      if (rows.length !== humanConversations.length) return undefined
      const clocks = await db
        .select()
        .from(ticketSlas)
        .where(
          and(
            inArray(
              ticketSlas.ticketId,
              rows.map((r) => r.id),
            ),
            eq(ticketSlas.metric, 'firstResponse'),
            eq(ticketSlas.status, 'running'),
          ),
        )
      return clocks.length === rows.length ? rows : undefined
    }, 'the first-response clocks')
    const humanIds = humanTickets.map((t) => t.id)

    // 31 minutes: one warning each.
    setClock(simulated + 31 * MIN)
    await settled(async () => {
      const rows = await db.select().from(ticketSlas).where(inArray(ticketSlas.ticketId, humanIds))
      const first = rows.filter((r) => r.metric === 'firstResponse')
      return first.every((r) => r.warnedAt) ? first : undefined
    }, 'the SLA warnings')
    // 61 minutes: one breach each, escalated: priority up, reassigned.
    setClock(simulated + 30 * MIN)
    await settled(async () => {
      const rows = await db.select().from(tickets).where(inArray(tickets.id, humanIds))
      return rows.every((r) => r.priority === 'high' && r.assignee === 'lead@quillstack.io')
        ? rows
        : undefined
    }, 'the SLA breaches and escalations')

    // A person replies to each; the customers stay silent: one reminder each, then auto-resolve,
    // then one survey each.
    for (const ticket of humanTickets) {
      const reply = await api('POST', `/v1/tickets/TKT-${ticket.number}/reply`, {
        text: 'Hi, Sam here — sorry for the wait. How can I help?',
      })
      expect(reply.status).toBe(200)
    }
    setClock(simulated + 61 * MIN)
    await settled(async () => {
      const rows = await db
        .select()
        .from(messages)
        .where(and(inArray(messages.ticketId, humanIds), eq(messages.authorRef, 'follow-up')))
      return rows.length >= humanIds.length ? rows : undefined
    }, 'the follow-up reminders')
    setClock(simulated + 121 * MIN)
    await settled(async () => {
      const rows = await db
        .select()
        .from(satisfactionSurveys)
        .where(and(inArray(satisfactionSurveys.ticketId, humanIds), eq(satisfactionSurveys.status, 'sent')))
      return rows.length === humanIds.length ? rows : undefined
    }, 'the auto-resolve and the surveys')

    // The save plays: one risk per churning customer; the steps run at 0 h, 24 h and 72 h.
    const churnTickets = await db
      .select()
      .from(tickets)
      .where(inArray(tickets.conversationId, churnConversations))
    const contactIds = churnTickets.map((t) => t.contactId!)
    const risks = await settled(async () => {
      const rows = await db.select().from(churnRisks).where(inArray(churnRisks.contactId, contactIds))
      return rows.length === contactIds.length ? rows : undefined
    }, 'the churn risks')
    const riskIds = risks.map((r) => r.id)
    const stepsDone = (n: number) =>
      settled(async () => {
        const rows = await db.select().from(savePlaySteps).where(inArray(savePlaySteps.riskId, riskIds))
        return rows.filter((s) => s.status === 'done').length === n ? rows : undefined
      }, `${n} save-play steps done`)
    await stepsDone(riskIds.length)
    setClock(simulated + 24 * HOUR)
    await stepsDone(2 * riskIds.length)
    setClock(simulated + 48 * HOUR)
    const steps = await stepsDone(3 * riskIds.length)
    for (const step of steps) {
      // Each step ran when due, not before.
      expect(step.doneAt!.getTime()).toBeGreaterThanOrEqual(step.dueAt.getTime())
    }

    // The weekly digest: its jobs raced by both workers, several times over.
    const gaps = await db
      .select()
      .from(knowledgeGaps)
      .where(eq(knowledgeGaps.tenantId, runtime.demo!.tenantId))
    expect(gaps.length).toBeGreaterThanOrEqual(gapQuestions.length)
    const week = weekStartUtc(gaps[0]!.createdAt)
    const weekEnd = week.getTime() + 7 * 24 * HOUR
    if (simulated < weekEnd + 6 * HOUR) setClock(weekEnd + 6 * HOUR)
    const boss = runtime.jobs.boss
    const digestJob = { tenantId: runtime.demo!.tenantId, periodStart: week.toISOString() }
    await Promise.all([
      boss.send(QUEUES.gapDigest, digestJob),
      boss.send(QUEUES.gapDigest, digestJob),
      boss.send(QUEUES.gapDigest, digestJob),
      boss.send(QUEUES.gapDigestWeekly, {}),
      boss.send(QUEUES.gapDigestWeekly, {}),
    ])
    const digest = await settled(async () => {
      const [row] = await db
        .select()
        .from(knowledgeGapDigests)
        .where(eq(knowledgeGapDigests.periodStart, week))
      return row?.emailedAt ? row : undefined
    }, 'the digest').catch(async (error) => {
      // Say what the digest jobs did: a failed attempt waits a minute before its retry.
      const jobs = await runtime.database.query(
        `select name, state, output from pgboss.job where name like 'atlas.gap-digest%'`,
      )
      throw new Error(
        `${(error as Error).message}\njobs: ${JSON.stringify(jobs)}\n${workers.map((w) => w.output()).join('\n')}`,
      )
    })
    expect(digest.groups.length).toBeGreaterThan(0)
    const digestMail = await settled(async () => {
      const mails = smtp.messages.filter((m) => m.envelope.to.includes(DIGEST_TO))
      return mails.length > 0 ? mails : undefined
    }, 'the digest email')

    // Let both workers drain anything still due, then count.
    await new Promise((done) => setTimeout(done, 12_000))
    await release()
    await new Promise((done) => setTimeout(done, 12_000))

    // One TIMER applied per timer token and phase, on every ticket.
    const timers = await db.select().from(ticketEvents).where(eq(ticketEvents.type, 'TIMER'))
    const applied = timers
      .filter((e) => e.outcome === 'applied')
      .map((e) => {
        const p = e.payload as { timer: string; token: number; phase?: string }
        return `${e.ticketId}:${p.timer}:${p.token}:${p.phase ?? ''}`
      })
    expect(applied.length).toBeGreaterThanOrEqual(humanIds.length * 4)
    expect(repeated(applied)).toEqual([])
    const appliedPhase = (phase: string) =>
      timers.filter(
        (e) =>
          e.outcome === 'applied' &&
          humanIds.includes(e.ticketId) &&
          (e.payload as { timer: string; phase?: string }).timer === 'sla.firstResponse' &&
          (e.payload as { phase?: string }).phase === phase,
      )
    expect(appliedPhase('warning')).toHaveLength(humanIds.length)
    expect(appliedPhase('breach')).toHaveLength(humanIds.length)

    // One reminder and one survey question per ticket; every ticket resolved once.
    const outbound = await db
      .select({ ticketId: messages.ticketId, authorRef: messages.authorRef })
      .from(messages)
      .where(and(inArray(messages.ticketId, humanIds), inArray(messages.authorRef, ['follow-up', 'csat'])))
    expect(repeated(outbound.map((m) => `${m.ticketId}:${m.authorRef}`))).toEqual([])
    expect(outbound).toHaveLength(2 * humanIds.length)
    const resolved = await db.select().from(tickets).where(inArray(tickets.id, humanIds))
    expect(resolved.map((t) => t.status)).toEqual(humanIds.map(() => 'resolved'))

    // One digest for the week, announced by one email.
    expect(
      await db.select().from(knowledgeGapDigests).where(eq(knowledgeGapDigests.periodStart, week)),
    ).toHaveLength(1)
    expect(digestMail.filter((m) => /Knowledge gaps/.test(m.parsed.subject ?? ''))).toHaveLength(1)

    // The team's WhatsApp alert: one per churn risk, however many workers raced for it.
    const alerts = graph.requests.filter(
      (r) =>
        r.path.endsWith('/messages') &&
        (r.json as { to?: string })?.to?.replace(/^\+/, '') === ALERT_PHONE.slice(1),
    )
    expect(alerts).toHaveLength(riskIds.length)
    // Nothing sent twice anywhere: every email and WhatsApp message is unique.
    expect(
      repeated(
        smtp.messages.map((m) => `${m.envelope.to.join(',')}|${m.parsed.subject}|${m.parsed.text ?? ''}`),
      ),
    ).toEqual([])
    expect(repeated(graph.requests.filter((r) => r.method === 'POST').map((r) => r.body))).toEqual([])
  })
})
