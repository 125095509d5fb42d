// Scenario e: SIGTERM to a worker with jobs in flight. It stops taking jobs, lets the running ones
// finish for the grace period (server/runtime.ts: 10 s), hands back to the queue whatever is still
// running then, and exits 0. A worker started afterwards processes what was handed back, once.
//
// To have work in flight that outlasts the grace period, the model (the `openai` provider on the
// fake server) takes 25 s over every third triage until the SIGTERM; the rest takes a moment, and
// the channel answers each send after 800 ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRIAGE_TOOL } from '../../agents/openai/triage.ts'
import { settle } from './audit.ts'
import { activeJobs, chaos } from './chaos.ts'
import { type Deployment, sleep, startDeployment } from './deployment.ts'
import { type FlakyModel, startFlakyModel, toolOf } from './flaky-model.ts'
import { saveReport, scenarioReport } from './report.ts'
import { WhatsAppTraffic } from './traffic.ts'

const MESSAGES = 30
/** runtime.stop()'s grace (10 s) plus closing the database and telemetry. */
const EXIT_WITHIN_MS = 20_000

let model: FlakyModel
let deployment: Deployment
const started = Date.now()

beforeAll(async () => {
  model = await startFlakyModel({ failureRate: 0, hangMs: 0, random: chaos() })
  deployment = await startDeployment({
    name: 'sigterm',
    workers: 1,
    env: { ATLAS_MODEL: 'openai', OPENAI_API_KEY: 'sk-fault-suite', OPENAI_BASE_URL: model.url },
  })
})
afterAll(async () => {
  await deployment?.stop()
  await model?.close()
})

describe('fault: graceful shutdown on SIGTERM', () => {
  it('finishes in-flight jobs or returns them to the queue, exits 0, and loses nothing', async () => {
    const d = deployment
    const database = d.testDb.database
    let triages = 0
    model.latency = (request) => (toolOf(request) === TRIAGE_TOOL && ++triages % 3 === 0 ? 25_000 : 200)
    d.graph.down({ latencyMs: 800 })

    const traffic = new WhatsAppTraffic(() => d.server.url, `sigterm-${Date.now()}`)
    await traffic.deliverMany(0, MESSAGES)
    // Until model calls and sends are both under way.
    let inFlight: Array<{ id: string; name: string }> = []
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
      const active = await activeJobs(database)
      if ((active['atlas.agent-turn'] ?? 0) >= 2 && (active['atlas.delivery'] ?? 0) >= 1) {
        inFlight = await database.query(`select id::text, name from pgboss.job where state = 'active'`)
        break
      }
    }
    expect(inFlight.length).toBeGreaterThan(0)

    const [worker] = d.workers
    const signalled = Date.now()
    const exit = await d.stopWorker(worker!, 'SIGTERM')
    const exitMs = Date.now() - signalled
    // Nothing is left marked as running by the process that is gone.
    const states = await database.query<{ id: string; state: string }>(
      `select id::text, state::text from pgboss.job where id = any($1::uuid[])`,
      [inFlight.map((j) => j.id)],
    )
    const stillActive = await database.query(`select id from pgboss.job where state = 'active'`)
    const finished = states.filter((s) => s.state === 'completed').length
    const returned = states.filter((s) => s.state === 'retry' || s.state === 'created').length

    model.latency = () => 200
    d.graph.up()
    await d.startWorker()
    const result = await settle(database, traffic, d.graph, 120_000)
    const serverExit = await d.server.kill('SIGTERM')
    const report = scenarioReport(
      'e. worker SIGTERM',
      result.tally,
      {
        'jobs in flight': inFlight.length,
        finished,
        'returned to the queue': returned,
        'worker exit': `${exit} after ${(exitMs / 1000).toFixed(1)} s`,
        'server exit': serverExit,
        'duplicate sends': result.tally.duplicateSends,
        'unfinished jobs': result.tally.unfinishedJobs,
      },
      started,
    )
    console.log(saveReport(report))

    expect(exit).toBe(0)
    expect(exitMs).toBeLessThan(EXIT_WITHIN_MS)
    expect(stillActive).toEqual([])
    // Each in-flight job finished within the grace period or went back to the queue, and both happened.
    expect(finished + returned).toBe(inFlight.length)
    expect(finished).toBeGreaterThan(0)
    expect(returned).toBeGreaterThan(0)
    expect(serverExit).toBe(0)

    expect(result.problems, d.output().slice(-4000)).toEqual([])
    expect(result.tally).toMatchObject({
      sent: MESSAGES,
      acknowledged: MESSAGES,
      processed: MESSAGES,
      lost: 0,
      duplicated: 0,
      duplicateSends: 0,
      unfinishedJobs: 0,
    })
  })
})
