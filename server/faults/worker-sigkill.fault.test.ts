// Scenario a: 1,000 WhatsApp messages flow through one server and two worker processes while a
// worker is SIGKILLed (no cleanup, no goodbye) at random moments and a fresh one started in its
// place. Its jobs come back through pg-boss's heartbeat check; every message must still end with
// exactly one outcome, and the fake Graph API must accept no reply twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { settle } from './audit.ts'
import { activeJobs, chaos } from './chaos.ts'
import { type Deployment, sleep, startDeployment } from './deployment.ts'
import { saveReport, scenarioReport } from './report.ts'
import { WhatsAppTraffic } from './traffic.ts'

const MESSAGES = 1000
const MIN_KILLS = 6
const MAX_KILLS = 10

let deployment: Deployment
const started = Date.now()

beforeAll(async () => {
  deployment = await startDeployment({ name: 'worker-sigkill', workers: 2 })
})
afterAll(async () => {
  await deployment?.stop()
})

describe('fault: a worker SIGKILLed at random moments while 1,000 messages flow', () => {
  it('ends every message with exactly one outcome and sends no reply twice', async () => {
    const random = chaos()
    const d = deployment
    const database = d.testDb.database
    const traffic = new WhatsAppTraffic(() => d.server.url, `sigkill-${random.seed}`)
    let sendingDone = false
    const sending = traffic.deliverMany(0, MESSAGES).finally(() => {
      sendingDone = true
    })

    // Kill while messages arrive and while they are worked on: at least MIN_KILLS, and on until
    // the last message was acknowledged.
    const interrupted: number[] = []
    while (interrupted.length < MAX_KILLS && (interrupted.length < MIN_KILLS || !sendingDone)) {
      await sleep(random.between(500, 3000))
      const victim = random.pick(d.workers)
      const active = Object.values(await activeJobs(database)).reduce((a, b) => a + b, 0)
      expect(await d.stopWorker(victim, 'SIGKILL')).toBe('SIGKILL')
      interrupted.push(active)
      await d.startWorker()
    }
    await sending

    const result = await settle(database, traffic, d.graph, 300_000)
    const report = scenarioReport(
      'a. worker SIGKILL',
      result.tally,
      {
        kills: interrupted.length,
        'jobs running at each kill (both workers)': interrupted.join('/'),
        'worker restart': `${(d.workerStarts.slice(2).reduce((a, b) => a + b, 0) / 1000 / interrupted.length).toFixed(1)} s mean`,
        'replies not resent (cut off mid-send)': result.judged.filter((j) => j.repliesFailed > 0).length,
        'duplicate sends': result.tally.duplicateSends,
        'unfinished jobs': result.tally.unfinishedJobs,
        seed: random.seed,
      },
      started,
    )
    console.log(saveReport(report))

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
    // The kills hit work in progress, not an idle system.
    expect(interrupted.filter((n) => n > 0).length).toBeGreaterThan(0)
    // Every way a message can end was exercised.
    expect(result.tally.answered).toBeGreaterThan(0)
    expect(result.tally.drafted + result.tally.escalated).toBeGreaterThan(0)
  })
})
