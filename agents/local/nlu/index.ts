// Offline NLU engine of Atlas Desk: a calibrated text classifier with an out-of-scope rule, in pure
// TypeScript (TF-IDF + word-vector views, linear SVMs), trained in-process from labelled examples.

export { loadClassifier, trainClassifier } from './classifier.ts'
export type { FeatureOptions, ViewWeights, WordVectors } from './features.ts'
export type {
  Example,
  OperatingPoint,
  Prediction,
  SerializedClassifier,
  TextClassifier,
  TrainOptions,
} from './types.ts'
export { bundledWordVectors, decodeWordVectors } from './word-vectors.ts'
