// Row-level security, checked in the database itself: every table that holds a tenant's data has
// the policy; a statement run under another tenant's setting (raw SQL, not through our code) sees
// none of the first tenant's rows and cannot write into them; and the app's tenant scope holds even
// a query that forgets its tenant filter to its own tenant.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JOB_SCHEMA } from '../server/jobs/job-store.ts'
import { JOB_TENANT_FIELD } from '../server/jobs/job-tenant.ts'
import { publicTables, tenantColumn, testDatabaseKind } from '../testing/database.ts'
import { createConversation, createInboundMessage, createTenant } from '../testing/fixtures.ts'
import { startTestRuntime, type TestRuntime } from '../testing/runtime.ts'
import { askThroughWidget } from '../testing/webhooks.ts'
import { rowsOf, type Tx } from './database.ts'
import { messages } from './schema/conversations.ts'
import { tickets } from './schema/tickets.ts'
import { TENANT_ROLE, withTenant } from './tenant-scope.ts'

let t: TestRuntime
let tenantA: string
let tenantB: string
let tables: string[]

beforeAll(async () => {
  t = await startTestRuntime()
  tenantA = t.tenantId
  // Tenant A: the demo workspace plus a conversation through the real pipeline, so its rows reach
  // most tables (contacts, identities, conversations, messages, tickets, events, decisions …).
  const { view } = await askThroughWidget(t, 'rls-visitor', 'I want a refund for my annual plan')
  await t.api('POST', `/v1/tickets/${view.ticket!.id}/notes`, { text: 'private note of tenant A' })
  await t.api('POST', `/v1/tickets/${view.ticket!.id}/tags`, { add: ['tenant-a-tag'] })
  // Tenant B: a workspace of its own with one conversation.
  const b = await createTenant(t.runtime.database.db)
  tenantB = b.tenant.id
  const { conversation } = await createConversation(t.runtime.database.db, tenantB, b.channel.id)
  await createInboundMessage(t.runtime.database.db, conversation, 'hello from tenant B')
  tables = await publicTables(t.runtime.database)
}, 120_000)

afterAll(async () => {
  await t?.stop()
})

