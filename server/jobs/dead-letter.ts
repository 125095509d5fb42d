// Job: a job that ran out of retries — most often because its worker died on every attempt, so the
// handler never reached its own last-attempt branch. Turn it into the escalation it would have made.
import { eq } from 'drizzle-orm'
import { messages } from '../../drizzle/schema/conversations.ts'
import type { AgentTurnJob, DeliveryJob } from '../../machines/host/outbox.ts'
import type { JobContext, JobHandler } from './context.ts'
import { QUEUES } from './queues.ts'

export function deadLetterHandler({ host, logger }: JobContext): JobHandler<object> {
  return async (job) => {
    const source = job.sourceName
    const reason = `gave up after ${job.sourceRetryCount ?? '?'} retries on ${source}`
    if (source === QUEUES.agentTurn) {
      const { ticketId, turn } = job.data as AgentTurnJob
      await host.dispatch(
        ticketId,
        { type: 'AGENT_FAILED', turn, error: reason },
        { actor: { kind: 'system', id: 'dead-letter' }, idempotencyKey: `turn:${turn}:failed` },
      )
    } else if (source === QUEUES.delivery) {
      const { ticketId, messageId } = job.data as DeliveryJob
      await host.dispatch(
        ticketId,
        { type: 'REPLY_FAILED', messageId, error: reason },
        {
          actor: { kind: 'system', id: 'dead-letter' },
          idempotencyKey: `delivery:${messageId}`,
          within: async (tx) => {
            await tx
              .update(messages)
              .set({ deliveryStatus: 'failed', deliveryError: reason })
              .where(eq(messages.id, messageId))
          },
        },
      )
    } else {
      // An inbound message or a timer that cannot be applied: the message stays stored, unassigned
      // to a ticket, and is reported here for a person to look at.
      logger.error({ source, data: job.data, jobId: job.sourceId }, `job dead-lettered: ${reason}`)
    }
  }
}
