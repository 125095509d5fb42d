// Job: deliver one outbound message through its channel's adapter, then report the result to the
// ticket in the same transaction that records it on the message. The adapter gets the message id
// as its idempotency key; a message already marked sent is never sent again, and neither is one
// whose last send was cut off by a dying process (SEND_IN_FLIGHT): that one escalates instead.
import { SpanKind } from '@opentelemetry/api'
import { and, desc, eq, sql } from 'drizzle-orm'
import {
  adapterFor,
  type ChannelAdapter,
  type ChannelKind,
  IDENTITY_FOR_CHANNEL,
} from '../../adapters/index.ts'
import { isTransient } from '../../adapters/shared/provider-error.ts'
import type { OutboundMessage } from '../../adapters/types.ts'
import { AtlasError } from '../../common/errors.ts'
import { instruments } from '../../common/metrics.ts'
import type { SecretBox } from '../../common/secret-box.ts'
import { withSpan } from '../../common/tracing.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import type { DeliveryJob } from '../../machines/host/outbox.ts'
import type { TicketHost } from '../../machines/host/ticket-host.ts'
import type { MessageTemplate } from '../../machines/ticket.machine.ts'
import { openChannelConfig } from '../channels/channel-config.ts'
import { isLastAttempt, type JobContext, type JobHandler } from './context.ts'

export function deliveryHandler(
  { database, host, logger, events }: JobContext,
  secretBox: SecretBox,
  adapters: (kind: ChannelKind) => ChannelAdapter | undefined = adapterFor,
): JobHandler<DeliveryJob> {
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
    if (!alreadySent && message.metadata[SEND_IN_FLIGHT]) {
      // At most once: sending again could reach the customer twice, so a person checks instead.
      const reason =
        'An earlier attempt stopped while sending (its process died): the reply may have reached the customer, so it was not sent again'
      logger.warn({ messageId, ticketId, inFlight: message.metadata[SEND_IN_FLIGHT] }, reason)
      await reportDeliveryFailure(host, { ticketId, messageId, reason, reporter: 'delivery' })
      return
    }
    if (!alreadySent) {
      const adapter = adapters(channel.kind)
      try {
        if (!adapter) throw new Error(`No adapter can send on ${channel.kind} channels`)
        const outbound = await outboundFor(database.db, message, channel.kind, row.contactId)
        // Decrypted before anything is marked in flight: a secret that cannot be read sends nothing.
        const channelConfig = openChannelConfig(secretBox, channel)
        const inFlight = { jobId: job.id, attempt: job.retryCount + 1, at: new Date().toISOString() }
        await database.db
          .update(messages)
          .set({
            metadata: sql`${messages.metadata} || ${JSON.stringify({ [SEND_IN_FLIGHT]: inFlight })}::jsonb`,
          })
          .where(eq(messages.id, messageId))
        const result = await withSpan(
          'adapter.send',
          { 'atlas.channel.kind': channel.kind, 'atlas.message.id': messageId, 'atlas.ticket.id': ticketId },
          () => adapter.send(outbound, channelConfig),
          { kind: SpanKind.CLIENT },
        )
        providerMessageId = result.providerMessageId
      } catch (error) {
        // A refusal (a closed window, an unknown recipient) fails the same way every time: escalate now.
        if (isTransient(error) && !isLastAttempt(job)) {
          // Operators see why a reply is still queued while pg-boss backs off.
          await database.db
            .update(messages)
            .set({
              deliveryError: `Attempt ${job.retryCount + 1} of ${job.retryLimit + 1} failed, retrying: ${(error as Error).message.slice(0, 400)}`,
              // The provider refused or could not be reached: nothing went out, the next attempt may send.
              metadata: sql`${messages.metadata} - ${SEND_IN_FLIGHT}::text`,
            })
            .where(and(eq(messages.id, messageId), eq(messages.deliveryStatus, 'queued')))
          throw error
        }
        const reason = (error as Error).message.slice(0, 500)
        logger.error({ err: error, messageId, ticketId }, 'delivery failed for good: escalating')
        await reportDeliveryFailure(host, { ticketId, messageId, reason, reporter: 'delivery' })
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
            .set({ deliveryStatus: 'sent', sentAt: new Date(), providerMessageId, deliveryError: null })
            .where(eq(messages.id, messageId))
        },
      },
    )
    events?.publish(message.conversationId)
  }
}

