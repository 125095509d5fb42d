// The probability that the best retrieved passage answers the message, from retrieval features:
// a logistic model fitted on the dev half of the demo retrieval cases by
// `npm run calibrate:retrieval -- --write` (evals/calibrate-retrieval.ts), which also reports how it
// does on the other half. The coefficients live in answer-confidence.json.
import fitted from './answer-confidence.json' with { type: 'json' }
import type { Retrieval } from './retrieval.ts'

export interface AnswerConfidenceModel {
  intercept: number
  /** One weight per entry of ANSWER_FEATURES. */
  weights: number[]
}

export const ANSWER_FEATURES = [
  'fused score of the best passage',
  'matcher probability of the best passage',
  'full-text score of the best passage',
  'share of the message the best passage covers',
  'lead of the best passage over the second',
  'novelty of the message for the matcher',
] as const

export const ANSWER_CONFIDENCE: AnswerConfidenceModel = {
  intercept: fitted.intercept,
  weights: fitted.weights,
}

export function answerFeatures(retrieval: Pick<Retrieval, 'passages' | 'novelty'>): number[] {
  const [best, second] = retrieval.passages
  if (!best) return ANSWER_FEATURES.map(() => 0)
  return [
    best.score,
    best.semantic,
    best.lexical,
    best.coverage,
    best.score - (second?.score ?? 0),
    retrieval.novelty,
  ]
}

export function answerConfidence(
  features: readonly number[],
  model: AnswerConfidenceModel = ANSWER_CONFIDENCE,
): number {
  if (features.every((f) => f === 0)) return 0
  const z = model.intercept + features.reduce((sum, f, i) => sum + f * (model.weights[i] ?? 0), 0)
  return 1 / (1 + Math.exp(-z))
}
