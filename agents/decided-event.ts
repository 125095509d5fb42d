// An agent's decision as the ticket machine's AGENT_DECIDED event: the agent-turn job dispatches it
// through the host, the eval harness applies it to the pure machine. One mapping, so both agree.
import { randomUUID } from 'node:crypto'
import type { TicketEvent } from '../machines/ticket.machine.ts'
import type { AgentDecision } from './router.ts'

export type AgentDecidedEvent = Extract<TicketEvent, { type: 'AGENT_DECIDED' }>

export function decidedEvent(decision: AgentDecision, turn: number, latencyMs: number): AgentDecidedEvent {
  return {
    type: 'AGENT_DECIDED',
    turn,
    decisionId: randomUUID(),
    agent: decision.agent,
    action: decision.action,
    confidence: decision.confidence,
    reason: decision.reason,
    category: decision.category,
    intent: decision.intent,
    urgency: decision.urgency,
    reply: decision.reply ? { messageId: randomUUID(), ...decision.reply } : null,
    draftId: decision.action === 'review' ? randomUUID() : null,
    model: decision.model,
    latencyMs,
    scores: { ...decision.scores, toolsUsed: decision.toolsUsed },
    memory: decision.memory,
    toolCalls: decision.toolCalls,
  }
}
