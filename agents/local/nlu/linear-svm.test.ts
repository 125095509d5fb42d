// One-vs-rest SVMs on synthetic sparse data, with and without the working-set path.

import { describe, expect, it } from 'vitest'
import { decisionValues, trainOneVsRest } from './linear-svm.ts'
import { createRng } from './random.ts'
import { type SparseVector, stackRows } from './sparse.ts'

/** Each class owns a few "signal" features; every row also carries random noise features. */
function synthetic(classes: number, perClass: number, seed: number) {
  const rng = createRng(seed)
  const rows: SparseVector[] = []
  const labels: number[] = []
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const weights = new Map<number, number>()
      weights.set(k * 3 + Math.floor(rng() * 3), 1)
      for (let j = 0; j < 4; j++) weights.set(classes * 3 + Math.floor(rng() * 50), 0.5)
      const indices = Int32Array.from(weights.keys()).sort()
      const values = Float32Array.from(indices, (f) => weights.get(f)!)
      rows.push({ indices, values })
      labels.push(k)
    }
  }
  return { x: stackRows(rows, classes * 3 + 50), labels: Int32Array.from(labels), rows }
}

function accuracy(model: ReturnType<typeof trainOneVsRest>, rows: SparseVector[], labels: Int32Array) {
  let right = 0
  rows.forEach((row, i) => {
    const s = decisionValues(model, row)
    let best = 0
    for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k
    if (best === labels[i]) right++
  })
  return right / rows.length
}

describe('trainOneVsRest', () => {
  it('separates classes by their signal features', () => {
    const train = synthetic(4, 30, 1)
    const test = synthetic(4, 20, 2)
    const model = trainOneVsRest(train.x, train.labels, 4)
    expect(model.weights.length).toBe(train.x.columns * 4)
    expect(accuracy(model, test.rows, test.labels)).toBeGreaterThan(0.95)
  })

  it('keeps its accuracy when only a working set of negatives is solved first', () => {
    // 40 classes x 30 rows: each class has far more than 500 negatives, so the working set is used.
    const train = synthetic(40, 30, 3)
    const test = synthetic(40, 10, 4)
    const model = trainOneVsRest(train.x, train.labels, 40, { negativesPerPositive: 2 })
    expect(accuracy(model, test.rows, test.labels)).toBeGreaterThan(0.95)
  })

  it('is deterministic for a given seed', () => {
    const train = synthetic(3, 20, 5)
    const a = trainOneVsRest(train.x, train.labels, 3, { seed: 9 })
    const b = trainOneVsRest(train.x, train.labels, 3, { seed: 9 })
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights))
  })
})
