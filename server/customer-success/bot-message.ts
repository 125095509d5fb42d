// A message the desk itself sends on a ticket (a follow-up reminder, the satisfaction question, a
// thank-you), queued like any reply: an outbound row and a delivery job in the caller's transaction.
// Outside a channel's messaging window WhatsApp takes only an approved template and Messenger or
// Instagram nothing; then nothing is queued and the caller is told why (it leaves a note for the
// team instead of failing silently).
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Tx } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import type { Outbox } from '../../machines/host/outbox.ts'
import type { MessageTemplate } from '../../machines/ticket.machine.ts'
import { windowClosesAt } from '../messaging-window.ts'

export interface BotMessage {
  ticketId: string
  conversationId: string
  tenantId: string
  body: string
  /** Sent instead of the text when the channel's window has closed. */
  template: { name: string; language: string } | null
  /** Unique per ticket: the same key never queues a second message. */
  key: string
  authorRef: string
  now: Date
}

export type Queued = { messageId: string; channel: string } | { skipped: string }

export async function queueBotMessage(tx: Tx, outbox: Outbox, message: BotMessage): Promise<Queued> {
  const [conversation] = await tx
    .select({
      channelId: conversations.channelId,
      kind: channels.kind,
      windowExpiresAt: conversations.windowExpiresAt,
      config: channels.config,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(eq(conversations.id, message.conversationId))
  if (!conversation) return { skipped: 'the conversation no longer exists' }
  if (conversation.kind === 'mentions') return { skipped: 'public social mentions get no automatic messages' }
  const closesAt = windowClosesAt(conversation)
  let template: MessageTemplate | undefined
  if (closesAt && closesAt <= message.now) {
    // Only WhatsApp takes a template once its window has closed; Messenger and Instagram take nothing.
    if (conversation.kind !== 'whatsapp')
      return {
        skipped: `the ${conversation.kind} window has closed: only the customer's next message reopens it`,
      }
    if (!message.template)
      return { skipped: 'the WhatsApp window has closed and no template is configured for this message' }
    template = { ...message.template, parameters: [] }
  }
  const id = randomUUID()
  const inserted = await tx
    .insert(messages)
    .values({
      id,
      tenantId: message.tenantId,
      conversationId: message.conversationId,
      channelId: conversation.channelId,
      ticketId: message.ticketId,
      direction: 'outbound',
      author: 'bot',
      authorRef: message.authorRef,
      body: message.body,
      citations: [],
      idempotencyKey: `${message.ticketId}:${message.key}`,
      deliveryStatus: 'queued',
      kind: template ? 'template' : 'text',
      metadata: template ? { template } : {},
    })
    .onConflictDoNothing()
    .returning({ id: messages.id })
  if (inserted.length === 0) return { skipped: 'already queued' }
  await outbox.delivery(tx, { ticketId: message.ticketId, messageId: id })
  return { messageId: id, channel: conversation.kind }
}

/** A note for the team on a ticket (never sent to the customer), written by the desk itself. */
export async function addInternalNote(
  tx: Tx,
  note: { tenantId: string; ticketId: string; conversationId: string; text: string; authorRef: string },
): Promise<void> {
  const [conversation] = await tx
    .select({ channelId: conversations.channelId })
    .from(conversations)
    .where(eq(conversations.id, note.conversationId))
  if (!conversation) return
  const id = randomUUID()
  await tx.insert(messages).values({
    id,
    tenantId: note.tenantId,
    conversationId: note.conversationId,
    channelId: conversation.channelId,
    ticketId: note.ticketId,
    direction: 'internal',
    author: 'bot',
    authorRef: note.authorRef,
    body: note.text,
    kind: 'note',
    idempotencyKey: `${note.ticketId}:note:${id}`,
    deliveryStatus: 'received',
  })
}
