// Generic threshold picking on a validation set (used for engines without a rule of their own).

import { describe, expect, it } from 'vitest'
import { pickThresholds, type ValidationOutcome } from './thresholds.ts'

const o = (
  oosScore: number,
  confidence: number,
  correct: boolean,
  outOfScope: boolean,
): ValidationOutcome => ({
  oosScore,
  confidence,
  correct,
  outOfScope,
})

describe('pickThresholds', () => {
  it('separates out-of-scope rows and keeps risky answers off auto', () => {
    const outcomes = [
      o(0.1, 0.9, true, false),
      o(0.2, 0.8, true, false),
      o(0.3, 0.4, false, false),
      o(0.35, 0.7, true, false),
      o(0.8, 0.2, false, true),
      o(0.9, 0.1, false, true),
    ]
    const { oosThreshold, autoThreshold } = pickThresholds(outcomes, 0)
    expect(oosThreshold).toBeGreaterThan(0.35)
    expect(oosThreshold).toBeLessThanOrEqual(0.8)
    expect(autoThreshold).toBe(0.7)
  })
})
