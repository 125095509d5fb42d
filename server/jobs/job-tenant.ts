// A job acts for the tenant whose work sent it. Sending stamps the sender's tenant scope into the
// job's data (as the trace context rides there too); working it re-enters that scope, so the handler's
// queries run under row-level security for that tenant (drizzle/tenant-scope.ts). A job sent outside
// a scope (a cron fan-out sending per-tenant jobs) names its tenant in `tenantId` instead.
import { AtlasError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'
import { currentTenantId, withTenant } from '../../drizzle/tenant-scope.ts'
import { QUEUES } from './queues.ts'

export const JOB_TENANT_FIELD = '_tenant'

/** Fan-outs over all tenants: they run unscoped by design and send one scoped job per tenant. */
const CROSS_TENANT_QUEUES: ReadonlySet<string> = new Set([QUEUES.healthNightly, QUEUES.gapDigestWeekly])

/** The job's data with the current tenant scope stamped in (unchanged outside a scope). */
export function withJobTenant<T extends object>(data: T): T {
  const tenantId = currentTenantId()
  if (!tenantId) return data
  const named = (data as { tenantId?: unknown }).tenantId
  if (typeof named === 'string' && named !== tenantId) {
    throw new AtlasError('internal', `A job for tenant ${named} was sent from tenant ${tenantId}'s work`)
  }
  return { ...data, [JOB_TENANT_FIELD]: tenantId }
}

/** The tenant a job acts for: its stamp, or the tenant its data names. */
export function tenantOfJob(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined
  const { [JOB_TENANT_FIELD]: stamped, tenantId: named } = data as Record<string, unknown>
  if (typeof stamped === 'string' && typeof named === 'string' && stamped !== named) {
    throw new AtlasError('internal', `Job data names tenant ${named} but was sent by tenant ${stamped}`)
  }
  if (typeof stamped === 'string') return stamped
  return typeof named === 'string' ? named : undefined
}

/**
 * Runs a job's handler in its tenant's scope. A tenant job without one (sent by a version before
 * tenant stamps, or by code that forgot its scope) still runs, as before, but is logged: it is the
 * one way a job's queries escape row-level security.
 */
export function inJobTenantScope<T>(
  queue: string,
  job: { id: string; data: unknown },
  logger: Logger,
  run: () => Promise<T>,
): Promise<T> {
  const tenantId = tenantOfJob(job.data)
  if (tenantId) return withTenant(tenantId, run)
  if (!CROSS_TENANT_QUEUES.has(queue)) {
    logger.warn({ queue, jobId: job.id }, 'job has no tenant scope; its queries bypass row-level security')
  }
  // pg-boss calls handlers from the loop `work()` started at start-up, outside any scope.
  return run()
}
