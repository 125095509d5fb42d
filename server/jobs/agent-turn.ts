// Job: one agent turn. Read what the customer said since the last reply, let the agent decide, and
// hand the decision to the ticket. Model calls run here, outside any database transaction. A turn
// that fails on its last attempt escalates the ticket: a failed model call never drops a message.
import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, gt } from 'drizzle-orm'
import type { AgentDecision, AgentInput } from '../../agents/atlas/graph.ts'
import { withSpan } from '../../common/tracing.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import { actorSnapshots, tickets } from '../../drizzle/schema/tickets.ts'
import type { PersistedTicket } from '../../machines/actor-snapshot.ts'
import type { AgentTurnJob } from '../../machines/host/outbox.ts'
import type { TicketHost } from '../../machines/host/ticket-host.ts'
import { isLastAttempt, type JobContext, type JobHandler } from './context.ts'

export interface TurnAgent {
  readonly name: string
  run(input: AgentInput): Promise<AgentDecision>
}

/** The customer's words for one turn are capped: the latest messages matter most. */
const MAX_TURN_MESSAGES = 5
const MAX_TURN_CHARS = 2000

export function agentTurnHandler(context: JobContext, agent: TurnAgent): JobHandler<AgentTurnJob> {
  const { database, host, logger } = context
  return async (job) => {
    const { ticketId, turn } = job.data
    const [snapshot] = await database.db
      .select({ snapshot: actorSnapshots.snapshot })
      .from(actorSnapshots)
      .where(eq(actorSnapshots.actorId, ticketId))
    const pendingTurn = (snapshot?.snapshot as unknown as PersistedTicket | undefined)?.context.pendingTurn
    if (pendingTurn !== turn) return // superseded by a newer message or taken over: nothing to decide

    try {
      const input = await turnInput(context, ticketId)
      const started = performance.now()
      const decision = await withSpan('agent.turn', { 'atlas.agent': agent.name, 'atlas.turn': turn }, () =>
        agent.run(input),
      )
      const latencyMs = performance.now() - started
      await host.dispatch(
        ticketId,
        {
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
          scores: { ...decision.scores, toolCalls: decision.toolCalls },
        },
        { actor: { kind: 'bot', id: decision.agent }, idempotencyKey: `turn:${turn}:decided` },
      )
    } catch (error) {
      if (!isLastAttempt(job)) throw error
      logger.error({ err: error, ticketId, turn }, 'agent turn failed on its last attempt: escalating')
      await reportTurnFailure(host, {
        ticketId,
        turn,
        error: (error as Error).message,
        reporter: 'agent-turn',
      })
    }
  }
}

/** The turn could not be decided: the ticket goes to people (the machine ignores a stale turn). */
export async function reportTurnFailure(
  host: TicketHost,
  failure: { ticketId: string; turn: number; error: string; reporter: string },
): Promise<void> {
  await host.dispatch(
    failure.ticketId,
    { type: 'AGENT_FAILED', turn: failure.turn, error: failure.error.slice(0, 500) },
    { actor: { kind: 'system', id: failure.reporter }, idempotencyKey: `turn:${failure.turn}:failed` },
  )
}

async function turnInput({ database }: JobContext, ticketId: string): Promise<AgentInput> {
  const db = database.db
  const [ticket] = await db
    .select({ tenantId: tickets.tenantId, contactName: contacts.name })
    .from(tickets)
    .innerJoin(contacts, eq(contacts.id, tickets.contactId))
    .where(eq(tickets.id, ticketId))
  if (!ticket) throw new Error(`Ticket ${ticketId} does not exist`)
  const [lastReply] = await db
    .select({ createdAt: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'outbound')))
    .orderBy(desc(messages.createdAt))
    .limit(1)
  const unanswered = await db
    .select({ body: messages.body })
    .from(messages)
    .where(
      and(
        eq(messages.ticketId, ticketId),
        eq(messages.direction, 'inbound'),
        ...(lastReply ? [gt(messages.createdAt, lastReply.createdAt)] : []),
      ),
    )
    .orderBy(asc(messages.createdAt))
  const text = unanswered
    .slice(-MAX_TURN_MESSAGES)
    .map((m) => m.body)
    .join('\n')
    .slice(-MAX_TURN_CHARS)
  return { tenantId: ticket.tenantId, message: text, contactName: ticket.contactName }
}
