// Benchmark metrics on hand-counted examples.

import { describe, expect, it } from 'vitest'
import { coverageAtRisk, macroF1, OOS, percentile, type ScoredAnswer, scoreAnswers } from './metrics.ts'

const a = (gold: string, predicted: string, auto = false, confidence = 0.5): ScoredAnswer => ({
  gold,
  predicted,
  auto,
  confidence,
})

describe('scoreAnswers', () => {
  const answers = [
    a('billing', 'billing', true, 0.99),
    a('billing', 'login', true, 0.9),
    a('login', 'login', false, 0.6),
    a('login', OOS),
    a(OOS, OOS),
    a(OOS, 'billing', true, 0.95),
  ]
  const m = scoreAnswers(answers)

  it('counts refusals of in-scope messages as in-scope errors', () => {
    expect(m.inScopeAccuracy).toBeCloseTo(2 / 4)
  })

  it('computes out-of-scope recall and precision', () => {
    expect(m.oosRecall).toBeCloseTo(1 / 2)
    expect(m.oosPrecision).toBeCloseTo(1 / 2)
  })

  it('treats out of scope as a class for overall accuracy', () => {
    expect(m.overallAccuracy).toBeCloseTo(3 / 6)
  })

  it('measures coverage and risk of automatic handling, leaked out-of-scope included', () => {
    expect(m.coverage).toBeCloseTo(3 / 6)
    expect(m.risk).toBeCloseTo(2 / 3)
  })

  it('reports n/a figures as null', () => {
    const none = scoreAnswers([a('x', 'x')])
    expect(none.oosRecall).toBeNull()
    expect(none.oosPrecision).toBeNull()
    expect(none.risk).toBeNull()
    expect(none.coverage).toBe(0)
  })
})

describe('macroF1', () => {
  it('averages per-class F1 over the gold classes', () => {
    // billing: tp1 fp1 fn1 -> 0.5; login: tp1 fp1 fn1 -> 0.5; OOS: tp1 fp1 fn1 -> 0.5
    const answers = [
      a('billing', 'billing'),
      a('billing', 'login'),
      a('login', 'login'),
      a('login', OOS),
      a(OOS, OOS),
      a(OOS, 'billing'),
    ]
    expect(macroF1(answers)).toBeCloseTo(0.5)
    expect(macroF1([a('x', 'x'), a('y', 'y')])).toBe(1)
  })
})

describe('coverageAtRisk', () => {
  it('finds the largest confident prefix within the risk budget', () => {
    const answers = [
      a('x', 'x', false, 0.9),
      a('x', 'x', false, 0.8),
      a('x', 'y', false, 0.7),
      a('x', 'x', false, 0.6),
    ]
    expect(coverageAtRisk(answers, 0)).toBe(0.5)
    expect(coverageAtRisk(answers, 0.25)).toBe(1)
  })
})

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 50)).toBe(50)
    expect(percentile(xs, 99)).toBe(99)
    expect(percentile([], 50)).toBe(0)
  })
})
