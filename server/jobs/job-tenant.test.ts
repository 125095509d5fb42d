// A job carries the tenant of the work that sent it, and its handler runs in that tenant's scope.
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../common/logger.ts'
import { currentTenantId, withTenant } from '../../drizzle/tenant-scope.ts'
import { inJobTenantScope, JOB_TENANT_FIELD, tenantOfJob, withJobTenant } from './job-tenant.ts'
import { QUEUES } from './queues.ts'

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'

describe('job tenant scope', () => {
  it('stamps the sending scope into the job, and leaves a job sent outside a scope alone', async () => {
    expect(withJobTenant({ ticketId: 't' })).toEqual({ ticketId: 't' })
    expect(await withTenant(A, () => withJobTenant({ ticketId: 't' }))).toEqual({
      ticketId: 't',
      [JOB_TENANT_FIELD]: A,
    })
  })

  it("refuses a job for one tenant sent from another tenant's work", async () => {
    await expect(withTenant(A, () => withJobTenant({ tenantId: B }))).rejects.toThrow(/sent from tenant/)
    expect(() => tenantOfJob({ tenantId: B, [JOB_TENANT_FIELD]: A })).toThrow(/names tenant/)
  })

  it("runs the handler in the job's tenant: its stamp, or the tenant its data names", async () => {
    const seen: Array<string | undefined> = []
    const run = async () => {
      seen.push(currentTenantId())
    }
    await inJobTenantScope(QUEUES.delivery, { id: '1', data: { [JOB_TENANT_FIELD]: A } }, silentLogger, run)
    await inJobTenantScope(QUEUES.gapDigest, { id: '2', data: { tenantId: B } }, silentLogger, run)
    await inJobTenantScope(QUEUES.healthNightly, { id: '3', data: {} }, silentLogger, run)
    expect(seen).toEqual([A, B, undefined])
  })

  it('logs a tenant job that arrives without a scope (its queries would bypass row-level security)', async () => {
    const warnings: string[] = []
    const logger = { warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as typeof silentLogger
    await inJobTenantScope(QUEUES.delivery, { id: '4', data: { ticketId: 't' } }, logger, async () => {})
    await inJobTenantScope(QUEUES.healthNightly, { id: '5', data: {} }, logger, async () => {})
    expect(warnings).toEqual(['job has no tenant scope; its queries bypass row-level security'])
  })
})