/** Raw statements in one transaction as `tenantId` under the tenant role, as any client could. */
function asTenantRole<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return t.runtime.database.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('atlas.tenant_id', ${tenantId}, true)`)
    await tx.execute(sql.raw(`set local role ${TENANT_ROLE}`))
    return work(tx)
  })
}

async function countOf(tx: Tx | typeof t.runtime.database.db, query: string): Promise<number> {
  return Number(rowsOf<{ n: number | string }>(await tx.execute(sql.raw(query)))[0]!.n)
}
/** drizzle wraps the driver's error: the policy's refusal is its cause. */
const refusedByPolicy = (error: unknown) =>
  /row-level security/.test(String((error as { cause?: Error }).cause?.message ?? error))

describe(`row-level security (${testDatabaseKind})`, () => {
  it('every table holding tenant data has row-level security on, with the tenant policy for the tenant role', async () => {
    const rows = await t.runtime.database.query<{ name: string; enabled: boolean; policy: boolean }>(
      `select c.relname as name, c.relrowsecurity as enabled,
         exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
                 and p.policyname = 'tenant_isolation' and '${TENANT_ROLE}' = any (p.roles)) as policy
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    )
    expect(rows.length).toBeGreaterThanOrEqual(36)
    expect(rows.filter((r) => !r.enabled || !r.policy).map((r) => r.name)).toEqual([])
  })

  it("a direct SQL query under another tenant's setting sees none of its rows, in any table", async () => {
    const seen: Record<string, { ownerSeesA: number; bSeesA: number; bSeesAll: number; ownerSeesB: number }> =
      {}
    for (const table of tables) {
      const key = tenantColumn(table)
      const ownerSeesA = await countOf(
        t.runtime.database.db,
        `select count(*) as n from "${table}" where ${key} = '${tenantA}'`,
      )
      const ownerSeesB = await countOf(
        t.runtime.database.db,
        `select count(*) as n from "${table}" where ${key} = '${tenantB}'`,
      )
      const [bSeesA, bSeesAll] = await asTenantRole(tenantB, async (tx) => [
        await countOf(tx, `select count(*) as n from "${table}" where ${key} = '${tenantA}'`),
        // No filter at all: still only B's own rows.
        await countOf(tx, `select count(*) as n from "${table}"`),
      ])
      seen[table] = { ownerSeesA, bSeesA: bSeesA!, bSeesAll: bSeesAll!, ownerSeesB }
    }
    const withRowsOfA = Object.entries(seen).filter(([, s]) => s.ownerSeesA > 0)
    console.log(
      `row-level security: ${tables.length} tables; tenant A has rows in ${withRowsOfA.length}; ` +
        `tenant B's setting saw ${Object.values(seen).reduce((n, s) => n + s.bSeesA, 0)} of them`,
    )
    // Not vacuous: tenant A has rows in most tables.
    expect(withRowsOfA.length).toBeGreaterThanOrEqual(18)
    for (const [table, s] of Object.entries(seen)) {
      expect({ table, seen: s.bSeesA }).toEqual({ table, seen: 0 })
      expect({ table, all: s.bSeesAll }).toEqual({ table, all: s.ownerSeesB })
    }
  })

  it("writes into another tenant's rows are refused or touch nothing", async () => {
    await expect(
      asTenantRole(tenantB, (tx) =>
        tx.execute(sql`insert into tags (tenant_id, name) values (${tenantA}, 'planted-by-b')`),
      ),
    ).rejects.toSatisfy(refusedByPolicy)
    const changed = await asTenantRole(tenantB, async (tx) => {
      const updated = await tx.execute(
        sql`update tickets set subject = 'changed by b' where tenant_id = ${tenantA} returning id`,
      )
      const deleted = await tx.execute(sql`delete from messages where tenant_id = ${tenantA} returning id`)
      return rowsOf(updated).length + rowsOf(deleted).length
    })
    expect(changed).toBe(0)
    // Moving one of B's own rows into A is refused too (WITH CHECK).
    await expect(
      asTenantRole(tenantB, (tx) =>
        tx.execute(sql`update messages set tenant_id = ${tenantA} where tenant_id = ${tenantB}`),
      ),
    ).rejects.toSatisfy(refusedByPolicy)
    const [untouched] = await t.runtime.database.db
      .select()
      .from(tickets)
      .where(eq(tickets.tenantId, tenantA))
    expect(untouched!.subject).not.toBe('changed by b')
  })

  it('the tenant role with no tenant set reads nothing: the statement fails instead', async () => {
    await expect(
      t.runtime.database.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local role ${TENANT_ROLE}`))
        return tx.execute(sql`select count(*) from tickets`)
      }),
    ).rejects.toThrow()
  })

  it("the app's tenant scope holds a query that forgets its tenant filter to its own tenant", async () => {
    const db = t.runtime.database.db
    const ofA = await withTenant(tenantA, () => db.select().from(messages))
    const ofB = await withTenant(tenantB, () => db.select().from(messages))
    expect(ofA.length).toBeGreaterThan(0)
    expect(new Set(ofA.map((m) => m.tenantId))).toEqual(new Set([tenantA]))
    expect(ofB.map((m) => m.body)).toEqual(['hello from tenant B'])
    // The same inside a transaction, with an isolation level (drizzle's SET TRANSACTION comes first).
    const inTx = await withTenant(tenantB, () =>
      db.transaction((tx) => tx.select().from(messages), {
        isolationLevel: 'repeatable read',
        accessMode: 'read only',
      }),
    )
    expect(inTx.map((m) => m.tenantId)).toEqual([tenantB])
    // And writing another tenant's row through the scope is refused by the database.
    await expect(
      withTenant(tenantB, () =>
        db.insert(messages).values({ ...ofA[0]!, id: undefined as never, providerMessageId: null }),
      ),
    ).rejects.toThrow()
  })

  it("every job tenant A's work sent carries A's scope, so its handler runs under A's policies", async () => {
    const jobs = await t.runtime.database.query<{ name: string; tenant: string | null }>(
      `select name, data->>'${JOB_TENANT_FIELD}' as tenant from ${JOB_SCHEMA}.job
       where name like 'atlas.%' and name not in ('atlas.health-nightly', 'atlas.gap-digest-weekly')`,
    )
    // Inbound, agent turn, delivery, route, timers …: the pipeline's jobs for the conversation above.
    expect(new Set(jobs.map((j) => j.name)).size).toBeGreaterThanOrEqual(3)
    expect(jobs.filter((j) => j.tenant !== tenantA)).toEqual([])
  })

  it('nothing of a scope stays on a pooled connection: the next unscoped query runs as the owner', async () => {
    const db = t.runtime.database.db
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withTenant(i % 2 ? tenantA : tenantB, () => db.select({ id: tickets.id }).from(tickets)),
      ),
    )
    const after = await Promise.all(
      Array.from({ length: 30 }, () =>
        db.execute(sql`select current_user as who, current_setting('atlas.tenant_id', true) as tenant`),
      ),
    )
    for (const result of after) {
      const [row] = rowsOf<{ who: string; tenant: string | null }>(result)
      expect(row!.who).not.toBe(TENANT_ROLE)
      expect(row!.tenant ?? '').toBe('')
    }
  })
})
