// The demo tenant: Quillstack's support desk, with a chat widget (key `demo`), an API key and the
// Library of help articles. Created on first run; later runs only make sure the API key works.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, eq } from 'drizzle-orm'
import { configSchemaFor } from '../../adapters/index.ts'
import { AtlasError } from '../../common/errors.ts'
import type { SecretBox } from '../../common/secret-box.ts'
import { parseInput } from '../../common/validation.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels, channelTemplates } from '../../drizzle/schema/channels.ts'
import { users } from '../../drizzle/schema/team.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { generateApiKey, installApiKey } from '../auth/api-keys.ts'
import { createUser, normalizeEmail } from '../auth/users.ts'
import { sealChannelConfig } from '../channels/channel-config.ts'
import type { DemoChannels, DemoTeam } from '../config.ts'
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
  /** One channel of each kind, id = kind name; configs come from ATLAS_DEMO_* and are refreshed each start. */
  channels?: DemoChannels | undefined
  /** Dashboard accounts: created when missing, never changed afterwards (a changed password stays). */
  team?: DemoTeam | undefined
  /** Seals the channels' secrets before they are stored. */
  secretBox: SecretBox
}

const CHANNEL_NAMES: Record<keyof DemoChannels, string> = {
  whatsapp: 'WhatsApp',
  email: 'Support email',
  messenger: 'Facebook Messenger',
  instagram: 'Instagram DMs',
  mentions: 'Social mentions',
}

/** An approved WhatsApp template, so the demo can reach a customer after the 24-hour window. */
const DEMO_TEMPLATE = {
  name: 'follow_up',
  language: 'en',
  body: 'Hi {{1}}, this is Quillstack support following up on your question. Reply here and we will pick it up.',
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
  if (options.channels) await seedDemoChannels(db, tenant.id, options.channels, options.secretBox)
  if (options.team) await seedDemoTeam(db, tenant.id, options.team)
  const apiKey = options.apiKey ?? rememberedKey(options.dataDir)
  await installApiKey(db, tenant.id, 'demo', apiKey)
  return { tenantId: tenant.id, apiKey, widgetKey: DEMO_WIDGET_KEY, created }
}

async function seedDemoChannels(
  db: Executor,
  tenantId: string,
  configs: DemoChannels,
  secretBox: SecretBox,
): Promise<void> {
  for (const [kind, raw] of Object.entries(configs) as [keyof DemoChannels, Record<string, unknown>][]) {
    const schema = configSchemaFor(kind)
    const config = (
      schema ? parseInput(schema, raw, `demo ${kind} channel (ATLAS_DEMO_*)`, 'config_invalid') : raw
    ) as Record<string, unknown>
    // Secrets are sealed for the row they are stored in: a new row's id is chosen here, an existing
    // row (refreshed at every start) keeps its own.
    const id = randomUUID()
    let [channel] = await db
      .insert(channels)
      .values({
        id,
        tenantId,
        kind,
        name: CHANNEL_NAMES[kind],
        key: kind,
        config: sealChannelConfig(secretBox, { id, kind }, config),
      })
      .onConflictDoNothing()
      .returning({ id: channels.id })
    if (!channel) {
      // A channel another tenant registered under the same id is never touched.
      const [existing] = await db
        .select({ id: channels.id })
        .from(channels)
        .where(and(eq(channels.key, kind), eq(channels.tenantId, tenantId), eq(channels.kind, kind)))
      if (existing) {
        await db
          .update(channels)
          .set({ config: sealChannelConfig(secretBox, { id: existing.id, kind }, config) })
          .where(eq(channels.id, existing.id))
      }
      channel = existing
    }
    if (kind === 'whatsapp' && channel) {
      await db
        .insert(channelTemplates)
        .values({ tenantId, channelId: channel.id, ...DEMO_TEMPLATE })
        .onConflictDoNothing()
    }
  }
}

async function seedDemoTeam(db: Executor, tenantId: string, team: DemoTeam): Promise<void> {
  for (const role of ['admin', 'agent'] as const) {
    const person = team[role]
    const [existing] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, normalizeEmail(person.email)))
    if (existing) continue
    try {
      await createUser(db, { tenantId, role, ...person })
    } catch (error) {
      // Another process created it a moment ago: that is the account.
      if (!(error instanceof AtlasError && error.code === 'conflict')) throw error
    }
  }
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
