// The probability that the best Library passage answers the message, from retrieval features.
// A logistic model whose coefficients are fitted on the dev half of the demo retrieval cases by
// `npm run calibrate:retrieval` (evals/calibrate-retrieval.ts); the other half measures it.
import type { Passage } from '../tools/library-search.ts'

export interface AnswerConfidenceModel {
  intercept: number
  score: number
  coverage: number
  gap: number
}

/** Fitted by evals/calibrate-retrieval.ts; see the figures it prints. */
export const ANSWER_CONFIDENCE: AnswerConfidenceModel = {
  intercept: -4,
  score: 4,
  coverage: 2,
  gap: 3,
}

export function answerFeatures(passages: readonly Passage[]): {
  score: number
  coverage: number
  gap: number
} {
  const [best, ...rest] = passages
  if (!best) return { score: 0, coverage: 0, gap: 0 }
  // The gap to the best passage of another article: close rivals mean the match is uncertain.
  const rival = rest.find((p) => p.documentId !== best.documentId)
  return { score: best.score, coverage: best.coverage, gap: best.score - (rival?.score ?? 0) }
}

export function answerConfidence(passages: readonly Passage[], model = ANSWER_CONFIDENCE): number {
  if (passages.length === 0) return 0
  const f = answerFeatures(passages)
  const z = model.intercept + model.score * f.score + model.coverage * f.coverage + model.gap * f.gap
  return 1 / (1 + Math.exp(-z))
}
