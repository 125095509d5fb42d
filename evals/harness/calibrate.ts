// Threshold calibration: per agent, the lowest auto threshold whose automatic Library answers stay
// within the risk target on the dataset. Candidates are the answers the auto threshold alone decides
// (see `thresholdCandidate`); the review threshold is kept unless it would rise above auto.
import type { CalibratedGate } from '../../agents/calibrated-gates.ts'
import type { GateConfig } from '../../agents/gate.ts'
import { round, type ScoredTurn, thresholdCandidate } from './metrics.ts'
import { lowestSafeThreshold, wilsonUpper } from './risk.ts'

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
    if (c) byAgent.set(agent, [...(byAgent.get(agent) ?? []), c])
  }
  return [...byAgent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([agent, candidates]) => {
      const { threshold: auto, taken: sent, wrong } = lowestSafeThreshold(candidates, maxRisk)
      const { review } = current(agent)
      return {
        agent,
        auto: round(auto, 4),
        review: Math.min(review, round(auto, 4)),
        candidates: candidates.length,
        coverage: round(sent / Math.max(1, decided.get(agent) ?? 0), 4),
        risk: round(sent === 0 ? 0 : wrong / sent, 4),
        riskUpper95: round(wilsonUpper(wrong, sent), 4),
        sent,
        wrong,
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
