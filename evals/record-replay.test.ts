// Record and replay: the eval runs the `openai` provider against a local server speaking the OpenAI
// wire format (a scripted model that labels by keywords and answers from the first passage it is
// given) and records every call; with the server stopped, the replay gives identical results; a
// request the cassette does not hold fails the run loudly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPLY_TOOL } from '../agents/openai/compose.ts'
import { TRIAGE_TOOL } from '../agents/openai/triage.ts'
import {
  type FakeOpenAI,
  type FakeRequest,
  replyCompletion,
  startFakeOpenAI,
  triageCompletion,
} from '../testing/fake-openai.ts'
import { capturedIo, runCli } from './cli.ts'

const CASES = [
  {
    id: 'rr-reset',
    message: 'How do I reset my password? The link never came.',
    expect: { route: 'atlas', gate: ['auto', 'review'], cites: ['reset-password'] },
  },
  {
    id: 'rr-refund',
    message: 'Refund my last invoice please, I was charged for nothing',
    expect: { route: 'human', gate: 'escalate' },
  },
  {
    id: 'rr-pricing',
    message: 'What does the Business plan cost per seat?',
    expect: { route: 'loot', intent: 'sales' },
  },
  { id: 'rr-weather', message: "what's the weather in Lisbon", expect: { route: 'atlas', gate: 'auto' } },
  {
    id: 'rr-two-turns',
    turns: [
      { customer: 'How do I export a board to CSV?', expect: { route: 'atlas' } },
      { customer: 'ok and now I want a refund for this month', expect: { route: 'human', gate: 'escalate' } },
    ],
  },
]

/** A deterministic stand-in for a real model, speaking its wire format. */
function scriptedModel(request: FakeRequest) {
  const usage = { promptTokens: JSON.stringify(request.body.messages).length >> 2, completionTokens: 40 }
  const tools = (request.body.tools ?? []).map((t) => t.function.name)
  const text = request.body.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n')
  if (tools.includes(TRIAGE_TOOL)) {
    const message = /<message>\n([\s\S]*)\n<\/message>/.exec(text)?.[1]?.toLowerCase() ?? ''
    const refund = message.includes('refund')
    const sales = /cost|price|plan/.test(message)
    const offTopic = message.includes('weather')
    return triageCompletion(
      {
        category: [offTopic ? 'general_feedback' : refund || sales ? 'billing_inquiry' : 'how_to', 0.9],
        intent: [sales ? 'sales' : 'support', 0.92],
        urgency: [offTopic ? 'low' : 'normal', 0.8],
        action: [offTopic ? 'off_topic' : refund ? 'refund' : 'answer', 0.93],
      },
      usage,
    )
  }
  if (tools.includes(REPLY_TOOL)) {
    const passage = /<passage id="([^"]+)">\nTitle: ([^\n]+)/.exec(text)
    return replyCompletion(
      passage
        ? {
            answerable: true,
            answer: `From "${passage[2]}": follow the steps there.`,
            citedPassageIds: [passage[1]!],
            confidence: 0.95,
          }
        : {
            answerable: false,
            answer: 'The passages do not answer this.',
            citedPassageIds: [],
            confidence: 0,
          },
      usage,
    )
  }
  return { status: 400, message: `unexpected tools ${tools.join(', ')}` }
}

const io = (env: Record<string, string>) => capturedIo(env)

/** What must not differ between the recorded and the replayed run (timings may). */
function outcome(file: string) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  const { latency: _l, ...metrics } = report.metrics
  return {
    model: report.model,
    metrics,
    cases: report.cases.map((c: { runs: Array<{ turns: Array<{ latencyMs: number }> }> }) => ({
      ...c,
      runs: c.runs.map((r) => ({ ...r, turns: r.turns.map(({ latencyMs: _t, ...t }) => t) })),
    })),
  }
}

describe('eval --record / --replay with the openai provider', () => {
  let fake: FakeOpenAI
  let dir: string
  let dataset: string
  beforeAll(async () => {
    fake = await startFakeOpenAI()
    dir = mkdtempSync(join(tmpdir(), 'eval-rr-'))
    dataset = join(dir, 'rr.jsonl')
    writeFileSync(dataset, `${CASES.map((c) => JSON.stringify(c)).join('\n')}\n`)
  })
  afterAll(async () => {
    await fake?.close()
  })

  it('records against the server, then replays with it stopped: identical results', async () => {
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'gpt-test' }
    const cassette = join(dir, 'cassette.json')
    for (let i = 0; i < 100; i++) fake.enqueue(scriptedModel)
    const recording = io(env)
    const common = [
      dataset,
      '--model',
      'openai',
      '--cassette',
      cassette,
      '--quiet',
      '--baseline',
      join(dir, 'none.json'),
    ]
    expect(await runCli([...common, '--record', '--json', join(dir, 'recorded.json')], recording)).toBe(0)
    expect(recording.stdout).toMatch(/model openai:gpt-test/)
    const recorded = /cassette .*: (\d+) recorded/.exec(recording.stdout)
    expect(Number(recorded?.[1])).toBeGreaterThan(5)
    expect(fake.requests.length).toBeGreaterThanOrEqual(Number(recorded![1]))
    // Token cost is reported for the openai provider.
    expect(recording.stdout).toMatch(/tokens \(prompt \+ completion\)\s+[1-9]\d* \+ [1-9]\d* \(\$0\.\d{4}\)/)
    await fake.close()

    const requestsBefore = fake.requests.length
    const replaying = io({})
    expect(await runCli([...common, '--replay', '--json', join(dir, 'replayed.json')], replaying)).toBe(0)
    expect(replaying.stdout).toMatch(new RegExp(`${recorded![1]} replayed`))
    expect(fake.requests.length).toBe(requestsBefore)
    expect(outcome(join(dir, 'replayed.json'))).toEqual(outcome(join(dir, 'recorded.json')))
    // The cases really ran on the recorded model: the refund went to a person, the reset was answered.
    const cases = outcome(join(dir, 'replayed.json')).cases as Array<{ id: string; pass: boolean }>
    expect(cases.find((c) => c.id === 'rr-refund')?.pass).toBe(true)
    expect(cases.find((c) => c.id === 'rr-reset')?.pass).toBe(true)
  }, 120_000)

  it('fails loudly when a request is not in the cassette', async () => {
    const changed = join(dir, 'changed.jsonl')
    writeFileSync(
      changed,
      `${JSON.stringify({ id: 'rr-new', message: 'Can I get a refund on my annual plan?' })}\n`,
    )
    const replaying = io({})
    const code = await runCli(
      [
        changed,
        '--model',
        'openai',
        '--replay',
        '--cassette',
        join(dir, 'cassette.json'),
        '--quiet',
        '--baseline',
        join(dir, 'none.json'),
      ],
      replaying,
    )
    expect(code).toBe(3)
    expect(replaying.stderr).toMatch(/1 model request\(s\) were not in the cassette .*cassette\.json/)
    expect(replaying.stderr).toMatch(/\/v1\/chat\/completions key [0-9a-f]{12}: .*annual plan/)
    // The case itself fails: the turn got no decision.
    expect(replaying.stdout).toMatch(/rr-new — t1 error: want a decision/)
  }, 60_000)
})
