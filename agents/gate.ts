// The confidence gate: configuration, not prompts. It turns the triage, the retrieval and the
// composed reply into one of three actions — `auto` (send), `review` (a draft waits for a human's
// approval) or `escalate` (a human takes it) — with the confidence and the reason, both recorded.
import type { GateAction } from '../drizzle/schema/tickets.ts'
import type { Passage } from '../tools/library-search.ts'
import { HUMAN_ACTIONS } from './labels.ts'
import type { Triage } from './model.ts'

export type { GateAction } from '../drizzle/schema/tickets.ts'

export interface GateConfig {
  /** Answer confidence at or above which the reply is sent without a human. */
  auto: number
  /** Answer confidence at or above which a draft is prepared for approval; below it, escalate. */
  review: number
  /** Ambiguity margin: the best `action` label must lead the second by this much to send alone. */
  minMargin: number
  /** `action` labels that only a human may handle (refunds, cancellations …). */
  humanActions: readonly string[]
  /** Probability of a human-only action at which the agent hands the message over. */
  humanActionThreshold: number
  /** Urgencies that a human always sees before anything is sent. */
  reviewUrgencies: readonly string[]
}

export const DEFAULT_GATE: GateConfig = {
  auto: 0.9,
  review: 0.45,
  minMargin: 0.1,
  humanActions: HUMAN_ACTIONS,
  humanActionThreshold: 0.5,
  reviewUrgencies: ['urgent'],
}

export interface GateInput {
  triage: Triage
  passages: Passage[]
  /** Calibrated probability that the best passage answers the message (see answer-confidence.ts). */
  answerConfidence: number
  hasReply: boolean
}

export interface GateDecision {
  action: GateAction
  confidence: number
  reason: string
}

export function decide(config: GateConfig, input: GateInput): GateDecision {
  const { triage } = input
  const action = triage.action
  // Requests only a human may act on are handed over however well the Library matches: the bot
  // never promises a refund, a cancellation or an account change it cannot make.
  if (config.humanActions.includes(action.label) && action.confidence >= config.humanActionThreshold) {
    return { action: 'escalate', confidence: action.confidence, reason: `needs_human:${action.label}` }
  }
  if (!input.hasReply || input.passages.length === 0) {
    return { action: 'escalate', confidence: 1 - input.answerConfidence, reason: 'no_library_answer' }
  }
  // The chance this is a question the Library can answer at all, times the chance the passage answers it.
  const answerable = 1 - humanActionMass(config, triage)
  const confidence = clamp(answerable * input.answerConfidence)
  if (confidence < config.review) return { action: 'escalate', confidence, reason: 'low_confidence' }
  if (confidence < config.auto) return { action: 'review', confidence, reason: 'needs_review' }
  if (config.reviewUrgencies.includes(triage.urgency.label)) {
    return { action: 'review', confidence, reason: `urgent:${triage.urgency.label}` }
  }
  if (triage.action.margin < config.minMargin)
    return { action: 'review', confidence, reason: 'ambiguous_intent' }
  return { action: 'auto', confidence, reason: 'answered_from_library' }
}

/**
 * How likely the message asks for something only a person may do, summed over the human-only
 * actions (but `except`, e.g. the sales hand-over Loot handles itself), and the likeliest of them.
 * An agent that does not go through `decide` before replying hands over at `humanActionThreshold`.
 */
export function personNeeded(
  config: Pick<GateConfig, 'humanActions'>,
  triage: Triage,
  except: readonly string[] = [],
): { probability: number; label: string | null } {
  const human = triage.action.ranking.filter(
    (r) => config.humanActions.includes(r.label) && !except.includes(r.label),
  )
  return {
    probability: clamp(human.reduce((sum, r) => sum + r.probability, 0)),
    label: human[0]?.label ?? null,
  }
}

function humanActionMass(config: GateConfig, triage: Triage): number {
  const ranking = triage.action.ranking
  const mass = ranking
    .filter((r) => config.humanActions.includes(r.label))
    .reduce((sum, r) => sum + r.probability, 0)
  return clamp(mass)
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x))
}
