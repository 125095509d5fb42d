// The harness's own logic on hand-made turns: scorers, metrics, calibration, baseline comparison and
// cassette keys. The end-to-end runs (real agents on the shipped dataset) are in evals/eval.test.ts.
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { AgentDecision } from '../../agents/router.ts'
import { compare, toBaseline } from './baseline.ts'
import { calibrateThresholds } from './calibrate.ts'
import { ExpectationSchema } from './case.ts'
import { canonical, keyOf } from './cassette.ts'
import type { TurnResult } from './conversation.ts'
import { parseDatasetFile } from './dataset.ts'
import { calibration, computeMetrics, coverageRiskCurve, rightToSend, type ScoredTurn } from './metrics.ts'
import { wilsonUpper } from './risk.ts'
import type { EvalRun } from './run.ts'
import { matches, scoreTurn } from './scorers.ts'

function decision(over: Partial<AgentDecision> = {}): AgentDecision {
  return {
    agent: 'atlas',
    action: 'auto',
    confidence: 0.95,
    reason: 'answered_from_library',
    category: 'how_to',
    intent: 'support',
    urgency: 'normal',
    reply: {
      body: 'Open Settings → Security and choose Reset password.',
      citations: [
        {
          documentId: 'd1',
          passageId: 'p1',
          slug: 'reset-password',
          title: 'Reset',
          heading: 'Reset a forgotten password',
          url: null,
        },
      ],
    },
    toolCalls: [],
    memory: {},
    scores: { action: { label: 'answer' } },
    model: 'local',
    toolsUsed: ['library_search'],
    ...over,
  }
}

function turn(
  expect: z.input<typeof ExpectationSchema>,
  d: AgentDecision | null = decision(),
  over: Partial<TurnResult> = {},
): ScoredTurn {
  const result: TurnResult = {
    customer: 'how do I reset my password',
    decision: d,
    route: d ? (d.action === 'escalate' ? 'human' : d.agent) : 'human',
    state: d?.action === 'auto' ? 'bot_handled' : d?.action === 'review' ? 'awaiting_approval' : 'pending',
    tools: d ? [...d.toolsUsed, ...d.toolCalls.map((t) => t.tool)] : [],
    retrieved: [{ passageId: 'p1', slug: 'reset-password' }],
    latencyMs: 10,
    error: null,
    ...over,
  }
  const parsed = ExpectationSchema.parse(expect)
  return { caseId: 'c', turn: 0, expect: parsed, result, checks: scoreTurn(parsed, result) }
}

describe('scorers', () => {
  it('checks exact labels, acceptable sets, citations, text, tools and state', () => {
    const t = turn({
      route: 'atlas',
      category: 'how_to',
      urgency: ['normal', 'high'],
      gate: ['auto', 'review'],
      cites: ['reset-password'],
      include: ['reset password', '/settings\\s→/i'],
      exclude: ['refund'],
      toolsCalled: ['library_search'],
      toolsNotCalled: ['create_ticket'],
      state: 'bot_handled',
    })
    expect(t.checks.filter((c) => !c.pass)).toEqual([])
    expect(t.checks.map((c) => c.name)).toEqual([
      'route',
      'category',
      'urgency',
      'gate',
      'cites',
      'grounding',
      'include',
      'include',
      'exclude',
      'toolsCalled',
      'toolsNotCalled',
      'state',
    ])
  })

  it('fails each check that does not hold, saying what was expected and what came', () => {
    const t = turn(
      { route: 'human', gate: 'escalate', cites: ['refund-policy'], exclude: ['settings'], state: 'pending' },
      decision(),
    )
    const failed = Object.fromEntries(t.checks.filter((c) => !c.pass).map((c) => [c.name, c]))
    expect(Object.keys(failed).sort()).toEqual(['cites', 'exclude', 'gate', 'route', 'state'])
    expect(failed.cites).toMatchObject({ expected: 'refund-policy', actual: 'reset-password' })
    expect(failed.gate).toMatchObject({ expected: 'escalate', actual: 'auto' })
  })

  it('flags a citation of a passage the turn never retrieved', () => {
    const t = turn({}, decision(), { retrieved: [{ passageId: 'other', slug: 'x' }] })
    expect(t.checks).toEqual([
      {
        name: 'grounding',
        pass: false,
        expected: 'every citation retrieved',
        actual: 'not retrieved: reset-password',
      },
    ])
  })

  it('matches substrings case-insensitively and /regex/flags', () => {
    expect(matches('Book a DEMO here', 'demo')).toBe(true)
    expect(matches('price: $12', '/\\$\\d+/')).toBe(true)
    expect(matches('no', '/yes/i')).toBe(false)
  })
})

