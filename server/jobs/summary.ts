// Job: an AI-assist summary for the person who now has the conversation (a take-over from the bot,
// a transfer between people, a hand-over form the customer answered). It is written as one internal
// note (never sent to the customer) under a key per ticket, reason and turn, so a retried job writes
// it once. Conversations with fewer than five messages get none: reading them is quicker.
import { and, count, desc, eq, inArray, ne } from 'drizzle-orm'
import { type Assist, summarizeConversation } from '../../agents/assist/index.ts'
import type { ModelUsage } from '../../agents/model.ts'
import type { Executor } from '../../drizzle/database.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import type { SummaryJob } from '../../machines/host/outbox.ts'
import { latestMessages } from './agent-turn.ts'
import type { JobContext, JobHandler } from './context.ts'

/** Customer, bot and team messages a conversation needs before it is worth summarising. */
export const MIN_SUMMARY_MESSAGES = 5
/** The latest messages a summary reads. */
const MAX_SUMMARY_MESSAGES = 80
/** `authorRef` and `kind` of the internal message a summary is stored as. */
export const SUMMARY_AUTHOR_REF = 'assist'
export const SUMMARY_KIND = 'summary'

/** The job's reasons, and `manual`: an operator asked for one. */
export type SummaryReason = SummaryJob['reason'] | 'manual'

export interface SummaryRequest {
  ticketId: string
  reason: SummaryReason
  by: string
  /** One summary per key and conversation, however often it is asked for. */
  idempotencyKey: string
}

export type SummaryOutcome =
  | { outcome: 'written' | 'exists'; summary: StoredSummary }
  | { outcome: 'too_few_messages'; messages: number; conversationId: string }
  | { outcome: 'no_ticket' }

export interface StoredSummary {
  messageId: string
  ticketId: string | null
  conversationId: string
  text: string
  bullets: string[]
  provider: string
  model: string
  reason: string | null
  by: string | null
  /** Tokens the model used to write it (null for `local`). */
  usage: ModelUsage | null
  createdAt: Date
}

type MessageRow = typeof messages.$inferSelect

/** The key a job's summary is stored under: one per ticket, reason and agent turn. */
export function summaryKey(job: Pick<SummaryJob, 'ticketId' | 'reason' | 'turn'>): string {
  return `${job.ticketId}:summary:${job.reason}:${job.turn}`
}

export function summaryHandler(context: JobContext, assist: Assist): JobHandler<SummaryJob> {
  const { database, logger } = context
  return async (job) => {
    const { ticketId, reason, by, turn } = job.data
    const result = await writeSummary(database.db, assist, {
      ticketId,
      reason,
      by,
      idempotencyKey: summaryKey(job.data),
    })
    switch (result.outcome) {
      case 'no_ticket':
        logger.warn({ ticketId, reason }, 'summary not written: the ticket no longer exists')
        return
      case 'too_few_messages':
        logger.info(
          { ticketId, reason, turn, messages: result.messages, required: MIN_SUMMARY_MESSAGES },
          `summary not written: the conversation has fewer than ${MIN_SUMMARY_MESSAGES} messages`,
        )
        return
      case 'exists':
        logger.info({ ticketId, reason, turn }, 'summary already written (a retried job)')
        return
      case 'written':
        logger.info(
          {
            ticketId,
            reason,
            turn,
            provider: result.summary.provider,
            model: result.summary.model,
            usage: result.summary.usage,
          },
          'summary written',
        )
        context.events?.publish(result.summary.conversationId)
    }
  }
}

