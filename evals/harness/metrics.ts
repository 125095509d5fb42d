// Metrics over every scored turn of a run (all repeats pooled): accuracy, macro-F1 and the confusion
// matrix per head, escalation precision and recall, citation grounding, the automatic answers' coverage
// and risk, expected calibration error, the gate's coverage-risk curve, latency and tokens.
import type { Expectation } from './case.ts'
import type { TurnResult } from './conversation.ts'
import { riskByThreshold, type ScoredAnswer } from './risk.ts'
import { type Check, predicted } from './scorers.ts'

export interface ScoredTurn {
  caseId: string
  turn: number
  expect: Expectation
  result: TurnResult
  checks: Check[]
}

export const HEADS = ['route', 'category', 'intent', 'urgency', 'action', 'gate'] as const
export type Head = (typeof HEADS)[number]

export interface HeadMetrics {
  /** Turns with an expectation for this head. */
  n: number
  accuracy: number | null
  macroF1: number | null
  labels: string[]
  /** confusion[gold][predicted], in `labels` order. */
  confusion: number[][]
}

export interface CurvePoint {
  threshold: number
  coverage: number
  risk: number
}

export interface EvalMetrics {
  turns: number
  heads: Record<Head, HeadMetrics>
  escalation: { precision: number | null; recall: number | null; n: number }
  grounding: { citedTurns: number; rate: number | null }
  /** Answers sent without a person, at the gate as configured. */
  automatic: { coverage: number; risk: number | null; count: number; wrong: number }
  calibration: {
    /** Library answers the auto threshold decides on. */
    n: number
    ece: number | null
    bins: Array<{ from: number; to: number; count: number; confidence: number; accuracy: number }>
  }
  coverageRisk: CurvePoint[]
  latency: { p50Ms: number; p95Ms: number; maxMs: number }
}

/** Decisions whose auto/review split is the auto threshold's alone (not urgency, not a human action). */
export const THRESHOLD_REASONS = new Set(['answered_from_library', 'needs_review', 'answered_and_qualifying'])

/** A Library answer the auto threshold decides on: its agent, confidence, and whether sending it was right. */
export function thresholdCandidate(t: ScoredTurn): (ScoredAnswer & { agent: string }) | null {
  const d = t.result.decision
  if (!d || !THRESHOLD_REASONS.has(d.reason) || !d.reply || d.reply.citations.length === 0) return null
  return { agent: d.agent, confidence: d.confidence, right: rightToSend(t) }
}

/** The threshold-decided answers of a run. */
export function thresholdCandidates(turns: readonly ScoredTurn[]): Array<ScoredAnswer & { agent: string }> {
  return turns.flatMap((t) => thresholdCandidate(t) ?? [])
}

/**
 * Would sending this turn's reply without a person have been right? Not when the case wants a person
 * to see it first; not when the reply says what it must not, cites what was not retrieved, proposes a
 * tool it must not, or answers from the wrong article or without what the answer must contain. A
 * question back (which team? which plan?) that lacks the expected answer is a missed answer — it
 * costs coverage, it is not an error.
 */
export function rightToSend(t: ScoredTurn): boolean {
  if (t.expect.gate && !t.expect.gate.includes('auto')) return false
  const answered = (t.result.decision?.reply?.citations.length ?? 0) > 0
  return t.checks.every((c) => {
    if (c.pass) return true
    if (c.name === 'cites' || c.name === 'include') return !answered
    return !HARMFUL.has(c.name)
  })
}

/** Failed checks that make a sent reply wrong whatever else it got right. */
const HARMFUL = new Set(['exclude', 'grounding', 'toolsNotCalled', 'error', 'privileged', 'leak', 'reveal'])

export function computeMetrics(turns: readonly ScoredTurn[]): EvalMetrics {
  const heads = Object.fromEntries(HEADS.map((h) => [h, headMetrics(turns, h)])) as Record<Head, HeadMetrics>

  let tp = 0
  let fp = 0
  let fn = 0
  let gated = 0
  for (const t of turns) {
    if (!t.expect.gate) continue
    gated++
    const gold = t.expect.gate[0] === 'escalate'
    const escalated = predicted(t.result).gate === 'escalate'
    if (gold && escalated) tp++
    else if (escalated) fp++
    else if (gold) fn++
  }

  const cited = turns.filter((t) => t.checks.some((c) => c.name === 'grounding'))
  const grounded = cited.filter((t) => t.checks.find((c) => c.name === 'grounding')!.pass)

  const sent = turns.filter((t) => t.result.decision?.action === 'auto')
  const wrong = sent.filter((t) => !rightToSend(t)).length

  const candidates = thresholdCandidates(turns)
  const latencies = turns
    .filter((t) => t.result.decision)
    .map((t) => t.result.latencyMs)
    .sort((a, b) => a - b)
  return {
    turns: turns.length,
    heads,
    escalation: { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), n: gated },
    grounding: { citedTurns: cited.length, rate: ratio(grounded.length, cited.length) },
    automatic: {
      coverage: ratio(sent.length, turns.length) ?? 0,
      risk: ratio(wrong, sent.length),
      count: sent.length,
      wrong,
    },
    calibration: calibration(candidates.map((c) => ({ p: c.confidence, y: c.right ? 1 : 0 }))),
    coverageRisk: coverageRiskCurve(turns),
    latency: {
      p50Ms: round(quantile(latencies, 0.5)),
      p95Ms: round(quantile(latencies, 0.95)),
      maxMs: round(latencies.at(-1) ?? 0),
    },
  }
}

