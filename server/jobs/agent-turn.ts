// Job: one agent turn. Read what the customer said since the last reply, let the agent decide, and
// hand the decision to the ticket. Model calls run here, outside any database transaction. A turn
// that fails on its last attempt escalates the ticket: a failed model call never drops a message.
import { and, desc, eq, ne, sql } from 'drizzle-orm'
import { decidedEvent } from '../../agents/decided-event.ts'
import type { AgentDecision, TurnInput } from '../../agents/router.ts'
import { AtlasError, isRetryable } from '../../common/errors.ts'
import { instruments } from '../../common/metrics.ts'
import { setSpanAttributes, withSpan } from '../../common/tracing.ts'
import { parseInput } from '../../common/validation.ts'
import type { Executor, Tx } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { actorSnapshots, tickets } from '../../drizzle/schema/tickets.ts'
import type { PersistedTicket } from '../../machines/actor-snapshot.ts'
import type { AgentTurnJob } from '../../machines/host/outbox.ts'
import type { TicketHost } from '../../machines/host/ticket-host.ts'
import type { AnyTool } from '../../tools/define-tool.ts'
import { bestPassageOf, logDecisionGap } from '../customer-success/knowledge-gaps.ts'
import { isLastAttempt, type JobContext, type JobHandler } from './context.ts'

export interface TurnAgent {
  readonly name: string
  run(input: TurnInput): Promise<AgentDecision>
}

/** The customer's words for one turn are capped: the latest messages matter most. */
const MAX_TURN_MESSAGES = 5
const MAX_TURN_CHARS = 2000

