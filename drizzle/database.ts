// The one database factory: embedded PGlite in a data folder by default (nothing to install), or
// PostgreSQL through postgres.js when a URL is given. Same schema, same migrations, and pg-boss on the
// same database in both modes, so a job can be enqueued in the transaction that writes its data.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { type ExtractTablesWithRelations, sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import {
  type ConstructorOptions,
  type DrizzleTransactionLike,
  fromDrizzle,
  fromPglite,
  type Db as JobDb,
} from 'pg-boss'
import postgres from 'postgres'
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts'
import * as schema from './schema/index.ts'
import { scopedPgliteClient, scopedPostgresClient } from './scoped-clients.ts'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
/** Anything queries can run on: the database itself or an open transaction. */
export type Executor = Db | Tx

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite is used. */
  url?: string | undefined
  /** PGlite data folder; `memory://` (or undefined with `memory: true`) keeps everything in memory. */
  dataDir?: string | undefined
  /** postgres.js pool size. */
  maxConnections?: number | undefined
  /** Load an existing PGlite data folder dump (a tarball) instead of running initdb: tests use it. */
  pgliteLoadDataDir?: Blob | File | undefined
}

export interface Database {
  readonly kind: 'pglite' | 'postgres'
  readonly db: Db
  /** Options that put pg-boss on this same database. */
  readonly jobStoreOptions: ConstructorOptions
  /** Where pg-boss must run a statement so that it commits or rolls back with `tx`. */
  jobsIn(tx: Tx): JobDb
  migrate(): Promise<void>
  /** Run a raw statement and return its rows (the drivers shape results differently). */
  query<Row extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>
  /** Present on PGlite only: dump the data folder (used to clone a migrated template in tests). */
  dumpDataDir?(): Promise<Blob | File>
  close(): Promise<void>
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))
/** Serialises concurrent migrators on one PostgreSQL (several workers starting at once). */
const MIGRATION_LOCK_ID = 0x41746c61 // "Atla"

/** pg-boss runs its statements through the caller's drizzle transaction (both drivers). */
const jobsIn = (tx: Tx): JobDb => fromDrizzle(tx as unknown as DrizzleTransactionLike, sql)

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.maxConnections ?? 10) : openPglite(options)
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const dataDir = options.dataDir ?? 'memory://'
  let lock: DataDirLock | undefined
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true })
    // Two processes on one PGlite folder corrupt it: refuse the second one with a clear error.
    lock = acquireDataDirLock(dataDir)
  }
  let client: PGlite
  try {
    client = await PGlite.create(
      dataDir,
      options.pgliteLoadDataDir ? { loadDataDir: options.pgliteLoadDataDir } : {},
    )
  } catch (error) {
    lock?.release()
    throw error
  }
  // Queries inside a tenant scope run as that tenant under row-level security (tenant-scope.ts).
  const db = drizzlePglite({ client: scopedPgliteClient(client), schema, casing: 'snake_case' })
  return {
    kind: 'pglite',
    db: db as unknown as Db,
    jobStoreOptions: { db: fromPglite(client), backend: 'pglite' },
    jobsIn,
    migrate: () => migratePglite(db, { migrationsFolder }),
    async query(text, params = []) {
      const result = await client.query(text, params)
      return result.rows as never[]
    },
    dumpDataDir: () => client.dumpDataDir('none'),
    async close() {
      if (!client.closed) await client.close()
      lock?.release()
    },
  }
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    // postgres.js waits up to 20 s between attempts to reconnect, and queries queue behind them: while
    // PostgreSQL restarts, requests would hang instead of failing fast with 503, and the process would
    // see the database back up to 20 s late. Half a second instead (PGBACKOFF, in seconds, overrides).
    ...(process.env.PGBACKOFF ? {} : { backoff: () => 0.5 }),
  })
  // Queries inside a tenant scope run as that tenant under row-level security (tenant-scope.ts).
  const db = drizzlePostgres({ client: scopedPostgresClient(client), schema, casing: 'snake_case' })
  return {
    kind: 'postgres',
    db: db as unknown as Db,
    jobStoreOptions: { connectionString: url, max: 4 },
    jobsIn,
    async migrate() {
      // One migrator at a time: the lock is per session, so hold one reserved connection for it.
      const reserved = await client.reserve()
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_ID})`
        await migratePostgres(db, { migrationsFolder })
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`
        reserved.release()
      }
    },
    async query(text, params = []) {
      return (await client.unsafe(text, params as never[])) as unknown as never[]
    },
    async close() {
      // postgres.js makes a second end() a no-op.
      await client.end({ timeout: 5 })
    },
  }
}

/** drizzle's `execute` returns `{ rows }` on PGlite and an array on postgres.js: one shape for callers. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}
