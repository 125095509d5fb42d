// npm run bench:live — what the dashboard's live updates cost the database. Every open dashboard
// depends on one read of the tenant's latest change (server/tenant-changes.ts), once per 1.5 s per
// tenant per process. This measures that read on the PostgreSQL server with two tenants of
// MESSAGES messages each, with the indexes of migration 0007 and — the baseline, in the same run —
// without them (what the read cost before: a scan of the tenant's messages and tickets).
//
//   ATLAS_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a scratch database
//   is created next to it and dropped) · MESSAGES (default 200000) · RUNS (default 300)
import { performance } from 'node:perf_hooks'
import { sql } from 'drizzle-orm'

process.env.ATLAS_TEST_DATABASE_URL ??=
  process.env.ATLAS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const { createTestDatabase } = await import('../../testing/database.ts')
const { latestChange } = await import('../../server/tenant-changes.ts')
const { rowsOf } = await import('../../drizzle/database.ts')

const MESSAGES = Number(process.env.MESSAGES ?? 200_000)
const RUNS = Number(process.env.RUNS ?? 300)
const PER_CONVERSATION = 10

const scratch = await createTestDatabase()
const db = scratch.database.db
try {
  const tenants: string[] = []
  for (const slug of ['bench-a', 'bench-b']) {
    tenants.push(await seedTenant(slug))
  }
  await db.execute(sql`analyze`)
  const withIndexes = await measure(tenants[0]!)
  await db.execute(sql`drop index messages_tenant_time`)
  await db.execute(sql`drop index tickets_tenant_updated`)
  await db.execute(sql`analyze`)
  const without = await measure(tenants[0]!)

  const row = (name: string, m: Stats) =>
    `| ${name} | ${m.p50.toFixed(3)} | ${m.p95.toFixed(3)} | ${m.max.toFixed(3)} |`
  console.log(
    [
      `Latest-change read, ${MESSAGES.toLocaleString('en')} messages and ${(MESSAGES / PER_CONVERSATION).toLocaleString('en')} tickets per tenant, 2 tenants, ${RUNS} reads (ms):`,
      '',
      '| | p50 | p95 | max |',
      '| --- | --- | --- | --- |',
      row('with the 0007 indexes', withIndexes),
      row('baseline: without them', without),
      '',
      `p50 ratio baseline / indexed: ${(without.p50 / withIndexes.p50).toFixed(1)}×`,
      `At 1.5 s per tenant, the indexed read keeps ${((withIndexes.p50 / 1500) * 100).toFixed(4)} % of one connection busy per watched tenant.`,
    ].join('\n'),
  )
} finally {
  await scratch.drop()
}

interface Stats {
  p50: number
  p95: number
  max: number
}

async function measure(tenantId: string): Promise<Stats> {
  for (let i = 0; i < 20; i++) await latestChange(db, tenantId)
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await latestChange(db, tenantId)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: at(0.5), p95: at(0.95), max: times.at(-1)! }
}

/** A tenant with one channel and contact per conversation, MESSAGES messages, one ticket per conversation. */
async function seedTenant(slug: string): Promise<string> {
  const conversations = Math.floor(MESSAGES / PER_CONVERSATION)
  const [tenant] = rowsOf<{ id: string }>(
    await db.execute(sql`insert into tenants (slug, name) values (${slug}, ${slug}) returning id`),
  )
  const tenantId = tenant!.id
  await db.execute(sql`
    insert into channels (tenant_id, kind, name, key) values (${tenantId}, 'widget', 'Chat', ${`${slug}-chat`})`)
  await db.execute(sql`
    insert into contacts (tenant_id, name)
    select ${tenantId}, 'Customer ' || g from generate_series(1, ${conversations}) g`)
  await db.execute(sql`
    insert into conversations (tenant_id, channel_id, contact_id, last_message_at)
    select ${tenantId}, (select id from channels where key = ${`${slug}-chat`}), c.id,
           now() - (random() * interval '60 days')
    from contacts c where c.tenant_id = ${tenantId}`)
  await db.execute(sql`
    insert into messages (tenant_id, conversation_id, channel_id, direction, author, body, delivery_status, created_at)
    select ${tenantId}, v.id, v.channel_id, 'inbound', 'customer', 'Message ' || g, 'received',
           v.last_message_at - (g * interval '1 minute')
    from conversations v, generate_series(1, ${PER_CONVERSATION}) g where v.tenant_id = ${tenantId}`)
  await db.execute(sql`
    insert into tickets (tenant_id, conversation_id, contact_id, number, status, owner, updated_at)
    select ${tenantId}, v.id, v.contact_id, row_number() over (), 'resolved', 'bot', v.last_message_at
    from conversations v where v.tenant_id = ${tenantId}`)
  return tenantId
}
