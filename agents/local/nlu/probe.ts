// Held-out "probe" rounds on the training data alone: each round hides some whole classes (they play
// out-of-scope traffic) and one fold of the remaining examples (they play unseen in-scope traffic),
// trains the same models on what is left and records their raw scores, to fit calibration and the
// out-of-scope rule without any real out-of-scope rows.

import { type FeatureOptions, FeatureSpace, type WordVectors } from './features.ts'
import { type ModelSettings, scoreViews, trainModelPair } from './models.ts'
import { createRng, shuffleInPlace } from './random.ts'

export interface ProbeRecord {
  /** Label-model scores over the round's in-scope classes. */
  readonly scores: Float64Array
  /** Index of the true class in `scores`, or -1 for a pseudo-out-of-scope example. */
  readonly truth: number
  readonly lexicalMax: number
  readonly unseen: number
}

export interface ProbeOptions {
  rounds: number
  /** Share of classes hidden per round as pseudo-out-of-scope (at least one when there are 3+). */
  holdoutClassFraction: number
  /** Cap on pseudo-out-of-scope examples scored per round (they are cheap but plentiful). */
  maxPseudoOos: number
  seed: number
}

export function runProbes(
  texts: readonly string[],
  labels: Int32Array,
  classes: number,
  features: FeatureOptions,
  vectors: WordVectors | undefined,
  settings: ModelSettings,
  options: ProbeOptions,
): ProbeRecord[] {
  const rng = createRng(options.seed)
  const classOrder = Int32Array.from({ length: classes }, (_, i) => i)
  shuffleInPlace(classOrder, classes, rng)
  const hiddenPerRound =
    classes >= 3 ? Math.min(classes - 2, Math.max(1, Math.round(classes * options.holdoutClassFraction))) : 0
  // Stratified example folds (at least four, so a round holds out at most a quarter): each class's
  // examples are dealt round-robin after a shuffle; round r holds out fold r.
  const folds = Math.max(4, options.rounds)
  const fold = new Int32Array(labels.length)
  const byClass: number[][] = Array.from({ length: classes }, () => [])
  labels.forEach((k, i) => {
    byClass[k]!.push(i)
  })
  for (const members of byClass) {
    const order = Int32Array.from(members)
    shuffleInPlace(order, order.length, rng)
    const start = Math.floor(rng() * folds)
    order.forEach((i, j) => {
      fold[i] = (start + j) % folds
    })
  }
  const records: ProbeRecord[] = []
  for (let r = 0; r < options.rounds; r++) {
    const hidden = new Set<number>()
    for (let j = 0; j < hiddenPerRound; j++) hidden.add(classOrder[(r * hiddenPerRound + j) % classes]!)
    const kept = [...Array(classes).keys()].filter((k) => !hidden.has(k))
    const remap = new Int32Array(classes).fill(-1)
    kept.forEach((k, j) => {
      remap[k] = j
    })
    const trainRows: number[] = []
    const heldIn: number[] = []
    const heldOut: number[] = []
    for (let i = 0; i < labels.length; i++) {
      if (hidden.has(labels[i]!)) heldOut.push(i)
      else if (fold[i] === r) heldIn.push(i)
      else trainRows.push(i)
    }
    if (trainRows.length === 0 || heldIn.length === 0) continue
    const space = FeatureSpace.fit(
      trainRows.map((i) => texts[i]!),
      features,
      vectors,
    )
    const pair = trainModelPair(
      space,
      trainRows.map((i) => space.views(texts[i]!)),
      Int32Array.from(trainRows, (i) => remap[labels[i]!]!),
      kept.length,
      settings,
      options.seed + 17 * r,
    )
    for (const i of heldIn) {
      const raw = scoreViews(pair, space.views(texts[i]!), settings)
      records.push({ ...raw, truth: remap[labels[i]!]! })
    }
    const oosRows = Int32Array.from(heldOut)
    shuffleInPlace(oosRows, oosRows.length, rng)
    for (const i of oosRows.subarray(0, options.maxPseudoOos)) {
      const raw = scoreViews(pair, space.views(texts[i]!), settings)
      records.push({ ...raw, truth: -1 })
    }
  }
  return records
}
