// The driver clients drizzle talks to, wrapped so that inside a tenant scope (tenant-scope.ts) each
// statement runs with the tenant set. drizzle reaches a driver in two ways only: a single statement
// (postgres.js `unsafe`, PGlite `query`) and a transaction (`begin` / `transaction`); statements
// inside a transaction go to the driver's own transaction object, unwrapped.
//
// - A transaction opened in scope begins with ENTER_TENANT_SQL, so the whole transaction, savepoints
//   included, runs as the tenant. Transaction boundaries stay exactly where the code put them.
// - A single statement in scope becomes begin; ENTER_TENANT_SQL and the statement, pipelined;
//   commit. `set_config(…, true)` lasts until the transaction ends, so nothing leaks to the next user
//   of the pooled connection. It costs two round trips more (begin, commit); in a transaction, none.
// Out of scope, both go straight to the driver.
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite'
import type { Sql, TransactionSql } from 'postgres'
import { currentTenantId, ENTER_TENANT_SQL } from './tenant-scope.ts'

type Unsafe = Sql['unsafe']

/** postgres.js, as drizzle uses it: `options`, `unsafe(...)` (awaited, or `.values()`), `begin(fn)`. */
export function scopedPostgresClient(client: Sql): Sql {
  const enter = (tx: TransactionSql, tenantId: string) => tx.unsafe(ENTER_TENANT_SQL, [tenantId])
  const wrapper = {
    options: client.options,
    unsafe(query: string, params?: unknown[], options?: Parameters<Unsafe>[2]) {
      const tenantId = currentTenantId()
      if (!tenantId) return client.unsafe(query, params as never, options)
      return pendingQuery((values) =>
        client
          .begin(async (tx) => {
            const pending = tx.unsafe(query, params as never, options)
            // Both go out at once, in order, on the transaction's connection: one round trip, not two.
            const [, rows] = await Promise.all([enter(tx, tenantId), values ? pending.values() : pending])
            // An array result must not be returned bare: postgres.js would read it as a list of queries.
            return { rows }
          })
          .then((r) => r.rows),
      )
    },
    begin(...args: unknown[]) {
      const tenantId = currentTenantId()
      const fn = args.at(-1) as (tx: TransactionSql) => unknown
      const begin = client.begin as (...a: unknown[]) => Promise<unknown>
      if (!tenantId) return begin(...args)
      return begin(...args.slice(0, -1), (tx: TransactionSql) => {
        const entered = enterBeforeFirstStatement((q, p) => tx.unsafe(q, p as never), tenantId)
        const scoped = {
          unsafe: (query: string, params?: unknown[], options?: Parameters<Unsafe>[2]) =>
            pendingQuery((values) =>
              entered(query, async () => {
                const pending = tx.unsafe(query, params as never, options)
                return values ? pending.values() : pending
              }),
            ),
          savepoint: (...a: unknown[]) =>
            entered('', () => (tx.savepoint as (...x: unknown[]) => Promise<unknown>)(...a)),
        }
        return fn(scoped as unknown as TransactionSql)
      })
    },
  }
  return wrapper as unknown as Sql
}

/**
 * What drizzle gets back from postgres.js's `unsafe`: it either awaits the query or asks for
 * `.values()` (rows as arrays). `run` sends it once, in the form asked for.
 */
function pendingQuery(run: (values: boolean) => Promise<unknown>) {
  return {
    values: () => run(true),
    // biome-ignore lint/suspicious/noThenProperty: drizzle awaits this like postgres.js's PendingQuery
    then: (resolve: (v: unknown) => unknown, reject: (e: unknown) => unknown) =>
      run(false).then(resolve, reject),
  }
}

/**
 * Runs ENTER_TENANT_SQL once per transaction, before its first statement, except that a leading
 * `SET TRANSACTION` (drizzle's isolation level) must itself come first, so it goes before.
 */
function enterBeforeFirstStatement(
  run: (query: string, params: unknown[]) => Promise<unknown>,
  tenantId: string,
): <T>(query: string, statement: () => Promise<T>) => Promise<T> {
  let entered: Promise<unknown> | undefined
  return async (query, statement) => {
    if (!entered && /^\s*set\s+transaction\b/i.test(query)) {
      const result = await statement()
      entered = run(ENTER_TENANT_SQL, [tenantId])
      await entered
      return result
    }
    // `.then` sends it now (postgres.js sends a query when it is awaited), so the statement queues
    // behind it on the connection instead of waiting a round trip for it.
    entered ??= run(ENTER_TENANT_SQL, [tenantId]).then(() => undefined)
    const [, result] = await Promise.all([entered, statement()])
    return result
  }
}

/** PGlite, as drizzle uses it: `query(text, params, options)` and `transaction(fn)`. */
export function scopedPgliteClient(client: PGlite): PGlite {
  const enter = (tx: PgliteTransaction, tenantId: string) => tx.query(ENTER_TENANT_SQL, [tenantId])
  const wrapper = {
    query(query: string, params?: unknown[], options?: Parameters<PGlite['query']>[2]) {
      const tenantId = currentTenantId()
      if (!tenantId) return client.query(query, params, options)
      return client.transaction(async (tx) => {
        await enter(tx, tenantId)
        return tx.query(query, params, options)
      })
    },
    transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>) {
      const tenantId = currentTenantId()
      if (!tenantId) return client.transaction(fn)
      return client.transaction((tx) => {
        const entered = enterBeforeFirstStatement((q, p) => tx.query(q, p), tenantId)
        const scoped = Object.create(tx) as PgliteTransaction
        scoped.query = ((query: string, params?: unknown[], options?: Parameters<PGlite['query']>[2]) =>
          entered(query, () => tx.query(query, params, options))) as PgliteTransaction['query']
        return fn(scoped)
      })
    },
  }
  return wrapper as unknown as PGlite
}