describe('metrics', () => {
  it('computes accuracy, macro-F1 and the confusion matrix, counting any acceptable label as right', () => {
    const m = computeMetrics([
      turn({ category: 'how_to', gate: ['auto', 'review'] }),
      turn({ category: 'bug_report', gate: 'escalate' }),
      turn(
        { category: 'bug_report', gate: 'escalate' },
        decision({ action: 'escalate', category: 'bug_report' }),
      ),
    ])
    expect(m.heads.category).toMatchObject({
      n: 3,
      labels: ['bug_report', 'how_to'],
      confusion: [
        [1, 1],
        [0, 1],
      ],
    })
    expect(m.heads.category.accuracy).toBeCloseTo(2 / 3, 3)
    // how_to: P 1/2 R 1 → F1 2/3; bug_report: P 1 R 1/2 → F1 2/3.
    expect(m.heads.category.macroF1).toBeCloseTo(2 / 3, 3)
    expect(m.heads.gate.accuracy).toBeCloseTo(2 / 3, 3)
    // Escalation: one escalated of two that should be; nothing escalated wrongly.
    expect(m.escalation).toEqual({ precision: 1, recall: 0.5, n: 3 })
    // Two automatic answers; the one that should have escalated is wrong.
    expect(m.automatic).toMatchObject({ count: 2, wrong: 1, risk: 0.5 })
  })

  it('does not call a question back an error, but an answer from the wrong article is one', () => {
    const question = decision({
      reason: 'clarify_intent',
      agent: 'router',
      reply: { body: 'Which team?', citations: [] },
    })
    expect(rightToSend(turn({ cites: ['reset-password'], gate: ['auto', 'review'] }, question))).toBe(true)
    expect(rightToSend(turn({ cites: ['refund-policy'], gate: ['auto', 'review'] }))).toBe(false)
    expect(rightToSend(turn({ gate: ['review', 'escalate'] }))).toBe(false)
  })

  it('measures calibration error over confidence bins', () => {
    const c = calibration([
      { p: 0.95, y: 1 },
      { p: 0.95, y: 0 },
      { p: 0.15, y: 0 },
      { p: 0.15, y: 0 },
    ])
    // Bin 0.9–1: confidence 0.95, accuracy 0.5 → 0.45; bin 0.1–0.2: 0.15 vs 0 → 0.15; weighted 0.3.
    expect(c.ece).toBeCloseTo(0.3, 4)
    expect(c.bins.map((b) => b.count)).toEqual([2, 2])
  })

  it('traces coverage and risk as the auto threshold falls', () => {
    const curve = coverageRiskCurve([
      turn({ gate: ['auto', 'review'] }, decision({ confidence: 0.9 })),
      turn({ gate: 'escalate' }, decision({ confidence: 0.7 })),
      turn({ gate: 'escalate' }, decision({ action: 'escalate', reason: 'needs_human:refund', reply: null })),
    ])
    expect(curve).toEqual([
      { threshold: 1.0001, coverage: 0, risk: 0 },
      { threshold: 0.9, coverage: 0.3333, risk: 0 },
      { threshold: 0.7, coverage: 0.6667, risk: 0.5 },
    ])
  })
})

