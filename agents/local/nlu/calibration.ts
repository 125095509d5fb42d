// Temperature scaling (Guo et al. 2017): one scalar T so that softmax(scores / T) matches how often
// held-out predictions are actually right. Fitted by golden-section search on the mean log-loss.

export interface ScoredExample {
  readonly scores: Float64Array
  /** Index of the true class within `scores`. */
  readonly truth: number
}

export function softmax(
  scores: ArrayLike<number>,
  temperature: number,
  out = new Float64Array(scores.length),
) {
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!
  let sum = 0
  for (let i = 0; i < scores.length; i++) {
    const e = Math.exp((scores[i]! - max) / temperature)
    out[i] = e
    sum += e
  }
  for (let i = 0; i < scores.length; i++) out[i]! /= sum
  return out
}

export function meanLogLoss(examples: readonly ScoredExample[], temperature: number): number {
  let total = 0
  for (const { scores, truth } of examples) {
    let max = Number.NEGATIVE_INFINITY
    for (const s of scores) if (s > max) max = s
    let sum = 0
    for (const s of scores) sum += Math.exp((s - max) / temperature)
    total += Math.log(sum) - (scores[truth]! - max) / temperature
  }
  return total / Math.max(1, examples.length)
}

/** Best temperature in [min, max] (searched on a log scale); falls back to `fallback` with no data. */
export function fitTemperature(
  examples: readonly ScoredExample[],
  min = 0.005,
  max = 20,
  fallback = 1,
): number {
  if (examples.length === 0) return fallback
  let lo = Math.log(min)
  let hi = Math.log(max)
  const phi = (Math.sqrt(5) - 1) / 2
  let a = hi - phi * (hi - lo)
  let b = lo + phi * (hi - lo)
  let fa = meanLogLoss(examples, Math.exp(a))
  let fb = meanLogLoss(examples, Math.exp(b))
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b
      b = a
      fb = fa
      a = hi - phi * (hi - lo)
      fa = meanLogLoss(examples, Math.exp(a))
    } else {
      lo = a
      a = b
      fa = fb
      b = lo + phi * (hi - lo)
      fb = meanLogLoss(examples, Math.exp(b))
    }
  }
  return Math.exp((lo + hi) / 2)
}
