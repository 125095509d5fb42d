// What each effect the ticket machine declares means in storage: rows written and jobs enqueued,
// all inside the transaction that persists the transition (a transactional outbox). No network I/O.
import { and, eq, sql } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import type { Tx } from '../../drizzle/database.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import { agentDecisions, drafts, tickets } from '../../drizzle/schema/tickets.ts'
import type { TicketEffect, TicketEffects } from '../ticket.machine.ts'
import type { CustomerSuccessEffects, EffectTicket } from './customer-success-effects.ts'
import type { Outbox } from './outbox.ts'
import type { ToolRunner } from './tool-runner.ts'

export interface EffectScope {
  tx: Tx
  outbox: Outbox
  tools: ToolRunner
  ticket: EffectTicket
  channelId: string
  now: Date
  success: CustomerSuccessEffects
}

type Runner<K extends keyof TicketEffects> = (scope: EffectScope, params: TicketEffects[K]) => Promise<void>

const runners: { [K in keyof TicketEffects]: Runner<K> } = {
  async startTurn({ tx, outbox, ticket }, { turn, messageId }) {
    await outbox.agentTurn(tx, { ticketId: ticket.id, turn, messageId })
  },

  async recordDecision({ tx, ticket }, decision) {
    await tx
      .insert(agentDecisions)
      .values({
        id: decision.decisionId,
        tenantId: ticket.tenantId,
        ticketId: ticket.id,
        turn: decision.turn,
        messageId: decision.messageId,
        agent: decision.agent,
        action: decision.action,
        confidence: decision.confidence,
        reason: decision.reason,
        category: decision.category,
        intent: decision.intent,
        urgency: decision.urgency,
        citations: decision.citations,
        scores: decision.scores,
        model: decision.model,
        latencyMs: Math.round(decision.latencyMs),
      })
      .onConflictDoNothing()
  },

  async queueReply(scope, reply) {
    const { tx, outbox, ticket, channelId } = scope
    let { body, citations } = reply
    if (reply.draftId && body === '') {
      // An approved draft goes out with the draft's own text and citations.
      const [draft] = await tx.select().from(drafts).where(eq(drafts.id, reply.draftId))
      if (!draft) throw new AtlasError('not_found', `Draft ${reply.draftId} does not exist`)
      body = draft.body
      citations = draft.citations
    }
    const inserted = await tx
      .insert(messages)
      .values({
        id: reply.messageId,
        tenantId: ticket.tenantId,
        conversationId: ticket.conversationId,
        channelId,
        ticketId: ticket.id,
        direction: 'outbound',
        author: reply.author,
        authorRef: reply.authorRef,
        body,
        citations,
        idempotencyKey: `${ticket.id}:${reply.idempotencyKey}`,
        deliveryStatus: 'queued',
        replyToId: reply.replyToId,
        kind: reply.template ? 'template' : 'text',
        metadata: reply.template ? { template: reply.template } : {},
      })
      .onConflictDoNothing()
      .returning({ id: messages.id })
    // Already queued under this key (a retried job): the first one is the reply, never send twice.
    if (inserted.length === 0) return
    await tx
      .update(tickets)
      .set({ firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, now())` })
      .where(eq(tickets.id, ticket.id))
    await outbox.delivery(tx, { ticketId: ticket.id, messageId: reply.messageId })
  },

  async storeDraft({ tx, ticket }, draft) {
    await tx
      .insert(drafts)
      .values({
        id: draft.draftId,
        tenantId: ticket.tenantId,
        ticketId: ticket.id,
        decisionId: draft.decisionId,
        body: draft.body,
        citations: draft.citations,
        confidence: draft.confidence,
        status: 'pending',
      })
      .onConflictDoNothing()
  },

  async settleDraft({ tx }, { draftId, status, by, sentMessageId }) {
    await tx
      .update(drafts)
      .set({ status, decidedBy: by, decidedAt: new Date(), sentMessageId })
      .where(and(eq(drafts.id, draftId), eq(drafts.status, 'pending')))
  },

  async scheduleTimer(scope, { timer, token, delaySeconds }) {
    const { tx, outbox, ticket, success } = scope
    const seconds = delaySeconds ?? (await success.timerDelay(scope, timer))
    // Turned off by the tenant: the token stays, but no job will ever present it.
    if (seconds === null) return
    await outbox.timer(
      tx,
      { ticketId: ticket.id, timer, token },
      new Date(scope.now.getTime() + seconds * 1000),
    )
  },

  slaClock: (scope, params) => scope.success.slaClock(scope, params),
  slaAlert: (scope, params) => scope.success.slaAlert(scope, params),
  followUp: (scope, params) => scope.success.followUp(scope, params),
  survey: (scope, params) => scope.success.survey(scope, params),
  notify: (scope, params) => scope.success.notify(scope, params),

  async addNote({ tx, ticket, channelId }, { messageId, text, by }) {
    await tx
      .insert(messages)
      .values({
        id: messageId,
        tenantId: ticket.tenantId,
        conversationId: ticket.conversationId,
        channelId,
        ticketId: ticket.id,
        direction: 'internal',
        author: 'human',
        authorRef: by,
        body: text,
        kind: 'note',
        idempotencyKey: `${ticket.id}:note:${messageId}`,
        deliveryStatus: 'received',
      })
      .onConflictDoNothing()
  },

  async summarize({ tx, outbox, ticket }, { reason, by, turn }) {
    await outbox.summary(tx, { ticketId: ticket.id, reason, by, turn })
  },

  async route({ tx, outbox, ticket }) {
    await outbox.route(tx, { ticketId: ticket.id })
  },

  async runTool({ tx, tools, ticket }, { tool, input, idempotencyKey }) {
    await tools.run(
      tx,
      { tool, input, idempotencyKey: `${ticket.id}:${idempotencyKey}` },
      {
        tenantId: ticket.tenantId,
        ticket: { id: ticket.id, conversationId: ticket.conversationId, contactId: ticket.contactId },
      },
    )
  },
}

export async function runEffect(scope: EffectScope, effect: TicketEffect): Promise<void> {
  const run = runners[effect.type] as Runner<typeof effect.type>
  await run(scope, effect.params as never)
}
