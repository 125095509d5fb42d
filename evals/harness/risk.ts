// The one walk behind every threshold choice: answers sorted by confidence, and at each distinct
// confidence how many are at or above it and how many of those were wrong (ties move together: a
// threshold cannot split equal confidences). The coverage-risk curve is this walk; calibration picks
// the lowest point within the risk target.

export interface ScoredAnswer {
  confidence: number
  /** Sending it would have been right. */
  right: boolean
}

export interface ThresholdPoint {
  threshold: number
  taken: number
  wrong: number
}

export function riskByThreshold(answers: readonly ScoredAnswer[]): ThresholdPoint[] {
  const sorted = [...answers].sort((a, b) => b.confidence - a.confidence)
  const points: ThresholdPoint[] = []
  let wrong = 0
  sorted.forEach((a, i) => {
    if (!a.right) wrong++
    if (sorted[i + 1]?.confidence !== a.confidence)
      points.push({ threshold: a.confidence, taken: i + 1, wrong })
  })
  return points
}

/** The lowest threshold whose answers at or above it are wrong at most `maxRisk` of the time; 1 (nothing taken) when none is. */
export function lowestSafeThreshold(answers: readonly ScoredAnswer[], maxRisk: number): ThresholdPoint {
  return (
    riskByThreshold(answers).findLast((p) => p.wrong / p.taken <= maxRisk) ?? {
      threshold: 1,
      taken: 0,
      wrong: 0,
    }
  )
}

/** Upper end of the 95% Wilson score interval for `k` errors in `n` trials (1 when n = 0). */
export function wilsonUpper(k: number, n: number, z = 1.96): number {
  if (n === 0) return 1
  const p = k / n
  const denominator = 1 + (z * z) / n
  const centre = p + (z * z) / (2 * n)
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return Math.min(1, (centre + spread) / denominator)
}