/**
 * Set on a reply (in `metadata`) just before it is handed to the provider, and cleared when the
 * provider refused it or could not be reached. Still there on a later attempt, it means the process
 * died between handing the reply over and recording the answer: the customer may have it. WhatsApp,
 * Messenger and SMTP take no idempotency key, so that reply fails (and its ticket escalates) rather
 * than risk reaching the customer twice.
 */
export const SEND_IN_FLIGHT = 'sendInFlight'

/** Marks the message failed and tells its ticket, in one transaction (which escalates a bot's reply). */
export async function reportDeliveryFailure(
  host: TicketHost,
  failure: { ticketId: string; messageId: string; reason: string; reporter: string },
): Promise<void> {
  const { ticketId, messageId, reason } = failure
  const result = await host.dispatch(
    ticketId,
    { type: 'REPLY_FAILED', messageId, error: reason },
    {
      actor: { kind: 'system', id: failure.reporter },
      // Our send attempts end once (the last attempt or the dead letter); a provider's later
      // failure report is a separate event.
      idempotencyKey:
        failure.reporter === 'provider' ? `provider-failed:${messageId}` : `delivery:${messageId}`,
      within: async (tx) => {
        await tx
          .update(messages)
          .set({ deliveryStatus: 'failed', deliveryError: reason })
          .where(eq(messages.id, messageId))
      },
    },
  )
  if (result.outcome !== 'duplicate') {
    instruments().deliveryFailures.add(1, { 'atlas.delivery.reporter': failure.reporter })
  }
}

type MessageRow = typeof messages.$inferSelect

/** What the adapter needs: the recipient as the channel knows them, a template, email threading. */
async function outboundFor(
  db: Executor,
  message: MessageRow,
  kind: ChannelKind,
  contactId: string,
): Promise<OutboundMessage> {
  const [identity] = await db
    .select({ kind: contactIdentities.kind, value: contactIdentities.value })
    .from(contactIdentities)
    .where(
      and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.kind, IDENTITY_FOR_CHANNEL[kind])),
    )
    .limit(1)
  if (!identity)
    throw new AtlasError('not_found', `Contact ${contactId} has no ${kind} identity to send to`, {
      details: { transient: false },
    })
  const template = message.metadata.template as MessageTemplate | undefined
  return {
    id: message.id,
    body: message.body,
    citations: message.citations.map((c) => ({ title: c.title, url: c.url })),
    to: identity,
    ...(template ? { template } : {}),
    ...(kind === 'email' ? { threading: await emailThreading(db, message.conversationId) } : {}),
    ...(kind === 'mentions' ? await publicReplyTarget(db, message.conversationId) : {}),
  }
}

/** A public reply answers the customer's latest post. */
async function publicReplyTarget(
  db: Executor,
  conversationId: string,
): Promise<Pick<OutboundMessage, 'replyTo'>> {
  const [latest] = await db
    .select({ providerMessageId: messages.providerMessageId, metadata: messages.metadata })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'inbound')))
    .orderBy(desc(messages.createdAt))
    .limit(1)
  if (!latest?.providerMessageId) return {}
  const url = typeof latest.metadata.url === 'string' ? latest.metadata.url : undefined
  return { replyTo: { providerMessageId: latest.providerMessageId, url } }
}

/** A reply threads under the customer's latest email (RFC 5322 §3.6.4: In-Reply-To and References). */
async function emailThreading(
  db: Executor,
  conversationId: string,
): Promise<NonNullable<OutboundMessage['threading']>> {
  const [latest] = await db
    .select({ metadata: messages.metadata })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'inbound')))
    .orderBy(desc(messages.createdAt))
    .limit(1)
  const threading = latest?.metadata.threading as
    | { messageId: string | null; references: string[]; subject: string }
    | undefined
  if (!threading) return { subject: 'Your message', inReplyTo: null, references: [] }
  const subject = /^re:/i.test(threading.subject) ? threading.subject : `Re: ${threading.subject}`
  const references = [...threading.references, ...(threading.messageId ? [threading.messageId] : [])]
  return { subject, inReplyTo: threading.messageId, references }
}
