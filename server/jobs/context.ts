// What every job handler works with, and how it tells its last attempt from a retry.
import type { JobWithMetadata } from 'pg-boss'
import type { Logger } from '../../common/logger.ts'
import type { Database } from '../../drizzle/database.ts'
import type { Outbox } from '../../machines/host/outbox.ts'
import type { TicketHost } from '../../machines/host/ticket-host.ts'
import type { ConversationEvents } from '../conversation-events.ts'

export interface JobContext {
  database: Database
  host: TicketHost
  /** Jobs a handler enqueues in its own transactions (the media job hands a voice note on). */
  outbox: Outbox
  logger: Logger
  /** Live views to wake when a conversation changes (optional: they also poll). */
  events?: ConversationEvents | undefined
}

export type JobHandler<T> = (job: JobWithMetadata<T>) => Promise<void>

/** pg-boss will not retry after this attempt: the handler must settle the outcome itself. */
export function isLastAttempt(job: Pick<JobWithMetadata<unknown>, 'retryCount' | 'retryLimit'>): boolean {
  return job.retryCount >= job.retryLimit
}
