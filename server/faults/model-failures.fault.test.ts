// Scenario c: the `openai` model provider fails 30 % of its calls, evenly: timeouts (it answers
// long after the client gave up), 429 with Retry-After, 500, and garbage (a body that is not JSON,
// or tool arguments that are not). The client retries what may pass (server/config.ts OPENAI_*), the
// agent-turn job retries what is left (ATLAS_AGENT_TURN_RETRIES), and a turn that still fails goes
// to a person. Every ticket must end answered, drafted or escalated: none stuck mid-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { settle } from './audit.ts'
import { chaos } from './chaos.ts'
import { type Deployment, startDeployment } from './deployment.ts'
import { type FlakyModel, startFlakyModel } from './flaky-model.ts'
import { saveReport, scenarioReport } from './report.ts'
import { WhatsAppTraffic } from './traffic.ts'

const MESSAGES = 80
const FAILURE_RATE = 0.3
/** Short, so a timeout costs the test 1.5 s, not OpenAI's default 30 s (production keeps 30 s). */
const CLIENT_TIMEOUT_MS = 1500

const random = chaos()
let model: FlakyModel
let deployment: Deployment
const started = Date.now()

beforeAll(async () => {
  model = await startFlakyModel({ failureRate: FAILURE_RATE, hangMs: CLIENT_TIMEOUT_MS * 4, random })
  deployment = await startDeployment({
    name: 'model-failures',
    workers: 1,
    env: {
      ATLAS_MODEL: 'openai',
      OPENAI_API_KEY: 'sk-fault-suite',
      OPENAI_BASE_URL: model.url,
      OPENAI_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
      // Three attempts per call, backing off 0.1–1 s (a 429's Retry-After: 1 is honoured).
      OPENAI_MAX_ATTEMPTS: '3',
      OPENAI_BACKOFF_BASE_MS: '100',
      OPENAI_BACKOFF_MAX_MS: '1000',
    },
  })
})
afterAll(async () => {
  await deployment?.stop()
  await model?.close()
})

describe('fault: the model provider fails 30 % of calls', () => {
  it('ends every ticket answered, drafted or escalated, none stuck', async () => {
    const d = deployment
    const traffic = new WhatsAppTraffic(() => d.server.url, `model-${random.seed}`)
    await traffic.deliverMany(0, MESSAGES)

    const result = await settle(d.testDb.database, traffic, d.graph, 150_000)
    const failed = Object.values(model.failures).reduce((a, b) => a + b, 0)
    const turnsFailed = result.judged.filter((j) => j.verdict === 'failed').length
    const report = scenarioReport(
      'c. model fails 30%',
      result.tally,
      {
        'model calls': model.calls(),
        failed: `${failed} (${Math.round((failed / model.calls()) * 100)}%: ${Object.entries(model.failures)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ')})`,
        'turns escalated after retries': turnsFailed,
        'stuck tickets': result.judged.filter((j) => j.outcome === 'none').length,
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
    // No ticket left mid-way: every one has the agent's verdict and sits where a verdict puts it.
    const statuses = new Set(result.judged.map((j) => j.ticketStatus))
    expect(
      [...statuses].filter((s) => !['bot_handled', 'awaiting_approval', 'pending'].includes(s!)),
    ).toEqual([])
    // The failures really happened, about as often as asked, and every kind of them.
    expect(failed / model.calls()).toBeGreaterThan(FAILURE_RATE - 0.1)
    expect(failed / model.calls()).toBeLessThan(FAILURE_RATE + 0.1)
    for (const count of Object.values(model.failures)) expect(count).toBeGreaterThan(0)
    // Retries absorbed most failures: far more tickets were answered than failed for good.
    expect(result.tally.answered).toBeGreaterThan(turnsFailed)
  })
})
