// Which tenant the current unit of work (an HTTP request, a job) acts for. Inside `withTenant`,
// every query the shared `database.db` runs goes through a transaction that first sets
// `atlas.tenant_id` and switches to the `atlas_tenant` role, which PostgreSQL's row-level security
// policies hold to that tenant's rows (see migration 0009 and scoped-clients.ts). A query that forgets
// its `where tenant_id = …` then still sees only its own tenant: the database enforces isolation,
// not each query's author.
//
// The scope rides in AsyncLocalStorage, so no call site changes: the request middleware and the job
// runner enter it, and everything they await inherits it. Outside any scope (migrations, startup,
// resolving which tenant a credential or webhook belongs to, cross-tenant fan-outs) queries run as
// the connecting user, which owns the tables and is not subject to the policies.
import { AsyncLocalStorage } from 'node:async_hooks'
import { AtlasError } from '../common/errors.ts'

/** The role tenant-scoped queries run as; migration 0009 creates it and its policies. */
export const TENANT_ROLE = 'atlas_tenant'
/** The setting the policies compare each row's tenant_id with. */
export const TENANT_SETTING = 'atlas.tenant_id'

/** One statement: set the tenant and drop to the restricted role, both for this transaction only. */
export const ENTER_TENANT_SQL = `select set_config('${TENANT_SETTING}', $1, true), set_config('role', '${TENANT_ROLE}', true)`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The tenant id of the current scope; null (or nothing) outside one. */
const storage = new AsyncLocalStorage<string | null>()

/** Runs `work` (and everything it awaits) as `tenantId`: its queries see only that tenant's rows. */
export function withTenant<T>(tenantId: string, work: () => T | PromiseLike<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new AtlasError('internal', `Not a tenant id: ${JSON.stringify(tenantId)}`)
  const current = storage.getStore()
  if (current && current !== tenantId) {
    // Nesting another tenant inside a tenant's work is a bug, never a feature.
    throw new AtlasError('internal', 'A tenant-scoped unit of work tried to act for another tenant')
  }
  // Awaited inside the scope: drizzle's query builders are lazy, and run when awaited.
  return storage.run(tenantId, async () => await work())
}

/**
 * Runs `work` outside any tenant scope, from inside one: for a check that must look across tenants
 * (its call site says why).
 */
export function withoutTenant<T>(work: () => T | PromiseLike<T>): Promise<T> {
  return storage.run(null, async () => await work())
}

/** The tenant the current work acts for, or undefined outside a tenant scope. */
export function currentTenantId(): string | undefined {
  return storage.getStore() ?? undefined
}
