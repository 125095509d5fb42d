// npm run eval:export — a tenant's resolved tickets as an eval dataset (JSON Lines), personal data
// redacted. Reads the same database the server uses: PostgreSQL with --database-url (or DATABASE_URL),
// else the embedded PGlite folder (--data-dir, ATLAS_DATA_DIR, .atlas-data; stop the server first,
// a PGlite folder has one user at a time).
//
//   npm run eval:export -- --tenant quillstack --out evals/datasets/quillstack-production.jsonl \
//     [--database-url postgres://… | --data-dir .atlas-data] [--since 2025-01-01] [--limit 500]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { eq } from 'drizzle-orm'
import { openDatabase } from '../../drizzle/database.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { datasetJsonl, exportResolvedTickets } from './export.ts'

const USAGE =
  'usage: npm run eval:export -- --tenant SLUG --out FILE.jsonl [--database-url URL | --data-dir DIR] [--since YYYY-MM-DD] [--limit N]'

function fail(message: string): never {
  console.error(`eval:export: ${message}`)
  process.exit(2)
}

let args: {
  tenant?: string | undefined
  out?: string | undefined
  'database-url'?: string | undefined
  'data-dir'?: string | undefined
  since?: string | undefined
  limit?: string | undefined
  help?: boolean | undefined
}
try {
  args = parseArgs({
    options: {
      tenant: { type: 'string' },
      out: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
if (!args.tenant) fail(`--tenant SLUG is required\n${USAGE}`)
if (!args.out) fail(`--out FILE.jsonl is required\n${USAGE}`)
if (args['database-url'] && args['data-dir']) fail('give --database-url or --data-dir, not both')

let since: Date | undefined
if (args.since !== undefined) {
  since = /^\d{4}-\d{2}-\d{2}$/.test(args.since) ? new Date(`${args.since}T00:00:00Z`) : undefined
  if (!since || Number.isNaN(since.getTime()) || since.toISOString().slice(0, 10) !== args.since) {
    fail(`--since must be a date as YYYY-MM-DD, got ${args.since}`)
  }
}
let limit: number | undefined
if (args.limit !== undefined) {
  limit = /^\d+$/.test(args.limit) ? Number(args.limit) : Number.NaN
  if (!Number.isSafeInteger(limit) || limit < 1)
    fail(`--limit must be a positive whole number, got ${args.limit}`)
}

const url = args['database-url'] ?? (args['data-dir'] ? undefined : process.env.DATABASE_URL || undefined)
const dataDir = resolve(args['data-dir'] ?? process.env.ATLAS_DATA_DIR ?? '.atlas-data')
// Opening a missing folder would create an empty database: say what is wrong instead.
if (!url && !existsSync(dataDir)) {
  fail(`no PGlite data folder at ${dataDir} (pass --data-dir DIR, or --database-url URL for PostgreSQL)`)
}

const database = await openDatabase(url ? { url, maxConnections: 2 } : { dataDir })
try {
  const slug = args.tenant
  const [tenant] = await database.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug))
  if (!tenant) {
    const known = await database.db.select({ slug: tenants.slug }).from(tenants).orderBy(tenants.slug)
    const list =
      known.length === 0 ? 'the database has no tenants' : `known: ${known.map((t) => t.slug).join(', ')}`
    throw new Error(`unknown tenant "${slug}" (${list})`)
  }
  const { cases, skipped } = await exportResolvedTickets(database.db, { tenantId: tenant.id, since, limit })
  // Validates every case before anything is written: a bad case fails the export, not the eval later.
  const text = datasetJsonl(slug, cases)
  const out = resolve(args.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, text)
  console.log(
    `Exported ${cases.length} case${cases.length === 1 ? '' : 's'} to ${out}; skipped ${skipped.length}.`,
  )
  const reasons = new Map<string, string[]>()
  for (const s of skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.ticket])
  for (const [reason, ticketNumbers] of reasons) {
    const shown = ticketNumbers.slice(0, 10).join(', ') + (ticketNumbers.length > 10 ? ', …' : '')
    console.log(`  skipped ${ticketNumbers.length} (${reason}): ${shown}`)
  }
} catch (error) {
  // drizzle wraps the driver's error ("relation … does not exist"): show the reason, not just the query.
  const cause = (error as Error).cause
  const reason = cause instanceof Error ? ` (${cause.message})` : ''
  console.error(`eval:export: ${(error as Error).message.split('\n')[0]}${reason}`)
  process.exitCode = 1
} finally {
  await database.close()
}
