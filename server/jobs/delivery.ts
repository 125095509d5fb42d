// Job: deliver one outbound message through its channel's adapter, then report the result to the
// ticket in the same transaction that records it on the message. The adapter gets the message id
// as its idempotency key; a message already marked sent is never sent again.
import { eq } from 'drizzle-orm'
import { adapterFor } from '../../adapters/index.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import type { DeliveryJob } from '../../machines/host/outbox.ts'
import { isLastAttempt, type JobContext, type JobHandler } from './context.ts'

export function deliveryHandler({ database, host, logger }: JobContext): JobHandler<DeliveryJob> {
  return async (job) => {
    const { ticketId, messageId } = job.data
    const [row] = await database.db
      .select({ message: messages, channel: channels, contactId: conversations.contactId })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.id, messageId))
    if (!row) {
      logger.warn({ messageId }, 'delivery job for a message that no longer exists')
      return
    }
    const { message, channel } = row
    if (message.deliveryStatus === 'failed') return
    const alreadySent = message.deliveryStatus !== 'queued'
    let providerMessageId = message.providerMessageId
    if (!alreadySent) {
      const adapter = adapterFor(channel.kind)
      try {
        if (!adapter) throw new Error(`No adapter can send on ${channel.kind} channels`)
        const [identity] = await database.db
          .select({ kind: contactIdentities.kind, value: contactIdentities.value })
          .from(contactIdentities)
          .where(eq(contactIdentities.contactId, row.contactId))
          .limit(1)
        if (!identity) throw new Error(`Contact ${row.contactId} has no identity to send to`)
        const result = await adapter.send(
          {
            id: message.id,
            body: message.body,
            citations: message.citations.map((c) => ({ title: c.title, url: c.url })),
            to: identity,
          },
          channel.config,
        )
        providerMessageId = result.providerMessageId
      } catch (error) {
        if (!isLastAttempt(job)) throw error
        const reason = (error as Error).message.slice(0, 500)
        logger.error({ err: error, messageId, ticketId }, 'delivery failed on its last attempt: escalating')
        await host.dispatch(
          ticketId,
          { type: 'REPLY_FAILED', messageId, error: reason },
          {
            actor: { kind: 'system', id: 'delivery' },
            idempotencyKey: `delivery:${messageId}`,
            within: async (tx) => {
              await tx
                .update(messages)
                .set({ deliveryStatus: 'failed', deliveryError: reason })
                .where(eq(messages.id, messageId))
            },
          },
        )
        return
      }
    }
    await host.dispatch(
      ticketId,
      { type: 'REPLY_DELIVERED', messageId },
      {
        actor: { kind: 'system', id: 'delivery' },
        idempotencyKey: `delivery:${messageId}`,
        within: async (tx) => {
          if (alreadySent) return
          await tx
            .update(messages)
            .set({ deliveryStatus: 'sent', sentAt: new Date(), providerMessageId })
            .where(eq(messages.id, messageId))
        },
      },
    )
  }
}
