// The public API for agents: an agent says which messages it handles (labels of the triage heads)
// and how it answers one turn. It reads what it needs through the services (model, Library, read-only
// tools) and returns an outcome: a gated action, the reply, the world-changing tools it wants run if
// that action is accepted, and what it wants to remember next turn. It never sends or writes itself.
//
//   const billing = defineAgent({
//     name: 'billing',
//     description: 'Invoices, charges and payment methods',
//     handles: { category: ['billing_inquiry'], intent: ['support'] },
//     async run(turn, services) { … return { action: 'auto', confidence, reason, reply } },
//   })
import { z } from 'zod'
import { AtlasError } from '../common/errors.ts'
import type { Citation } from '../drizzle/schema/conversations.ts'
import type { ProposedToolCall } from '../machines/ticket.machine.ts'
import type { GateAction, GateConfig } from './gate.ts'
import type { AgentModel, Triage, TurnMessage } from './model.ts'
import type { Retrieval } from './retrieval.ts'

export interface AgentTurn {
  tenantId: string
  conversationId: string
  ticket: { id: string; number: string }
  /** The channel the customer writes on (widget, email, whatsapp …). */
  channel: string
  /** What the customer said this turn: every message since the last reply. */
  message: string
  /** The conversation before this turn, oldest first. */
  history: TurnMessage[]
  contact: { id: string; name: string | null; email: string | null }
  triage: Triage
  /** What this agent remembered from its previous turns on this ticket. */
  memory: Record<string, unknown>
}

export interface AgentServices {
  model: AgentModel
  gate: GateConfig
  /** Hybrid Library search for this tenant. */
  retrieve(query: string): Promise<Retrieval>
  /** The calibrated probability that a retrieval's best passage answers the message (what the gate takes). */
  answerConfidence(retrieval: Retrieval): number
  /** Read-only tools (customer_lookup, customer_health …), validated like any tool call. */
  callTool(name: string, input: Record<string, unknown>): Promise<unknown>
  settings: AgentSettings
}

export interface AgentSettings {
  /** Where Loot sends qualified leads to book a demo. */
  demoBookingUrl: string
  /** Sent for messages that have nothing to do with the product (greetings, chit-chat). */
  scopeMessage: string
}

export interface AgentOutcome {
  action: GateAction
  confidence: number
  reason: string
  /** The answer (auto/review) or the notice to the customer (escalate). */
  reply: { body: string; citations: Citation[] } | null
  /** World-changing tools to run if the decision is accepted (auto or escalate), never on review. */
  toolCalls?: ProposedToolCall[]
  /** What to remember for the next turn (replaces this agent's memory). */
  memory?: Record<string, unknown>
  scores?: Record<string, unknown>
  /** Read-only tools called while deciding. */
  toolsUsed?: string[]
  /**
   * The ticket's classification when this turn's message does not carry it (the reply to "what is
   * your email?" is not a billing inquiry; the request before it was).
   */
  labels?: { category: string; intent: string; urgency: string }
}

/** Which messages an agent takes: each listed head must have one of the listed labels. */
export interface AgentHandles {
  intent?: readonly string[]
  category?: readonly string[]
  action?: readonly string[]
}

export interface AgentDefinition {
  name: string
  description: string
  handles: AgentHandles
  run(turn: AgentTurn, services: AgentServices): Promise<AgentOutcome>
}

/** What an agent may be called (routes in eval cases name agents too). */
export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,39}$/

const NameSchema = z.string().regex(AGENT_NAME_PATTERN, 'use 2–40 lowercase letters, digits, _ or -')

export function defineAgent(definition: AgentDefinition): AgentDefinition {
  const name = NameSchema.safeParse(definition.name)
  if (!name.success)
    throw new AtlasError(
      'config_invalid',
      `Agent name "${definition.name}": ${name.error.issues[0]!.message}`,
    )
  if (!definition.handles.intent && !definition.handles.category && !definition.handles.action) {
    throw new AtlasError('config_invalid', `Agent ${definition.name} must say which messages it handles`)
  }
  return definition
}

/**
 * How well an agent's `handles` fits a triage: the product, over the heads it constrains, of the
 * probability mass of its labels. More constrained heads = a more specific agent.
 */
export function routeScore(handles: AgentHandles, triage: Triage): { score: number; specificity: number } {
  let score = 1
  let specificity = 0
  for (const head of ['intent', 'category', 'action'] as const) {
    const labels = handles[head]
    if (!labels) continue
    specificity++
    const ranking = triage[head].ranking
    const mass = ranking.filter((r) => labels.includes(r.label)).reduce((sum, r) => sum + r.probability, 0)
    score *= Math.min(1, mass)
  }
  return { score, specificity }
}
