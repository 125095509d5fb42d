// Scenario b: PostgreSQL restarts (fast shutdown: sessions cut, open transactions rolled back) while
// WhatsApp messages keep arriving. While it is down the server answers 503 with Retry-After, quickly
// (it neither hangs nor answers 500); Meta-like redelivery sends each refused message again. Once
// PostgreSQL is back, server and worker carry on by themselves (no restart), and every message that
// got a 2xx is processed exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { settle } from './audit.ts'
import { type Deployment, sleep, startDeployment } from './deployment.ts'
import { startPostgres, stopPostgres } from './postgres-cluster.ts'
import { saveReport, scenarioReport } from './report.ts'
import { WhatsAppTraffic } from './traffic.ts'

/** How long PostgreSQL stays down (other suites may share the server: keep it short). */
const DOWN_MS = 4000
/** One new message every this many ms, before, during and after the restart. */
const ARRIVAL_MS = 100

let deployment: Deployment
const started = Date.now()

beforeAll(async () => {
  deployment = await startDeployment({ name: 'postgres-restart', workers: 1 })
})
afterAll(async () => {
  // Whatever happened, leave PostgreSQL running for everyone else.
  await startPostgres()
  await deployment?.stop()
})

/** A request that needs the database; a server that hangs shows as status 0 after 15 s. */
async function probe(url: string) {
  const sent = Date.now()
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(15_000) })
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as { error?: { code: string } },
      ms: Date.now() - sent,
    }
  } catch (error) {
    return { status: 0, retryAfter: null, body: { error: { code: String(error) } }, ms: Date.now() - sent }
  }
}

describe('fault: PostgreSQL restarts under load', () => {
  it('answers 503 meanwhile, recovers by itself, and loses nothing acknowledged', async () => {
    const d = deployment
    const traffic = new WhatsAppTraffic(() => d.server.url, `pg-restart-${Date.now()}`)
    const deliveries: Promise<unknown>[] = []
    let sending = true
    const arrivals = (async () => {
      for (let i = 0; sending; i++) {
        deliveries.push(traffic.deliver(i))
        await sleep(ARRIVAL_MS)
      }
    })()

    await sleep(3000)
    const stopping = Date.now()
    await stopPostgres()
    const down = Date.now()
    // A few requests to the server while nothing can reach PostgreSQL.
    const probes = []
    while (Date.now() - down < DOWN_MS) {
      probes.push(await probe(d.server.url))
      await sleep(500)
    }
    await startPostgres()
    const up = Date.now()
    // Recovery by itself: nobody restarts the server or the worker.
    let recovered = 0
    while (!recovered && Date.now() - up < 30_000) {
      if ((await probe(d.server.url)).status === 200) recovered = Date.now()
      else await sleep(100)
    }
    await sleep(3000)
    sending = false
    await arrivals
    await Promise.all(deliveries)

    const result = await settle(d.testDb.database, traffic, d.graph, 120_000)
    const { statuses } = traffic.stats
    const report = scenarioReport(
      'b. PostgreSQL restart',
      result.tally,
      {
        'PostgreSQL down': `${((up - stopping) / 1000).toFixed(1)} s`,
        '503s': statuses['503'] ?? 0,
        'with Retry-After': traffic.stats.retryAfter,
        '500s': statuses['500'] ?? 0,
        'slowest answer': `${traffic.stats.slowestMs} ms`,
        'back to 2xx after': recovered ? `${((recovered - up) / 1000).toFixed(1)} s` : 'never',
        'duplicate sends': result.tally.duplicateSends,
        'unfinished jobs': result.tally.unfinishedJobs,
      },
      started,
    )
    console.log(saveReport(report))

    // While down: 503 with Retry-After, answered at once.
    expect(probes.length).toBeGreaterThan(0)
    for (const answer of probes) {
      expect(answer).toMatchObject({
        status: 503,
        retryAfter: '5',
        body: { error: { code: 'database_unavailable' } },
      })
      expect(answer.ms).toBeLessThan(5000)
    }
    expect(statuses['503'] ?? 0).toBeGreaterThan(0)
    expect(traffic.stats.retryAfter).toBe(statuses['503'])
    expect(Object.keys(statuses).filter((s) => s !== '200' && s !== '503')).toEqual([])
    expect(traffic.stats.slowestMs).toBeLessThan(10_000)
    // Back by itself, with the same processes.
    expect(recovered).toBeGreaterThan(0)
    expect(d.server.child.exitCode).toBeNull()
    expect(d.workers.map((w) => w.child.exitCode)).toEqual([null])

    expect(result.problems, d.output().slice(-4000)).toEqual([])
    expect(result.tally).toMatchObject({
      acknowledged: result.tally.sent,
      processed: result.tally.sent,
      lost: 0,
      duplicated: 0,
      duplicateSends: 0,
      unfinishedJobs: 0,
    })
    // Some messages were refused while it was down, redelivered, and processed once like the rest.
    expect(traffic.ledger.filter((e) => e.attempts > 1).length).toBeGreaterThan(0)
  })
})
