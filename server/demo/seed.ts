// The demo tenant: Quillstack's support desk, with a chat widget (key `demo`), an API key and the
// Library of help articles. Created on first run; later runs only make sure the API key works.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { generateApiKey, installApiKey } from '../auth/api-keys.ts'
import { parseArticle } from '../library/article.ts'
import { upsertArticle } from '../library/store.ts'

export const DEMO_TENANT_SLUG = 'demo'
export const DEMO_WIDGET_KEY = 'demo'
const LIBRARY_DIR = fileURLToPath(new URL('./library', import.meta.url))

export interface DemoTenant {
  tenantId: string
  apiKey: string
  widgetKey: string
  /** True when this run created it. */
  created: boolean
}

export interface SeedOptions {
  /** Use this API key (ATLAS_DEMO_API_KEY); otherwise one is generated once and kept in `dataDir`. */
  apiKey?: string | undefined
  dataDir: string
}

export async function seedDemoTenant(db: Executor, options: SeedOptions): Promise<DemoTenant> {
  let [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG))
  const created = !tenant
  if (!tenant) {
    ;[tenant] = await db
      .insert(tenants)
      .values({ slug: DEMO_TENANT_SLUG, name: 'Quillstack (demo)', settings: { timeZone: 'Europe/Berlin' } })
      .onConflictDoNothing()
      .returning()
    tenant ??= (await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG)))[0]!
    await db
      .insert(channels)
      .values({ tenantId: tenant.id, kind: 'widget', name: 'Website chat', key: DEMO_WIDGET_KEY })
      .onConflictDoNothing()
    for (const file of readdirSync(LIBRARY_DIR)
      .filter((f) => f.endsWith('.md'))
      .sort()) {
      await upsertArticle(db, tenant.id, parseArticle(readFileSync(join(LIBRARY_DIR, file), 'utf8')))
    }
  }
  const apiKey = options.apiKey ?? rememberedKey(options.dataDir)
  await installApiKey(db, tenant.id, 'demo', apiKey)
  return { tenantId: tenant.id, apiKey, widgetKey: DEMO_WIDGET_KEY, created }
}

export async function findDemoTenant(db: Executor): Promise<string | null> {
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG))
  return tenant?.id ?? null
}

/** A generated demo key is written next to the data so every start can print the same key. */
function rememberedKey(dataDir: string): string {
  const path = join(dataDir, 'demo-api-key')
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const key = generateApiKey()
  writeFileSync(path, `${key}\n`, { mode: 0o600 })
  return key
}