function headMetrics(turns: readonly ScoredTurn[], head: Head): HeadMetrics {
  const pairs: Array<{ gold: string; got: string }> = []
  for (const t of turns) {
    const want = t.expect[head]
    if (want === undefined) continue
    const acceptable: readonly string[] = Array.isArray(want) ? want : [want as string]
    const got = predicted(t.result)[head] ?? 'none'
    // Any acceptable label is right: the gold label is the one predicted when acceptable, else the first.
    pairs.push({ gold: acceptable.includes(got) ? got : acceptable[0]!, got })
  }
  const labels = [...new Set(pairs.flatMap((p) => [p.gold, p.got]))].sort()
  const index = new Map(labels.map((l, i) => [l, i]))
  const confusion = labels.map(() => labels.map(() => 0))
  for (const p of pairs) confusion[index.get(p.gold)!]![index.get(p.got)!]!++
  const golds = [...new Set(pairs.map((p) => p.gold))]
  const f1s = golds.map((label) => {
    const i = index.get(label)!
    const tp = confusion[i]![i]!
    const predictedAs = confusion.reduce((s, row) => s + row[i]!, 0)
    const actual = confusion[i]!.reduce((s, x) => s + x, 0)
    const precision = predictedAs === 0 ? 0 : tp / predictedAs
    const recall = actual === 0 ? 0 : tp / actual
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  })
  return {
    n: pairs.length,
    accuracy: ratio(pairs.filter((p) => p.gold === p.got).length, pairs.length),
    macroF1: f1s.length === 0 ? null : round(f1s.reduce((s, x) => s + x, 0) / f1s.length, 4),
    labels,
    confusion,
  }
}

/** Expected calibration error over ten equal-width confidence bins, with the bins for a reliability plot. */
export function calibration(points: ReadonlyArray<{ p: number; y: number }>): EvalMetrics['calibration'] {
  const bins = Array.from({ length: 10 }, (_, i) => ({
    from: i / 10,
    to: (i + 1) / 10,
    count: 0,
    sp: 0,
    sy: 0,
  }))
  for (const { p, y } of points) {
    const bin = bins[Math.min(9, Math.floor(p * 10))]!
    bin.count++
    bin.sp += p
    bin.sy += y
  }
  const filled = bins.filter((b) => b.count > 0)
  const ece =
    points.length === 0
      ? null
      : round(
          filled.reduce(
            (s, b) => s + (b.count / points.length) * Math.abs(b.sp / b.count - b.sy / b.count),
            0,
          ),
          4,
        )
  return {
    n: points.length,
    ece,
    bins: filled.map((b) => ({
      from: b.from,
      to: b.to,
      count: b.count,
      confidence: round(b.sp / b.count, 4),
      accuracy: round(b.sy / b.count, 4),
    })),
  }
}

/**
 * The gate's coverage-risk curve: for each auto threshold, the share of all turns answered without a
 * person and the error rate among them. Threshold-decided Library answers move with the threshold;
 * every other automatic reply (scope replies, questions asked) is counted at every point.
 */
export function coverageRiskCurve(turns: readonly ScoredTurn[]): CurvePoint[] {
  const fixed = turns.filter((t) => t.result.decision?.action === 'auto' && !thresholdCandidate(t))
  const fixedWrong = fixed.filter((t) => !rightToSend(t)).length
  const candidates = thresholdCandidates(turns)
  const point = (threshold: number, taken: number, wrong: number): CurvePoint => {
    const n = fixed.length + taken
    return {
      threshold: round(threshold, 4),
      coverage: round(n / Math.max(1, turns.length), 4),
      risk: round(n === 0 ? 0 : (fixedWrong + wrong) / n, 4),
    }
  }
  return [
    point(1.0001, 0, 0),
    ...riskByThreshold(candidates).map((p) => point(p.threshold, p.taken, p.wrong)),
  ]
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round(a / b, 4)
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