export function agentTurnHandler(
  context: JobContext,
  agent: TurnAgent,
  tools: readonly AnyTool[] = [],
): JobHandler<AgentTurnJob> {
  const { database, host, logger } = context
  return async (job) => {
    const { ticketId, turn } = job.data
    const [snapshot] = await database.db
      .select({ snapshot: actorSnapshots.snapshot })
      .from(actorSnapshots)
      .where(eq(actorSnapshots.actorId, ticketId))
    const persisted = snapshot?.snapshot as unknown as PersistedTicket | undefined
    if (persisted?.context.pendingTurn !== turn) return // superseded by a newer message or taken over

    try {
      const input = await turnInput(context, ticketId, persisted.context.memory ?? {})
      const started = performance.now()
      const decision = await withSpan(
        'agent.turn',
        { 'atlas.agent': agent.name, 'atlas.turn': turn, 'atlas.ticket.id': ticketId },
        async (span) => {
          const decided = await agent.run(input)
          setSpanAttributes(span, () => ({
            'gen_ai.agent.name': decided.agent,
            'gen_ai.request.model': decided.model,
            'atlas.gate.action': decided.action,
            'atlas.gate.reason': decided.reason,
            'atlas.gate.confidence': decided.confidence,
          }))
          return decided
        },
      )
      const latencyMs = performance.now() - started
      const outcome = { 'atlas.agent': decision.agent, 'atlas.gate.action': decision.action }
      instruments().triageDuration.record(latencyMs / 1000, outcome)
      instruments().gateOutcomes.add(1, outcome)
      checkProposals(decision, tools)
      await host.dispatch(ticketId, decidedEvent(decision, turn, latencyMs), {
        actor: { kind: 'bot', id: decision.agent },
        idempotencyKey: `turn:${turn}:decided`,
        within: async (tx: Tx, result) => {
          // A public mention: what kind it is, for the Community view.
          if (decision.scores.community) {
            await tx
              .update(conversations)
              .set({
                metadata: sql`${conversations.metadata} || ${JSON.stringify({ community: decision.scores.community })}::jsonb`,
              })
              .where(eq(conversations.id, input.conversationId))
          }
          // The customer answered the agent's hand-over form (the email it asked for): the person
          // who picks the ticket up gets a summary (the job skips short conversations).
          if (decision.scores.form && result.outcome === 'applied') {
            await context.outbox.summary(tx, { ticketId, reason: 'form', by: decision.agent, turn })
          }
          // A question the agent could not answer with confidence is a knowledge gap: logged here,
          // in the decision's transaction, so every held or escalated question is counted once.
          if (result.outcome === 'applied' && !decision.scores.form) {
            await logDecisionGap(tx, {
              tenantId: input.tenantId,
              ticketId,
              turn,
              question: input.message,
              action: decision.action,
              reason: decision.reason,
              confidence: decision.confidence,
              ...bestPassageOf(decision),
            })
          }
        },
      })
    } catch (error) {
      // Retry what may pass later (a rate limit, an outage); malformed output escalates at once.
      if (isRetryable(error) && !isLastAttempt(job)) throw error
      logger.error({ err: error, ticketId, turn }, 'agent turn failed for good: escalating')
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

/** A decision may only propose tools that exist, change the world, and get valid input. */
function checkProposals(decision: AgentDecision, tools: readonly AnyTool[]): void {
  for (const call of decision.toolCalls) {
    const tool = tools.find((t) => t.name === call.tool)
    if (!tool?.changesWorld) {
      throw new AtlasError(
        'model_malformed_output',
        `Agent ${decision.agent} proposed ${call.tool}, which is not a tool it may propose`,
      )
    }
    parseInput(
      tool.input,
      call.input,
      `input to ${call.tool} proposed by ${decision.agent}`,
      'model_malformed_output',
    )
  }
}

/** History shown to agents: the latest messages before this turn. */
const MAX_HISTORY = 10

async function turnInput(
  { database }: JobContext,
  ticketId: string,
  memory: Record<string, unknown>,
): Promise<TurnInput> {
  const db = database.db
  const [ticket] = await db
    .select({
      tenantId: tickets.tenantId,
      number: tickets.number,
      conversationId: tickets.conversationId,
      contactId: contacts.id,
      contactName: contacts.name,
      contactEmail: contacts.email,
      channel: channels.kind,
    })
    .from(tickets)
    .innerJoin(contacts, eq(contacts.id, tickets.contactId))
    .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(eq(tickets.id, ticketId))
  if (!ticket) throw new Error(`Ticket ${ticketId} does not exist`)
  const thread = await latestMessages(db, ticket.conversationId, MAX_HISTORY + MAX_TURN_MESSAGES)
  // This turn: the customer's messages on this ticket since the last reply.
  const lastReply = thread.findLastIndex((m) => m.direction === 'outbound')
  const unanswered = thread
    .slice(lastReply + 1)
    .filter((m) => m.direction === 'inbound' && m.ticketId === ticketId)
  const earlier = thread.slice(0, lastReply + 1).slice(-MAX_HISTORY)
  const text = unanswered
    .slice(-MAX_TURN_MESSAGES)
    .map((m) => m.body)
    .join('\n')
    .slice(-MAX_TURN_CHARS)
  return {
    tenantId: ticket.tenantId,
    conversationId: ticket.conversationId,
    ticket: { id: ticketId, number: `TKT-${ticket.number}` },
    channel: ticket.channel,
    message: text,
    history: earlier.map((m) => ({
      author: m.author === 'customer' ? 'customer' : m.author === 'human' ? 'human' : 'bot',
      body: m.body,
    })),
    contact: { id: ticket.contactId, name: ticket.contactName, email: ticket.contactEmail },
    memory,
  }
}

/**
 * The latest `limit` messages of a conversation, oldest first: what the customer, the bot and the
 * team said, and internal notes too when `internal` is set.
 */
export async function latestMessages(
  db: Executor,
  conversationId: string,
  limit: number,
  options: { internal?: boolean } = {},
): Promise<(typeof messages.$inferSelect)[]> {
  const thread = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        options.internal ? undefined : ne(messages.direction, 'internal'),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(limit)
  return thread.reverse()
}
