// Job: retrain a tenant's local model after its labelled examples changed, so the next turn finds
// it ready instead of training it inline.
import type { LocalModels } from '../../agents/local/tenant-models.ts'
import type { RetrainJob } from '../../machines/host/outbox.ts'
import type { JobContext, JobHandler } from './context.ts'

export function retrainHandler(
  { database, logger }: JobContext,
  models: LocalModels,
): JobHandler<RetrainJob> {
  return async (job) => {
    const started = performance.now()
    await models.forTenant(database.db, job.data.tenantId)
    logger.info(
      { tenantId: job.data.tenantId, ms: Math.round(performance.now() - started) },
      'tenant model ready',
    )
  }
}
