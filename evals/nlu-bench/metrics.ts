// Pure scoring of one engine's answers on a test set: accuracy, out-of-scope recall/precision,
// macro-F1, and coverage/risk of automatic handling at the gate's operating point.
import { lowestSafeThreshold } from '../harness/risk.ts'

/** Sentinel used for "out of scope", both as a gold label and as a prediction. */
export const OOS = '\u0000oos'

export interface ScoredAnswer {
  /** Gold label, or OOS. */
  gold: string
  /** Predicted label, or OOS when the engine refused. */
  predicted: string
  /** Handled automatically at the gate's operating point (never true for an OOS prediction). */
  auto: boolean
  /** The engine's confidence in `predicted`. */
  confidence: number
}

export interface QualityMetrics {
  inScopeAccuracy: number
  /** null when the test set has no out-of-scope rows. */
  oosRecall: number | null
  /** null when the engine predicted nothing out of scope. */
  oosPrecision: number | null
  overallAccuracy: number
  macroF1: number
  coverage: number
  /** null when nothing was handled automatically. */
  risk: number | null
  /**
   * For comparing engines at equal risk: the largest coverage any confidence threshold reaches on
   * this test set with risk <= 2% (out-of-scope decisions as the engine made them). Chosen on the
   * test set itself, so it is an upper bound, not an operating point.
   */
  coverageAtRisk2: number
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den)

export function scoreAnswers(answers: readonly ScoredAnswer[]): QualityMetrics {
  let inScope = 0
  let inScopeRight = 0
  let goldOos = 0
  let predOos = 0
  let bothOos = 0
  let right = 0
  let auto = 0
  let autoWrong = 0
  for (const a of answers) {
    const ok = a.gold === a.predicted
    if (ok) right++
    if (a.gold === OOS) goldOos++
    else {
      inScope++
      if (ok) inScopeRight++
    }
    if (a.predicted === OOS) predOos++
    if (a.gold === OOS && a.predicted === OOS) bothOos++
    if (a.auto && a.predicted !== OOS) {
      auto++
      if (!ok) autoWrong++
    }
  }
  return {
    inScopeAccuracy: ratio(inScopeRight, inScope) ?? 0,
    oosRecall: ratio(bothOos, goldOos),
    oosPrecision: ratio(bothOos, predOos),
    overallAccuracy: ratio(right, answers.length) ?? 0,
    macroF1: macroF1(answers),
    coverage: ratio(auto, answers.length) ?? 0,
    risk: ratio(autoWrong, auto),
    coverageAtRisk2: coverageAtRisk(answers, 0.02),
  }
}

/** Largest share of answers handled automatically, by some confidence threshold, with risk <= maxRisk. */
export function coverageAtRisk(answers: readonly ScoredAnswer[], maxRisk: number): number {
  const handled = answers
    .filter((a) => a.predicted !== OOS)
    .map((a) => ({ confidence: a.confidence, right: a.gold === a.predicted }))
  return answers.length === 0 ? 0 : lowestSafeThreshold(handled, maxRisk).taken / answers.length
}

/**
 * Mean F1 over the classes present in the gold labels (in-scope classes, plus OOS when the test set
 * has out-of-scope rows). A prediction outside that set still counts as a miss for its gold class.
 */
export function macroF1(answers: readonly ScoredAnswer[]): number {
  const classes = new Set(answers.map((a) => a.gold))
  if (classes.size === 0) return 0
  let sum = 0
  for (const c of classes) {
    let tp = 0
    let fp = 0
    let fn = 0
    for (const a of answers) {
      if (a.predicted === c && a.gold === c) tp++
      else if (a.predicted === c) fp++
      else if (a.gold === c) fn++
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn)
  }
  return sum / classes.size
}

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}
