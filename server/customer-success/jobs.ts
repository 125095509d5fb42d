// The customer-success jobs as a small interface, enqueued inside the caller's transaction (like the
// ticket host's outbox), so a notification, a survey or a save-play step exists exactly when the row
// it belongs to commits.
import type { PgBoss, SendOptions } from 'pg-boss'
import type { Database, Tx } from '../../drizzle/database.ts'
import { sendTraced } from '../jobs/job-telemetry.ts'
import { QUEUES } from '../jobs/queues.ts'

export interface NotifyJob {
  deliveryId: string
}
export interface CsatJob {
  surveyId: string
}
export interface HealthJob {
  tenantId: string
  contactId: string
}
export interface SaveStepJob {
  stepId: string
}
export interface GapDigestJob {
  tenantId: string
  /** ISO start of the week the digest covers; omitted by the weekly cron, which means "last week". */
  periodStart?: string
}

export interface SuccessJobs {
  notify(tx: Tx, job: NotifyJob): Promise<void>
  csat(tx: Tx, job: CsatJob, at: Date): Promise<void>
  /** Recompute a customer's health soon (one queued recomputation per customer). */
  health(tx: Tx, job: HealthJob): Promise<void>
  saveStep(tx: Tx, job: SaveStepJob, at: Date): Promise<void>
  gapDigest(tx: Tx, job: GapDigestJob): Promise<void>
}

export function createSuccessJobs(boss: PgBoss, database: Database): SuccessJobs {
  const send = (tx: Tx, queue: string, data: object, options: SendOptions = {}) =>
    sendTraced(queue, data, !!options.startAfter, (traced) =>
      boss.send(queue, traced, { ...options, db: database.jobsIn(tx) }),
    )
  return {
    notify: (tx, job) => send(tx, QUEUES.notify, job, { singletonKey: job.deliveryId }),
    csat: (tx, job, at) => send(tx, QUEUES.csat, job, { startAfter: at, singletonKey: job.surveyId }),
    health: (tx, job) => send(tx, QUEUES.health, job, { singletonKey: job.contactId }),
    saveStep: (tx, job, at) => send(tx, QUEUES.saveStep, job, { startAfter: at, singletonKey: job.stepId }),
    gapDigest: (tx, job) =>
      send(tx, QUEUES.gapDigest, job, { singletonKey: `${job.tenantId}:${job.periodStart ?? 'last'}` }),
  }
}
