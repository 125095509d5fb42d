// Job: hand a stored inbound message to its conversation's live ticket (opening one if needed).
import { eq } from 'drizzle-orm'
import { messages } from '../../drizzle/schema/conversations.ts'
import type { InboundJob } from '../../machines/host/outbox.ts'
import type { JobContext, JobHandler } from './context.ts'

export function inboundHandler({ database, host, logger }: JobContext): JobHandler<InboundJob> {
  return async (job) => {
    const { conversationId, messageId } = job.data
    const [message] = await database.db
      .select({ ticketId: messages.ticketId, contactId: messages.authorRef, metadata: messages.metadata })
      .from(messages)
      .where(eq(messages.id, messageId))
    if (!message) {
      logger.warn({ messageId }, 'inbound job for a message that no longer exists')
      return
    }
    if (message.ticketId) return // applied by an earlier attempt that crashed before completing
    const result = await host.dispatchToConversation(
      conversationId,
      { type: 'CUSTOMER_MESSAGE', messageId },
      {
        actor: { kind: 'customer', id: message.contactId },
        idempotencyKey: `message:${messageId}`,
        within: async (tx, result) => {
          await tx.update(messages).set({ ticketId: result.ticketId }).where(eq(messages.id, messageId))
        },
      },
    )
    // A message no agent can read (an untranscribed voice note) goes straight to a person.
    const needsHuman = message.metadata.needsHuman
    if (typeof needsHuman === 'string') {
      await host.dispatch(
        result.ticketId,
        { type: 'MARK_PENDING', by: 'system', reason: needsHuman },
        { actor: { kind: 'system', id: 'inbound' }, idempotencyKey: `message:${messageId}:needs-human` },
      )
    }
  }
}