/** Summarises the ticket's conversation and stores it as an internal message (once per key). */
export async function writeSummary(
  db: Executor,
  assist: Assist,
  request: SummaryRequest,
): Promise<SummaryOutcome> {
  const [ticket] = await db
    .select({
      id: tickets.id,
      tenantId: tickets.tenantId,
      number: tickets.number,
      status: tickets.status,
      queue: tickets.queue,
      conversationId: tickets.conversationId,
      channelId: conversations.channelId,
    })
    .from(tickets)
    .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
    .where(eq(tickets.id, request.ticketId))
  if (!ticket) return { outcome: 'no_ticket' }
  const key = request.idempotencyKey
  const existing = await storedUnder(db, ticket.conversationId, key)
  // Written by an earlier attempt: no second model call.
  if (existing) return { outcome: 'exists', summary: existing }

  const said = await countConversationMessages(db, ticket.conversationId)
  if (said < MIN_SUMMARY_MESSAGES) {
    return { outcome: 'too_few_messages', messages: said, conversationId: ticket.conversationId }
  }
  const thread = await latestMessages(db, ticket.conversationId, MAX_SUMMARY_MESSAGES, { internal: true })
  const provider = await assist.providerFor(ticket.tenantId)
  const summary = await summarizeConversation(
    // Earlier summaries are not part of the conversation.
    thread.filter((m) => m.kind !== SUMMARY_KIND),
    {
      provider,
      model: assist.model,
      logger: assist.logger,
      context: {
        ticketNumber: `TKT-${ticket.number}`,
        status: ticket.status,
        queue: ticket.queue,
        reason: request.reason,
      },
    },
  )
  const inserted = await db
    .insert(messages)
    .values({
      tenantId: ticket.tenantId,
      conversationId: ticket.conversationId,
      channelId: ticket.channelId,
      ticketId: ticket.id,
      direction: 'internal',
      author: 'system',
      authorRef: SUMMARY_AUTHOR_REF,
      body: summary.text,
      kind: SUMMARY_KIND,
      idempotencyKey: key,
      deliveryStatus: 'received',
      metadata: {
        reason: request.reason,
        by: request.by,
        provider: summary.provider,
        model: summary.model,
        bullets: summary.bullets,
        messages: said,
        ...(summary.usage ? { usage: summary.usage } : {}),
        ...(summary.fallback ? { fallback: summary.fallback } : {}),
      },
    })
    .onConflictDoNothing()
    .returning()
  if (inserted[0]) return { outcome: 'written', summary: summaryView(inserted[0]) }
  // Another attempt wrote it a moment ago.
  const raced = await storedUnder(db, ticket.conversationId, key)
  return raced ? { outcome: 'exists', summary: raced } : { outcome: 'no_ticket' }
}

/** Customer, bot and team messages of a conversation (internal notes and system lines do not count). */
async function countConversationMessages(db: Executor, conversationId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        ne(messages.direction, 'internal'),
        inArray(messages.author, ['customer', 'bot', 'human']),
      ),
    )
  return Number(row?.n ?? 0)
}

/** The latest summary written for a ticket, or null. */
export async function latestSummary(db: Executor, ticketId: string): Promise<StoredSummary | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.ticketId, ticketId),
        eq(messages.direction, 'internal'),
        eq(messages.kind, SUMMARY_KIND),
        eq(messages.authorRef, SUMMARY_AUTHOR_REF),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(1)
  return row ? summaryView(row) : null
}

async function storedUnder(db: Executor, conversationId: string, key: string): Promise<StoredSummary | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.idempotencyKey, key)))
  return row ? summaryView(row) : null
}

function summaryView(row: MessageRow): StoredSummary {
  const meta = row.metadata
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  return {
    messageId: row.id,
    ticketId: row.ticketId,
    conversationId: row.conversationId,
    text: row.body,
    bullets: Array.isArray(meta.bullets)
      ? meta.bullets.filter((b): b is string => typeof b === 'string')
      : row.body.split('\n').map((l) => l.replace(/^- /, '')),
    provider: text(meta.provider) ?? 'local',
    model: text(meta.model) ?? text(meta.provider) ?? 'local',
    reason: text(meta.reason),
    by: text(meta.by),
    usage: isUsage(meta.usage) ? meta.usage : null,
    createdAt: row.createdAt,
  }
}

function isUsage(value: unknown): value is ModelUsage {
  const u = value as Partial<ModelUsage> | null
  return (
    typeof u === 'object' &&
    u !== null &&
    typeof u.promptTokens === 'number' &&
    typeof u.completionTokens === 'number'
  )
}
