// API keys: an admin makes one with a name and scopes (read, write, admin; see
// server/auth/api-key-scopes.ts), sees the key once in that answer — only its SHA-256 is stored —
// lists them (prefix, scopes, created, last used, revoked), and revokes one, which the next request
// with it feels (401).
import { and, desc, eq, isNull } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { API_KEY_SCOPES, apiKeys } from '../../../drizzle/schema/tenants.ts'
import { generateApiKey, hashApiKey, keyPrefix } from '../../auth/api-keys.ts'
import { limitBody, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import { type Env, findOwn, idParam, ownRow, tenantOf, unique } from './common.ts'

const KeyName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(120)
  .regex(/^[^\r\n]+$/, 'must be one line')

const Scopes = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1, 'name at least one scope: read, write or admin')
  .max(API_KEY_SCOPES.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a scope')
  // Stored in one order, so equal scope sets read the same.
  .transform((list) => API_KEY_SCOPES.filter((scope) => list.includes(scope)))

const CreateBody = z.strictObject({ name: KeyName, scopes: Scopes })
const Empty = z.strictObject({})

type Row = typeof apiKeys.$inferSelect

/** A key as the API shows it: never the key, never its hash. */
const apiKeyView = (row: Row) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revoked: row.revokedAt !== null,
  revokedAt: row.revokedAt,
})

export function apiKeyRoutes(runtime: Pick<Runtime, 'database' | 'logger'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(16 * 1024))

  app.get('/', async (c) => {
    const rows = await db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, tenantOf(c)))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    return c.json({ apiKeys: rows.map(apiKeyView) })
  })

  app.post('/', async (c) => {
    const body = await readBody(c, CreateBody, 'API key')
    const tenantId = tenantOf(c)
    const key = generateApiKey()
    const [row] = await unique(
      db
        .insert(apiKeys)
        .values({ tenantId, ...body, keyHash: hashApiKey(key), prefix: keyPrefix(key) })
        .returning(),
      `An active API key named "${body.name}" exists: revoke it, or choose another name`,
    )
    runtime.logger.info(
      { tenantId, keyId: row!.id, name: body.name, scopes: body.scopes, by: c.get('auth').operator },
      'API key created',
    )
    // The only time the key is shown: nothing between here and the caller should keep it.
    c.header('Cache-Control', 'no-store')
    return c.json({ apiKey: apiKeyView(row!), key }, 201)
  })

  app.post('/:id/revoke', async (c) => {
    const id = idParam(c)
    await readBody(c, Empty, 'revoke', { allowEmpty: true })
    const tenantId = tenantOf(c)
    const [revoked] = await db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(ownRow(apiKeys, tenantId, id), isNull(apiKeys.revokedAt)))
      .returning()
    if (revoked) {
      runtime.logger.info({ tenantId, keyId: id, by: c.get('auth').operator }, 'API key revoked')
    }
    // Revoking a revoked key changes nothing and says so by its unchanged revokedAt.
    return c.json({ apiKey: apiKeyView(revoked ?? (await findOwn(db, apiKeys, tenantId, id, 'API key'))) })
  })

  return app
}
