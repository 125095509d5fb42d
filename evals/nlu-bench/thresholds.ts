// Generic threshold picking on a validation set, for engines that have no calibrated rule of their
// own: the out-of-scope threshold that maximises overall accuracy (out of scope counted as a class),
// then the lowest confidence whose automatically handled answers stay within the risk target.
import { lowestSafeThreshold } from '../harness/risk.ts'

export interface ValidationOutcome {
  /** Higher = more likely out of scope. */
  oosScore: number
  confidence: number
  /** The engine's best in-scope label is the gold label. */
  correct: boolean
  /** The gold label is out of scope. */
  outOfScope: boolean
}

export function pickThresholds(
  outcomes: readonly ValidationOutcome[],
  targetRisk = 0.02,
): { oosThreshold: number; autoThreshold: number } {
  const candidates = [...new Set(outcomes.map((o) => o.oosScore)), Number.POSITIVE_INFINITY].sort(
    (a, b) => a - b,
  )
  let oosThreshold = Number.POSITIVE_INFINITY
  let best = -1
  for (const t of candidates) {
    let right = 0
    for (const o of outcomes) {
      const refused = o.oosScore >= t
      if (o.outOfScope ? refused : !refused && o.correct) right++
    }
    if (right > best) {
      best = right
      oosThreshold = t
    }
  }
  const handled = outcomes
    .filter((o) => o.oosScore < oosThreshold)
    .map((o) => ({ confidence: o.confidence, right: !o.outOfScope && o.correct }))
  const autoThreshold = lowestSafeThreshold(handled, targetRisk).threshold
  return { oosThreshold, autoThreshold }
}
