import { describe, expect, it } from 'vitest'
import { answerConfidence } from '../agents/answer-confidence.ts'
import { fitLogistic, splitOf } from './calibrate-retrieval.ts'

describe('answer-confidence calibration', () => {
  it('fits a logistic model that separates what it was shown', () => {
    const xs = Array.from({ length: 200 }, (_, i) => [i / 200, 0.5])
    const ys = xs.map(([x]) => (x! > 0.6 ? 1 : 0))
    const model = fitLogistic(xs, ys)
    expect(model.weights[0]).toBeGreaterThan(1)
    expect(answerConfidence([0.95, 0.5], model)).toBeGreaterThan(0.7)
    expect(answerConfidence([0.1, 0.5], model)).toBeLessThan(0.3)
  })

  it('splits cases by content, the same way every run, about half and half', () => {
    const texts = Array.from({ length: 400 }, (_, i) => `question number ${i}`)
    const dev = texts.filter((t) => splitOf(t) === 'dev').length
    expect(dev).toBeGreaterThan(160)
    expect(dev).toBeLessThan(240)
    expect(texts.map(splitOf)).toEqual(texts.map(splitOf))
  })
})
