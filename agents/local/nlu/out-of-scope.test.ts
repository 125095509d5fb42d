// The out-of-scope score and the thresholds picked from probes or from a validation set.

import { describe, expect, it } from 'vitest'
import {
  accuracyOosThreshold,
  fitOosModel,
  type HeldOutRecord,
  novelty,
  oosScore,
  probeAutoThreshold,
  probeOosThreshold,
  validationAutoThreshold,
} from './out-of-scope.ts'

const record = (
  lexicalMax: number,
  outOfScope: boolean,
  correct = !outOfScope,
  confidence = 0.9,
): HeldOutRecord => ({
  lexicalMax,
  unseen: 0,
  confidence,
  correct,
  outOfScope,
})

describe('fitOosModel', () => {
  it('scores weak lexical matches as more out of scope', () => {
    const records = [
      ...[1.2, 1.0, 0.9, 0.8, 0.7, 0.3].map((x) => record(x, false)),
      ...[0.6, 0.2, 0.1, -0.1, -0.3].map((x) => record(x, true)),
    ]
    const model = fitOosModel(records)
    expect(model.scale).toBeGreaterThan(0)
    expect(oosScore(model, -0.2, 0)).toBeGreaterThan(oosScore(model, 1.1, 0))
    expect(novelty(0.5, 1)).toBeGreaterThan(novelty(0.5, 0))
  })

  it('falls back to the in-scope spread when there are no out-of-scope records', () => {
    const model = fitOosModel([0.9, 1.0, 1.1].map((x) => record(x, false)))
    expect(model.scale).toBeGreaterThan(0)
    expect(oosScore(model, 1.0, 0)).toBeLessThan(0.5)
  })
})

describe('probeOosThreshold', () => {
  it('refuses only messages far above the in-scope novelty', () => {
    const inScope = Array.from({ length: 200 }, (_, i) => record(1 + Math.sin(i) * 0.2, false))
    const model = fitOosModel([...inScope, ...[0, -0.2, 0.1].map((x) => record(x, true))])
    const threshold = probeOosThreshold(model, inScope, 2.75)
    const refused = inScope.filter((r) => oosScore(model, r.lexicalMax, r.unseen) >= threshold).length
    expect(refused).toBe(0)
    expect(oosScore(model, -0.5, 0)).toBeGreaterThanOrEqual(threshold)
  })
})

describe('accuracyOosThreshold', () => {
  it('finds the cut that maximises accuracy with out-of-scope as a class', () => {
    const records = [record(0, false), record(0, false), record(0, false), record(0, true), record(0, true)]
    const scores = [0.1, 0.2, 0.6, 0.5, 0.9]
    const threshold = accuracyOosThreshold(records, scores, 0.4)
    // Refusing 0.9 and 0.5 but not 0.6 is impossible; refusing >= 0.9 gives 4/5, >= 0.5 gives 4/5.
    const right = records.filter((r, i) => (scores[i]! >= threshold ? r.outOfScope : r.correct)).length
    expect(right).toBe(4)
  })
})

describe('probeAutoThreshold', () => {
  it('picks the lowest confidence whose handled records are expected to stay within the risk target', () => {
    const records = [0.99, 0.97, 0.95, 0.8, 0.6].map((c) => record(1, false, true, c))
    const none = records.map(() => false)
    // Expected errors are 1 - confidence: mean over the top 3 is 0.03, over the top 4 0.0725.
    expect(probeAutoThreshold(records, none, 0.031)).toBe(0.95)
    expect(probeAutoThreshold(records, none, 0.08)).toBe(0.8)
    expect(probeAutoThreshold(records, none, 0.001)).toBe(1)
  })

  it('ignores out-of-scope and refused records', () => {
    const records = [0.99, 0.97, 0.95].map((c) => record(1, false, true, c))
    const withOos = [record(1, true, false, 0.5), ...records]
    expect(
      probeAutoThreshold(
        withOos,
        withOos.map(() => false),
        0.031,
      ),
    ).toBe(0.95)
    expect(
      probeAutoThreshold([...records, record(1, false, true, 0.2)], [false, false, false, true], 0.031),
    ).toBe(0.95)
  })
})

describe('validationAutoThreshold', () => {
  it('counts wrong labels and leaked out-of-scope rows against the risk target', () => {
    const records = [
      record(1, false, true, 0.99),
      record(1, true, false, 0.97),
      record(1, false, true, 0.95),
      record(1, false, true, 0.9),
    ]
    const none = records.map(() => false)
    expect(validationAutoThreshold(records, none, 0)).toBe(0.99)
    expect(validationAutoThreshold(records, none, 0.25)).toBe(0.9)
    expect(validationAutoThreshold(records, [false, true, false, false], 0)).toBe(0.9)
  })
})
