// The two linear models the engine trains on the same feature space: the label model (all views,
// embeddings weighted up for accuracy) and the lexical novelty model (word + char n-grams only),
// whose best score tells how familiar a message's wording is — the out-of-scope signal.

import { combineViews, type FeatureSpace, type TextViews, type ViewWeights } from './features.ts'
import {
  centroidSimilarities,
  decisionValues,
  type LinearModel,
  type SvmOptions,
  trainOneVsRest,
} from './linear-svm.ts'
import { stackRows } from './sparse.ts'

export interface ModelSettings {
  labelViews: ViewWeights
  labelSvm: Partial<SvmOptions>
  lexicalViews: ViewWeights
  lexicalSvm: Partial<SvmOptions>
}

export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  labelViews: { word: 1, char: 0.5, mean: 2, max: 2 },
  labelSvm: { c: 1, epsilon: 0.1 },
  lexicalViews: { word: 1, char: 1, mean: 0, max: 0 },
  lexicalSvm: { c: 1, epsilon: 0.3 },
}

export interface ModelPair {
  readonly label: LinearModel
  readonly lexical: LinearModel
}

export function trainModelPair(
  space: FeatureSpace,
  views: readonly TextViews[],
  labels: Int32Array,
  classes: number,
  settings: ModelSettings,
  seed: number,
): ModelPair {
  const labelX = stackRows(
    views.map((v) => combineViews(v, settings.labelViews)),
    space.dimensions,
  )
  // Both models pick their working sets from the label features' class-centroid similarities
  // (small problems, up to 1,000 rows, are solved whole and need none).
  const closeness = labels.length > 1000 ? centroidSimilarities(labelX, labels, classes) : undefined
  const label = trainOneVsRest(labelX, labels, classes, { ...settings.labelSvm, seed }, closeness)
  const lexicalX = stackRows(
    views.map((v) => combineViews(v, settings.lexicalViews)),
    space.dimensions,
  )
  const lexical = trainOneVsRest(
    lexicalX,
    labels,
    classes,
    { ...settings.lexicalSvm, seed: seed + 1 },
    closeness,
  )
  return { label, lexical }
}

export interface RawScores {
  /** Label-model decision values, one per class. */
  readonly scores: Float64Array
  /** Best lexical-model decision value. */
  readonly lexicalMax: number
  readonly unseen: number
}

export function scoreViews(pair: ModelPair, views: TextViews, settings: ModelSettings): RawScores {
  const scores = decisionValues(pair.label, combineViews(views, settings.labelViews))
  const lexical = decisionValues(pair.lexical, combineViews(views, settings.lexicalViews))
  let lexicalMax = Number.NEGATIVE_INFINITY
  for (const s of lexical) if (s > lexicalMax) lexicalMax = s
  return { scores, lexicalMax, unseen: views.unseen }
}
