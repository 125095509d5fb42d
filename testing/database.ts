// A fresh, migrated database per test suite: in-memory PGlite by default, or a new database on the
// PostgreSQL server named by ATLAS_TEST_DATABASE_URL (CI runs the database suites both ways).
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { type Database, openDatabase } from '../drizzle/database.ts'

export const testDatabaseUrl = process.env.ATLAS_TEST_DATABASE_URL
export const testDatabaseKind = testDatabaseUrl ? 'postgres' : 'pglite'

export interface TestDatabase {
  database: Database
  /** Connection string when on PostgreSQL (child processes use it), else undefined. */
  url: string | undefined
  drop(): Promise<void>
}

let pgliteTemplate: Promise<Blob | File> | undefined

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseUrl) return createPostgresDatabase(testDatabaseUrl)
  // initdb + migrations cost seconds on PGlite; do them once per worker and clone the result.
  pgliteTemplate ??= (async () => {
    const template = await openDatabase({})
    await template.migrate()
    const dump = await template.dumpDataDir!()
    await template.close()
    return dump
  })()
  const database = await openDatabase({ pgliteLoadDataDir: await pgliteTemplate })
  return { database, url: undefined, drop: () => database.close() }
}

async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `atlas_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = withDatabase(adminUrl, name)
  const database = await openDatabase({ url })
  await database.migrate()
  return {
    database,
    url,
    async drop() {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** The application's tables (schema public), for checks that must cover every one of them. */
export async function publicTables(database: Database): Promise<string[]> {
  const rows = await database.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
  )
  return rows.map((r) => r.name)
}

/** The column that names a row's tenant: `tenants` is keyed by it, every other table refers to it. */
export const tenantColumn = (table: string) => (table === 'tenants' ? 'id' : 'tenant_id')
