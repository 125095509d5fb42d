// The out-of-scope rule. Novelty = how badly the lexical model matches the wording (minus its best
// score) plus how much of it was never seen in training; the default threshold sits a fixed number
// of standard deviations above the novelty of held-out in-scope probe messages, and a logistic fit
// against pseudo-out-of-scope probes maps novelty to a 0..1 score. With a validation set holding
// real out-of-scope rows, the threshold maximises accuracy on it instead.

/** Weight of the unseen-token share in the novelty score (tuned on CLINC150 val, see README). */
export const UNSEEN_WEIGHT = 0.5

export interface OosModel {
  /** oosScore = sigmoid(scale * novelty + offset). */
  readonly scale: number
  readonly offset: number
}

export interface HeldOutRecord {
  readonly lexicalMax: number
  readonly unseen: number
  /** Calibrated probability of the predicted label. */
  readonly confidence: number
  /** Whether the predicted label is right; always false for out-of-scope records. */
  readonly correct: boolean
  readonly outOfScope: boolean
}

export function novelty(lexicalMax: number, unseen: number): number {
  return -lexicalMax + UNSEEN_WEIGHT * unseen
}

export function oosScore(model: OosModel, lexicalMax: number, unseen: number): number {
  return 1 / (1 + Math.exp(-(model.scale * novelty(lexicalMax, unseen) + model.offset)))
}

/**
 * Class-balanced one-feature logistic regression of "out of scope" on novelty (Newton's method).
 * Without out-of-scope records (a two-label head, where no class can be hidden) the scale comes from
 * the spread of in-scope novelty, centred two standard deviations above its mean.
 */
export function fitOosModel(records: readonly HeldOutRecord[]): OosModel {
  const xs = records.map((r) => novelty(r.lexicalMax, r.unseen))
  const pos = records.filter((r) => r.outOfScope).length
  const neg = records.length - pos
  const inScope = xs.filter((_, i) => !records[i]!.outOfScope)
  const mean = inScope.reduce((s, x) => s + x, 0) / Math.max(1, inScope.length)
  const sd = Math.sqrt(inScope.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, inScope.length)) || 1
  const fallback = { scale: 2 / sd, offset: (-2 / sd) * (mean + 2 * sd) }
  if (pos === 0 || neg === 0) return fallback
  let a = 0
  let b = 0
  const ridge = 1e-4
  for (let iter = 0; iter < 50; iter++) {
    let ga = ridge * a
    let gb = ridge * b
    let haa = ridge
    let hab = 0
    let hbb = ridge
    records.forEach((r, i) => {
      const x = xs[i]!
      const p = 1 / (1 + Math.exp(-(a * x + b)))
      const w = r.outOfScope ? 0.5 / pos : 0.5 / neg
      const g = w * (p - (r.outOfScope ? 1 : 0))
      const h = w * p * (1 - p)
      ga += g * x
      gb += g
      haa += h * x * x
      hab += h * x
      hbb += h
    })
    const det = haa * hbb - hab * hab
    if (Math.abs(det) < 1e-18) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    a -= da
    b -= db
    if (Math.abs(da) + Math.abs(db) < 1e-9) break
  }
  return a > 0 && Number.isFinite(a) && Number.isFinite(b) ? { scale: a, offset: b } : fallback
}

/**
 * Default rule from training data alone: refuse a message whose novelty lies more than `sigmas`
 * standard deviations above the mean novelty of held-out in-scope probe messages (returned on the
 * oosScore scale). Mean and spread use every held-out record, so the rule is far steadier than a
 * far-tail quantile; real in-scope traffic is a little less familiar than rows held out of the same
 * collection, so the share refused on new traffic runs somewhat above the Gaussian tail.
 */
export function probeOosThreshold(
  model: OosModel,
  records: readonly HeldOutRecord[],
  sigmas: number,
): number {
  const xs = records.filter((r) => !r.outOfScope).map((r) => novelty(r.lexicalMax, r.unseen))
  if (xs.length === 0) return 0.5
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length)
  return 1 / (1 + Math.exp(-(model.scale * (mean + sigmas * sd) + model.offset)))
}

function nextUp(x: number): number {
  return x + Math.max(1e-12, Math.abs(x) * 1e-9)
}

/**
 * Validation rule: the threshold that maximises accuracy, out-of-scope counted as a class, with
 * in-scope and out-of-scope rows reweighted to a traffic mix where a share `oosRate` is out of scope
 * (use the set's own share to maximise its plain accuracy). Rejected when score >= threshold.
 */
export function accuracyOosThreshold(
  records: readonly HeldOutRecord[],
  scores: readonly number[],
  oosRate: number,
): number {
  const inCount = records.filter((r) => !r.outOfScope).length
  const outCount = records.length - inCount
  if (inCount === 0 || outCount === 0) return Math.max(...scores) + 1e-9
  const wIn = (1 - oosRate) / inCount
  const wOut = oosRate / outCount
  // Sweep from the top: lowering the threshold past a score refuses that record.
  const events = records
    .map((r, i): [number, number] => [scores[i]!, r.outOfScope ? wOut : r.correct ? -wIn : 0])
    .sort((x, y) => y[0] - x[0])
  let gain = 0
  let best = 0
  let threshold = nextUp(events[0]![0])
  for (let i = 0; i < events.length; ) {
    const s = events[i]![0]
    while (i < events.length && events[i]![0] === s) gain += events[i++]![1]
    if (gain > best + 1e-12) {
      best = gain
      threshold = s
    }
  }
  return threshold
}

/**
 * Lowest confidence at which the automatically handled in-scope records are expected to be wrong at
 * most `targetRisk` of the time. The expected error of a record is 1 − its calibrated confidence,
 * which is much steadier than counting the few actual errors among the most confident records.
 * Out-of-scope records are left out: pseudo-out-of-scope probes are hidden sibling classes that a
 * small head (4-5 labels) must confidently misfile; leakage is the out-of-scope rule's job.
 */
export function probeAutoThreshold(
  records: readonly HeldOutRecord[],
  refused: readonly boolean[],
  targetRisk: number,
): number {
  const handled = records
    .filter((r, i) => !r.outOfScope && !refused[i])
    .sort((a, b) => b.confidence - a.confidence)
  let expectedErrors = 0
  let threshold = 1
  handled.forEach((r, k) => {
    expectedErrors += 1 - r.confidence
    if (handled[k + 1]?.confidence === r.confidence) return
    if (expectedErrors / (k + 1) <= targetRisk) threshold = r.confidence
  })
  return threshold
}

/**
 * On a validation set of real traffic: the lowest confidence at which the automatically handled rows
 * are wrong at most `targetRisk` of the time, counting out-of-scope rows that slip through as wrong.
 */
export function validationAutoThreshold(
  records: readonly HeldOutRecord[],
  refused: readonly boolean[],
  targetRisk: number,
): number {
  const handled = records.filter((_, i) => !refused[i]).sort((a, b) => b.confidence - a.confidence)
  let wrong = 0
  let threshold = 1
  handled.forEach((r, k) => {
    if (!r.correct) wrong++
    if (handled[k + 1]?.confidence === r.confidence) return
    if (wrong / (k + 1) <= targetRisk) threshold = r.confidence
  })
  return threshold
}
