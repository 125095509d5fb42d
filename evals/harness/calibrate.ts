// Threshold calibration: per agent, the lowest auto threshold whose automatic Library answers stay
// within the risk target on the dataset. Candidates are the answers the auto threshold alone decides
// (see `thresholdCandidate`); the review threshold is kept unless it would rise above auto.
import type { CalibratedGate } from '../../agents/calibrated-gates.ts'
import type { GateConfig } from '../../agents/gate.ts'
import { rightToSend, type ScoredTurn, thresholdCandidate } from './metrics.ts'

export interface AgentCalibration {
  agent: string
  /** Lowest threshold meeting the target (1 when none does: nothing is sent automatically). */
  auto: number
  review: number
  candidates: number
  /** At the chosen threshold, over the agent's decided turns: share answered automatically, and their error. */
  coverage: number
  risk: number
  riskUpper95: number
  /** Automatic answers at the threshold, and how many were wrong. */
  sent: number
  wrong: number
}

export function calibrateThresholds(
  turns: readonly ScoredTurn[],
  maxRisk: number,
  current: (agent: string) => Pick<GateConfig, 'auto' | 'review'>,
): AgentCalibration[] {
  const byAgent = new Map<string, Array<{ confidence: number; right: boolean }>>()
  const decided = new Map<string, number>()
  for (const t of turns) {
    const agent = t.result.decision?.agent
    if (!agent) continue
    decided.set(agent, (decided.get(agent) ?? 0) + 1)
    const c = thresholdCandidate(t)
    if (c)
      byAgent.set(agent, [...(byAgent.get(agent) ?? []), { confidence: c.confidence, right: rightToSend(t) }])
  }
  return [...byAgent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([agent, candidates]) => {
      const sorted = [...candidates].sort((a, b) => b.confidence - a.confidence)
      let auto = 1
      let best = { sent: 0, wrong: 0 }
      let wrong = 0
      sorted.forEach((c, i) => {
        if (!c.right) wrong++
        // Ties move together: a threshold cannot split equal confidences.
        if (sorted[i + 1]?.confidence === c.confidence) return
        if (wrong / (i + 1) <= maxRisk) {
          auto = c.confidence
          best = { sent: i + 1, wrong }
        }
      })
      const { review } = current(agent)
      return {
        agent,
        auto: round(auto),
        review: Math.min(review, round(auto)),
        candidates: candidates.length,
        coverage: round(best.sent / Math.max(1, decided.get(agent) ?? 0)),
        risk: round(best.sent === 0 ? 0 : best.wrong / best.sent),
        riskUpper95: round(wilsonUpper(best.wrong, best.sent)),
        sent: best.sent,
        wrong: best.wrong,
      }
    })
}

export function toCalibratedGate(
  c: AgentCalibration,
  meta: { dataset: string; model: string; maxRisk: number },
): CalibratedGate {
  return {
    auto: c.auto,
    review: c.review,
    calibration: {
      ...meta,
      candidates: c.candidates,
      coverage: c.coverage,
      risk: c.risk,
      riskUpper95: c.riskUpper95,
      calibratedAt: new Date().toISOString(),
    },
  }
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

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000
}
