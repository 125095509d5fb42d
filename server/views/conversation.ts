// Read models for the API: a conversation with its messages, ticket, the agent's latest decision,
// the pending draft and the audit trail, all scoped to one tenant.
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { attachments, conversations, messages } from '../../drizzle/schema/conversations.ts'
import { agentDecisions, drafts, ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'

export const ticketNumber = (n: number) => `TKT-${n}`

type TicketRow = typeof tickets.$inferSelect

export function ticketSummary(t: TicketRow) {
  return {
    id: t.id,
    number: ticketNumber(t.number),
    status: t.status,
    owner: t.owner,
    assignee: t.assignee,
    agent: t.agent,
    queue: t.queue,
    subject: t.subject,
    category: t.category,
    intent: t.intent,
    urgency: t.urgency,
    priority: t.priority,
    tags: t.tags,
    version: t.version,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    firstResponseAt: t.firstResponseAt,
    resolvedAt: t.resolvedAt,
    closedAt: t.closedAt,
  }
}

/** Runs several reads on one snapshot, so a ticket, its draft and its messages agree with each other. */
export function consistentRead<T>(db: Executor, read: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction((tx) => read(tx), { isolationLevel: 'repeatable read', accessMode: 'read only' })
}

export function conversationView(db: Executor, tenantId: string, conversationId: string) {
  return consistentRead(db, (tx) => readConversation(tx, tenantId, conversationId))
}

async function readConversation(db: Executor, tenantId: string, conversationId: string) {
  const [row] = await db
    .select({ conversation: conversations, channel: channels, contact: contacts })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.id, conversationId), eq(conversations.tenantId, tenantId)))
  if (!row) throw new AtlasError('not_found', `Conversation ${conversationId} does not exist`)

  const thread = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.direction))
  const files = thread.length
    ? await db
        .select()
        .from(attachments)
        .where(
          inArray(
            attachments.messageId,
            thread.map((m) => m.id),
          ),
        )
        .orderBy(asc(attachments.createdAt))
    : []
  const allTickets = await db
    .select()
    .from(tickets)
    .where(eq(tickets.conversationId, conversationId))
    .orderBy(desc(tickets.createdAt))
  // The live ticket if there is one, else the most recent.
  const ticket = allTickets.find((t) => t.status !== 'closed') ?? allTickets[0] ?? null
  const details = ticket ? await ticketDetails(db, ticket) : { decision: null, draft: null, audit: [] }

  return {
    conversation: {
      id: row.conversation.id,
      channel: { id: row.channel.id, kind: row.channel.kind, key: row.channel.key, name: row.channel.name },
      contact: {
        id: row.contact.id,
        name: row.contact.name,
        email: row.contact.email,
        phone: row.contact.phone,
      },
      metadata: row.conversation.metadata,
      inbox: row.conversation.inbox,
      windowExpiresAt: row.conversation.windowExpiresAt,
      createdAt: row.conversation.createdAt,
      lastMessageAt: row.conversation.lastMessageAt,
    },
    messages: thread.map((m) => ({
      id: m.id,
      ticketId: m.ticketId,
      direction: m.direction,
      author: m.author,
      authorRef: m.authorRef,
      kind: m.kind,
      body: m.body,
      fullBody: m.fullBody,
      citations: m.citations,
      deliveryStatus: m.deliveryStatus,
      deliveryError: m.deliveryError,
      replyToId: m.replyToId,
      attachments: files
        .filter((f) => f.messageId === m.id)
        .map((f) => ({
          id: f.id,
          kind: f.kind,
          filename: f.filename,
          mimeType: f.mimeType,
          size: f.size,
          // Null while the media job is still fetching it from the provider.
          url: f.storageKey ? `/v1/attachments/${f.id}` : null,
        })),
      createdAt: m.createdAt,
      sentAt: m.sentAt,
    })),
    ticket: ticket ? ticketSummary(ticket) : null,
    tickets: allTickets.map((t) => ({ id: t.id, number: ticketNumber(t.number), status: t.status })),
    ...details,
  }
}

export async function ticketDetails(db: Executor, ticket: TicketRow) {
  const [decision] = await db
    .select()
    .from(agentDecisions)
    .where(eq(agentDecisions.ticketId, ticket.id))
    .orderBy(desc(agentDecisions.turn))
    .limit(1)
  const [draft] = await db
    .select()
    .from(drafts)
    .where(and(eq(drafts.ticketId, ticket.id), eq(drafts.status, 'pending')))
    .orderBy(desc(drafts.createdAt))
    .limit(1)
  const audit = await db
    .select()
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticket.id))
    .orderBy(asc(ticketEvents.seq))
  return {
    decision: decision
      ? {
          id: decision.id,
          turn: decision.turn,
          agent: decision.agent,
          action: decision.action,
          confidence: decision.confidence,
          reason: decision.reason,
          citations: decision.citations,
          category: decision.category,
          intent: decision.intent,
          urgency: decision.urgency,
          model: decision.model,
          latencyMs: decision.latencyMs,
          scores: decision.scores,
          createdAt: decision.createdAt,
        }
      : null,
    draft: draft
      ? {
          id: draft.id,
          body: draft.body,
          citations: draft.citations,
          confidence: draft.confidence,
          createdAt: draft.createdAt,
        }
      : null,
    audit: audit.map((e) => ({
      seq: e.seq,
      type: e.type,
      actor: { kind: e.actorKind, id: e.actorId },
      outcome: e.outcome,
      before: e.before,
      after: e.after,
      effects: e.effects,
      payload: e.payload,
      at: e.createdAt,
    })),
  }
}