describe('calibration', () => {
  it('picks the lowest auto threshold whose automatic answers stay within the risk target', () => {
    const right = (c: number) => turn({ gate: ['auto', 'review'] }, decision({ confidence: c }))
    const wrong = (c: number) => turn({ gate: 'escalate' }, decision({ confidence: c }))
    const turns = [right(0.99), right(0.97), right(0.95), wrong(0.93), right(0.9), right(0.85), wrong(0.6)]
    const [atlas] = calibrateThresholds(turns, 0.2, () => ({ auto: 0.9, review: 0.45 }))
    // From the top: 0/1, 0/2, 0/3, 1/4, 1/5, 1/6 ≤ 0.2 … 2/7 > 0.2 → threshold 0.85.
    expect(atlas).toMatchObject({
      agent: 'atlas',
      auto: 0.85,
      review: 0.45,
      candidates: 7,
      sent: 6,
      wrong: 1,
    })
    const [strict] = calibrateThresholds(turns, 0, () => ({ auto: 0.9, review: 0.45 }))
    expect(strict).toMatchObject({ auto: 0.95, sent: 3, wrong: 0 })
  })

  it('bounds the risk with the Wilson interval', () => {
    expect(wilsonUpper(0, 10)).toBeCloseTo(0.2775, 3)
    expect(wilsonUpper(0, 0)).toBe(1)
  })
})

describe('baseline comparison', () => {
  const run = (rates: Record<string, number>, passRate: number): EvalRun =>
    ({
      datasets: ['d'],
      model: 'local',
      repeat: 1,
      startedAt: '',
      durationMs: 0,
      cases: Object.entries(rates).map(([id, passRate]) => ({
        id,
        file: 'f',
        tags: [],
        channel: 'email',
        passRate,
        runs: [],
      })),
      metrics: {
        ...computeMetrics([]),
        passRate,
        cases: Object.keys(rates).length,
        flaky: 0,
        tokens: { promptTokens: 0, completionTokens: 0 },
      },
    }) as EvalRun

  it('names the cases that flipped and the metrics that regressed beyond the tolerance', () => {
    const baseline = toBaseline(run({ a: 1, b: 1, c: 0 }, 0.667), 0.01)
    const result = compare(run({ a: 1, b: 0, c: 1, d: 1 }, 0.6), baseline)
    expect(result).toMatchObject({ flipped: ['b'], fixed: ['c'], added: ['d'], ok: false })
    expect(result.regressions).toEqual([{ metric: 'passRate', baseline: 0.667, current: 0.6 }])
    expect(compare(run({ a: 1, b: 1, c: 0 }, 0.66), baseline).ok).toBe(true)
  })
})

describe('datasets and cassettes', () => {
  it('reports a bad line with its file and line number', () => {
    const text =
      '{"dataset":{"name":"t"}}\n# a comment\n{"id":"ok","message":"hi"}\n{"id":"bad","message":"hi","expect":{"gate":"send"}}\n'
    expect(() => parseDatasetFile('/x/t.jsonl', text)).toThrow(/t\.jsonl:4: expect\.gate/)
    expect(parseDatasetFile('/x/t.jsonl', text.split('\n').slice(0, 3).join('\n')).cases[0]).toMatchObject({
      id: 'ok',
      channel: 'email',
      turns: [{ customer: 'hi', expect: {} }],
    })
  })

  it('keys a request by its content, whatever the order of its JSON keys', () => {
    expect(canonical({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}')
    expect(keyOf('POST', '/v1/chat/completions', { a: 1, b: 2 })).toBe(
      keyOf('POST', '/v1/chat/completions', { b: 2, a: 1 }),
    )
    expect(keyOf('POST', '/v1/chat/completions', { a: 1 })).not.toBe(
      keyOf('POST', '/v1/chat/completions', { a: 2 }),
    )
  })
})
