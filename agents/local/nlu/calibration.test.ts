// Temperature scaling: softmax sanity and recovery of a known temperature from sampled labels.

import { describe, expect, it } from 'vitest'
import { fitTemperature, meanLogLoss, type ScoredExample, softmax } from './calibration.ts'
import { createRng } from './random.ts'

describe('softmax', () => {
  it('sums to one and sharpens as the temperature falls', () => {
    const scores = [1, 0.5, -1]
    const warm = softmax(scores, 1)
    const cold = softmax(scores, 0.1)
    expect(warm.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12)
    expect(cold[0]!).toBeGreaterThan(warm[0]!)
  })
})

describe('fitTemperature', () => {
  it('recovers the temperature that generated the labels', () => {
    const rng = createRng(3)
    const trueTemperature = 0.25
    const examples: ScoredExample[] = []
    for (let n = 0; n < 4000; n++) {
      const scores = Float64Array.from({ length: 5 }, () => rng() * 2 - 1)
      const p = softmax(scores, trueTemperature)
      let u = rng()
      let truth = 0
      while (truth < 4 && u > p[truth]!) u -= p[truth++]!
      examples.push({ scores, truth })
    }
    const fitted = fitTemperature(examples)
    expect(fitted).toBeGreaterThan(0.2)
    expect(fitted).toBeLessThan(0.31)
    expect(meanLogLoss(examples, fitted)).toBeLessThanOrEqual(meanLogLoss(examples, 1))
  })

  it('falls back when there is nothing to fit', () => {
    expect(fitTemperature([], 0.01, 10, 0.7)).toBe(0.7)
  })
})
