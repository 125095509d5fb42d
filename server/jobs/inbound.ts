// Job: hand a stored inbound message to its conversation's live ticket (opening one if needed).
import { eq } from 'drizzle-orm'
import { messages } from '../../drizzle/schema/conversations.ts'
import type { InboundJob } from '../../machines/host/outbox.ts'
import { type ChurnDeps, openChurnRisk } from '../customer-success/churn.ts'
import { messageSignals } from '../customer-success/churn-signals.ts'
import { answerFromMessage, parseRating } from '../customer-success/csat.ts'
import { readCustomerSuccessSettings } from '../customer-success/settings.ts'
import type { JobContext, JobHandler } from './context.ts'

export function inboundHandler(
  { database, host, logger, outbox }: JobContext,
  success?: ChurnDeps,
): JobHandler<InboundJob> {
  return async (job) => {
    const { conversationId, messageId } = job.data
    const [message] = await database.db
      .select({
        ticketId: messages.ticketId,
        contactId: messages.authorRef,
        metadata: messages.metadata,
        body: messages.body,
        tenantId: messages.tenantId,
      })
      .from(messages)
      .where(eq(messages.id, messageId))
    if (!message) {
      logger.warn({ messageId }, 'inbound job for a message that no longer exists')
      return
    }
    if (message.ticketId) return // applied by an earlier attempt that crashed before completing
    // "5" after the satisfaction question answers it; handed to the ticket it would reopen it. Only a
    // message that reads as a rating costs a transaction: this runs for every inbound message.
    if (success && parseRating(message.body)) {
      const answered = await database.db.transaction((tx) =>
        answerFromMessage(tx, outbox, success, {
          conversationId,
          messageId,
          text: message.body,
          now: host.now(),
        }),
      )
      if (answered) return
    }
    const result = await host.dispatchToConversation(
      conversationId,
      { type: 'CUSTOMER_MESSAGE', messageId },
      {
        actor: { kind: 'customer', id: message.contactId },
        idempotencyKey: `message:${messageId}`,
        within: async (tx, result) => {
          await tx.update(messages).set({ ticketId: result.ticketId }).where(eq(messages.id, messageId))
          if (!success || !message.contactId) return
          // What the customer says moves their health score, and may be a churn signal.
          await success.jobs.health(tx, { tenantId: message.tenantId, contactId: message.contactId })
          const settings = await readCustomerSuccessSettings(tx, message.tenantId, logger)
          const signals = settings.churn.enabled
            ? messageSignals(message.body, { competitors: settings.churn.competitors })
            : []
          if (signals.length > 0) {
            await openChurnRisk(tx, success, {
              tenantId: message.tenantId,
              contactId: message.contactId,
              signals,
              healthScore: null,
              now: host.now(),
              ticketId: result.ticketId,
            })
          }
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
