// Public types of the offline NLU engine (see index.ts for the entry points).

import type { FeatureOptions, SerializedFeatureSpace, ViewWeights, WordVectors } from './features.ts'
import type { SvmOptions } from './linear-svm.ts'

export interface Example {
  text: string
  label: string
}

export interface TrainOptions {
  /** Tokenisation and n-gram settings of the TF-IDF views. */
  features?: Partial<FeatureOptions>
  /** Mix of views in the label model (word, char n-grams; mean and max pooled word vectors). */
  labelViews?: Partial<ViewWeights>
  /** SVM regularisation (C) of the label model and the lexical out-of-scope model. */
  c?: number
  /** Word vectors for the embedding views: the bundled artifact by default, `false` for none. */
  wordVectors?: WordVectors | false
  /** Held-out probe rounds used to calibrate and pick the out-of-scope rule (default: by data size). */
  probeRounds?: number
  /** Share of classes hidden per probe round as pseudo-out-of-scope traffic (default 0.25). */
  holdoutClassFraction?: number
  /** Default out-of-scope rule: refuse novelty this many standard deviations above held-out in-scope probes (default 2.8). */
  oosSigmas?: number
  /** Wrong answers per automatically handled message the recommended auto threshold aims at (default
   * 0.02): measured directly on `validation`; on probes, 15% of it as calibrated expected error, because
   * rows held out of the training collection are easier than new traffic (see classifier.ts). */
  targetRisk?: number
  /** Labelled rows (may include out-of-scope rows) to pick the thresholds on instead of the probes. */
  validation?: Example[]
  /** Label of out-of-scope rows in `validation` (default "oos"). */
  oosLabel?: string
  seed?: number
}

export interface Prediction {
  /** Best in-scope label. */
  label: string
  /** Calibrated probability of `label`, 0..1. */
  confidence: number
  /** Confidence of the best minus the second-best label. */
  margin: number
  /** The engine's own out-of-scope rule fired at its default operating point. */
  outOfScope: boolean
  /** 0..1, higher = more likely out of scope (for thresholding by callers). */
  oosScore: number
  /** Top 5 labels, descending. */
  ranking: Array<{ label: string; probability: number }>
}

/** Thresholds the engine chose at training time (from probes, or from the validation set). */
export interface OperatingPoint {
  /** `outOfScope` is `oosScore >= oosThreshold`. */
  oosThreshold: number
  /** Lowest confidence at which an in-scope prediction is recommended for automatic handling. */
  autoThreshold: number
  /** Where the thresholds came from. */
  source: 'probes' | 'validation'
}

export interface TextClassifier {
  readonly labels: readonly string[]
  readonly operatingPoint: OperatingPoint
  predict(text: string): Prediction
  toJSON(): SerializedClassifier
}

export interface SerializedLinearModel {
  classes: number
  features: number
  /** Little-endian float32, feature-major, base64. */
  weights: string
  bias: number[]
}

export interface SerializedClassifier {
  format: 'atlas-nlu/1'
  labels: string[]
  features: SerializedFeatureSpace
  labelViews: ViewWeights
  lexicalViews: ViewWeights
  svm: Pick<SvmOptions, 'c'>
  labelModel: SerializedLinearModel
  lexicalModel: SerializedLinearModel
  temperature: number
  oos: { scale: number; offset: number }
  operatingPoint: OperatingPoint
}
