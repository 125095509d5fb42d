// Scenario d: the outbound channel (WhatsApp's Cloud API, here the fake Graph API) is down: first it
// answers 503, then it refuses connections altogether. Replies must wait in the queue (not fail,
// not escalate), retry with backoff, and go out exactly once when the channel is back.
//
// The test keeps the outage to OUTAGE_MS to keep CI short, on the production retry policy
// (server/jobs/queues.ts). That policy's own numbers show it rides out a much longer outage: see
// deliveryRetryWindow below, which the test computes with pg-boss's backoff formula and asserts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUE_OPTIONS, QUEUES } from '../jobs/queues.ts'
import { audit, settle } from './audit.ts'
import { type Deployment, sleep, startDeployment } from './deployment.ts'
import { saveReport, scenarioReport } from './report.ts'
import { WhatsAppTraffic } from './traffic.ts'

const MESSAGES = 40
/** The first half answers 503, the second refuses connections. */
const OUTAGE_MS = 60_000

let deployment: Deployment
const started = Date.now()

beforeAll(async () => {
  deployment = await startDeployment({ name: 'channel-outage', workers: 1 })
})
afterAll(async () => {
  await deployment?.stop()
})

/**
 * How long a delivery keeps retrying before it gives up, at the least and at the most: pg-boss waits
 * `retryDelay × 2^n × (1 + random)` seconds after the n-th retry (n from 0), capped at retryDelayMax.
 */
function deliveryRetryWindow() {
  const { retryLimit = 0, retryDelay = 0, retryDelayMax = Number.POSITIVE_INFINITY } = QUEUE_OPTIONS.delivery
  let least = 0
  let most = 0
  for (let n = 0; n < retryLimit; n++) {
    least += Math.min(retryDelayMax, retryDelay * 2 ** n)
    most += Math.min(retryDelayMax, retryDelay * 2 ** n * 2)
  }
  return { attempts: retryLimit + 1, leastSeconds: least, mostSeconds: most }
}

describe('fault: the outbound channel is down for a while', () => {
  it('keeps replies waiting, retries, and sends each exactly once when it returns', async () => {
    const d = deployment
    const database = d.testDb.database
    const window = deliveryRetryWindow()
    // The policy outlasts an outage of a quarter of an hour before a reply is given up.
    expect(window.leastSeconds).toBeGreaterThanOrEqual(15 * 60)

    const down = Date.now()
    await d.graph.down({
      graphError: { status: 503, code: 2, message: 'Service temporarily unavailable', isTransient: true },
    })
    const traffic = new WhatsAppTraffic(() => d.server.url, `outage-${down}`)
    await traffic.deliverMany(0, MESSAGES)
    await sleep(Math.max(0, down + OUTAGE_MS / 2 - Date.now()))
    await d.graph.down('refuse')
    await sleep(Math.max(0, down + OUTAGE_MS - Date.now()))

    // At the end of the outage: replies wait in the queue with the reason; none failed or escalated.
    const during = await audit(database, traffic, d.graph)
    const waiting = during.judged.reduce((n, j) => n + j.repliesQueued, 0)
    const [notes] = await database.query<{ retrying: number }>(
      `select count(*)::int as retrying from messages
        where direction = 'outbound' and delivery_status = 'queued' and delivery_error like 'Attempt % failed, retrying:%'`,
    )
    const refusedAt503 = d.graph.requests.filter((r) => r.status === 503).length
    await d.graph.up()
    const back = Date.now()

    const result = await settle(database, traffic, d.graph, 200_000)
    const [attempts] = await database.query<{ most: number; mean: number }>(
      `select max(retry_count + 1)::int as most, round(avg(retry_count + 1)::numeric, 1)::float as mean
         from pgboss.job where name = $1 and state = 'completed'`,
      [QUEUES.delivery],
    )
    const failedReplies = result.judged.reduce((n, j) => n + j.repliesFailed + j.failedEvents, 0)
    const report = scenarioReport(
      'd. channel down',
      result.tally,
      {
        outage: `${Math.round((back - down) / 1000)} s (503, then connection refused)`,
        'replies waiting at its end': waiting,
        '503s answered': refusedAt503,
        'send attempts per reply': `${attempts?.mean} mean, ${attempts?.most} most`,
        'replies failed': failedReplies,
        'policy gives up after': `${(window.leastSeconds / 60).toFixed(1)}–${(window.mostSeconds / 60).toFixed(1)} min (${window.attempts} attempts)`,
        'unfinished jobs': result.tally.unfinishedJobs,
      },
      started,
    )
    console.log(saveReport(report))

    // While down: every reply that had to go out was waiting, marked as retrying; nothing failed.
    expect(waiting).toBeGreaterThan(0)
    expect(notes!.retrying).toBe(waiting)
    expect(during.judged.filter((j) => j.repliesFailed + j.failedEvents > 0)).toEqual([])
    expect(refusedAt503).toBeGreaterThan(0)
    // Afterwards: each went out once, nothing failed for good, nothing lost or duplicated.
    expect(failedReplies).toBe(0)
    expect(attempts!.most).toBeGreaterThan(3)
    expect(attempts!.most).toBeLessThan(window.attempts)
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
    expect(result.tally.providerSends).toBe(waiting)
  })
})
