// Job: a job that ran out of retries — most often because its worker died on every attempt, so the
// handler never reached its own last-attempt branch. Turn it into the escalation it would have made.
import type { AgentTurnJob, DeliveryJob } from '../../machines/host/outbox.ts'
import { reportTurnFailure } from './agent-turn.ts'
import type { JobContext, JobHandler } from './context.ts'
import { reportDeliveryFailure } from './delivery.ts'
import { QUEUES } from './queues.ts'

export function deadLetterHandler({ host, logger }: JobContext): JobHandler<object> {
  return async (job) => {
    const source = job.sourceName
    const reason = `gave up after ${job.sourceRetryCount ?? '?'} retries on ${source}`
    if (source === QUEUES.agentTurn) {
      const { ticketId, turn } = job.data as AgentTurnJob
      await reportTurnFailure(host, { ticketId, turn, error: reason, reporter: 'dead-letter' })
    } else if (source === QUEUES.delivery) {
      const { ticketId, messageId } = job.data as DeliveryJob
      await reportDeliveryFailure(host, { ticketId, messageId, reason, reporter: 'dead-letter' })
    } else {
      // An inbound message or a timer that cannot be applied: the message stays stored, unassigned
      // to a ticket, and is reported here for a person to look at.
      logger.error({ source, data: job.data, jobId: job.sourceId }, `job dead-lettered: ${reason}`)
    }
  }
}
