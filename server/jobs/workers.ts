// Registers the job handlers with pg-boss. Each queue runs `concurrency` jobs at once per process.
import type { JobWithMetadata, PgBoss } from 'pg-boss'
import type { Assist } from '../../agents/assist/index.ts'
import type { LocalModels } from '../../agents/local/tenant-models.ts'
import type { SecretBox } from '../../common/secret-box.ts'
import type {
  AgentTurnJob,
  DeliveryJob,
  InboundJob,
  MediaJob,
  RetrainJob,
  RouteJob,
  SummaryJob,
  TimerJob,
  WindowJob,
} from '../../machines/host/outbox.ts'
import type { AnyTool } from '../../tools/define-tool.ts'
import type { Config } from '../config.ts'
import type { ChurnDeps } from '../customer-success/churn.ts'
import { saveStepHandler } from '../customer-success/churn.ts'
import { csatHandler } from '../customer-success/csat.ts'
import { healthHandler, healthNightlyHandler } from '../customer-success/health.ts'
import type { CsatJob, GapDigestJob, HealthJob, NotifyJob, SaveStepJob } from '../customer-success/jobs.ts'
import { gapDigestHandler, weeklyDigestFanOut } from '../customer-success/knowledge-gaps.ts'
import { notifyHandler } from '../notifications/notification-job.ts'
import type { FileStorage } from '../storage/file-storage.ts'
import { agentTurnHandler, type TurnAgent } from './agent-turn.ts'
import type { JobContext, JobHandler } from './context.ts'
import { deadLetterHandler } from './dead-letter.ts'
import { deliveryHandler } from './delivery.ts'
import { inboundHandler } from './inbound.ts'
import { processTraced } from './job-telemetry.ts'
import { inJobTenantScope } from './job-tenant.ts'
import { mediaHandler } from './media.ts'
import { DEAD_LETTER_QUEUE, QUEUES } from './queues.ts'
import { retrainHandler } from './retrain.ts'
import { routeHandler } from './route.ts'
import { summaryHandler } from './summary.ts'
import { timerHandler } from './timer.ts'
import { windowHandler } from './window.ts'

export interface WorkerOptions {
  concurrency: number
  agent: TurnAgent
  /** The tool registry: decisions may propose only its world-changing tools. */
  tools: readonly AnyTool[]
  /** Tenants' local models, retrained by the retrain job. */
  localModels: LocalModels
  storage: FileStorage
  /** Opens channel secrets, for the jobs that call a provider with them (and only those). */
  secretBox: SecretBox
  transcription: Config['transcription']
  /** AI assist: writes the summaries asked for on the summary queue. */
  assist: Assist
  /** Customer success: its job queue and the public URL its links start with. */
  success: ChurnDeps
}

export async function startWorkers(boss: PgBoss, context: JobContext, options: WorkerOptions): Promise<void> {
  const work = async <T>(queue: string, handler: JobHandler<T>) => {
    const workOptions = {
      includeMetadata: true,
      batchSize: 1,
      localConcurrency: options.concurrency,
      // NOTIFY wakes workers at once; polling is only the backstop.
      pollingIntervalSeconds: 2,
      notifyPollingIntervalSeconds: 10,
      // A NOTIFY comes only when a job is inserted: a backlog (a burst of messages, jobs returned
      // by a dead worker) would drain one job per slot per backstop interval. While pg-boss's count
      // of ready jobs (cached, see job-store.ts) is above one, fetch again as soon as a job is done;
      // an empty fetch ends that, so an idle queue is not polled any harder.
      burstWhenReadyExceeds: 1,
    } as const
    await boss.work<T, void, typeof workOptions>(queue, workOptions, async ([job]: JobWithMetadata<T>[]) => {
      // The job's span continues the trace of the code that enqueued it (see job-telemetry.ts).
      // …and in the scope of the tenant whose work sent it (row-level security; see job-tenant.ts).
      await processTraced(queue, job!, async () => {
        try {
          await inJobTenantScope(queue, job!, context.logger, () => handler(job!))
        } catch (error) {
          context.logger.warn(
            { err: error, queue, jobId: job!.id, attempt: job!.retryCount },
            'job failed; will retry',
          )
          throw error
        }
      })
    })
  }
  await work<InboundJob>(QUEUES.inbound, inboundHandler(context, options.success))
  await work<AgentTurnJob>(QUEUES.agentTurn, agentTurnHandler(context, options.agent, options.tools))
  await work<DeliveryJob>(QUEUES.delivery, deliveryHandler(context, options.secretBox))
  await work<TimerJob>(QUEUES.timer, timerHandler(context))
  await work<RetrainJob>(QUEUES.retrain, retrainHandler(context, options.localModels))
  await work<WindowJob>(QUEUES.window, windowHandler(context))
  await work<MediaJob>(
    QUEUES.media,
    mediaHandler(context, options.storage, options.transcription, options.secretBox),
  )
  await work<RouteJob>(QUEUES.route, routeHandler(context))
  await work<SummaryJob>(QUEUES.summary, summaryHandler(context, options.assist))
  await work<NotifyJob>(QUEUES.notify, notifyHandler(context, options.secretBox))
  await work<HealthJob>(QUEUES.health, healthHandler(context, options.success))
  await work<object>(QUEUES.healthNightly, healthNightlyHandler(context, options.success))
  await work<SaveStepJob>(QUEUES.saveStep, saveStepHandler(context, options.success))
  await work<CsatJob>(QUEUES.csat, csatHandler(context, options.success))
  // Digests take the host's clock, so "last week" is the simulated week under test.
  const digests = { ...options.success, now: () => context.host.now() }
  await work<GapDigestJob>(QUEUES.gapDigest, gapDigestHandler(context, digests))
  await work<object>(QUEUES.gapDigestWeekly, weeklyDigestFanOut(context, digests))
  await work<object>(DEAD_LETTER_QUEUE, deadLetterHandler(context))
  // Cron runs through pg-boss: one firing per schedule however many workers are up.
  await boss.schedule(QUEUES.healthNightly, '15 3 * * *', {}, { tz: 'UTC' })
  // Monday 06:00 UTC: last week's knowledge-gap digest, one job per tenant.
  await boss.schedule(QUEUES.gapDigestWeekly, '0 6 * * 1', {}, { tz: 'UTC' })
}
