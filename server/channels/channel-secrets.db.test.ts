// Channel secrets at rest, against a real database and runtime: rows from before encryption are
// encrypted at start-up (once: a second pass finds nothing), no secret is left readable in the
// table, webhooks verify and replies send with the decrypted values, a ciphertext copied to another
// channel is refused, a start with the wrong key stops with a clear typed error, and a rotation
// (new key, old key kept for reading) re-seals everything under the new key.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signBody } from '../../adapters/shared/hmac-signature.ts'
import { envelope } from '../../adapters/whatsapp/test-fixtures.ts'
import { AtlasError } from '../../common/errors.ts'
import { silentLogger } from '../../common/logger.ts'
import {
  generateSecretKey,
  isSealed,
  parseSecretKey,
  SecretBox,
  sealedKeyId,
} from '../../common/secret-box.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { createTestDatabase, type TestDatabase } from '../../testing/database.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { eventually, testModel } from '../../testing/runtime.ts'
import { createApp } from '../app.ts'
import { loadConfig } from '../config.ts'
import { type Runtime, startRuntime } from '../runtime.ts'
import { openChannelConfig } from './channel-config.ts'
import { sealStoredChannelSecrets } from './seal-stored-secrets.ts'

const KEY_A = generateSecretKey()
const KEY_B = generateSecretKey()

/** Distinctive values, so finding any of them in the table means a secret was stored readable. */
const LEGACY = {
  accessToken: `EAAG-legacy-access-${randomUUID()}`,
  appSecret: `legacy-app-secret-${randomUUID()}`,
  verifyToken: `legacy-verify-${randomUUID()}`,
}
const DEMO = {
  ATLAS_DEMO_META_APP_SECRET: `demo-app-secret-${randomUUID()}`,
  ATLAS_DEMO_META_VERIFY_TOKEN: `demo-verify-${randomUUID()}`,
  ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: `EAAG-demo-access-${randomUUID()}`,
  ATLAS_DEMO_PAGE_ACCESS_TOKEN: `EAAG-demo-page-${randomUUID()}`,
  ATLAS_DEMO_EMAIL_WEBHOOK_SECRET: `demo-email-secret-${randomUUID()}`,
  ATLAS_DEMO_SMTP_URL: `smtp://mailer:smtp-pass-${randomUUID()}@127.0.0.1:2525`,
  ATLAS_DEMO_MENTIONS_SECRET: `demo-mentions-secret-${randomUUID()}`,
}
const SECRETS = [
  ...Object.values(LEGACY),
  ...Object.values(DEMO).map((v) => v.replace(/^smtp:\/\/mailer:/, '')),
]

let testDb: TestDatabase
let graph: FakeGraphApi
let tenantId: string
/** Two channels as a version before encryption left them: secrets in plaintext. */
let legacy: { id: string; key: string }
let other: { id: string; key: string }

function legacyConfig(accessToken: string) {
  return { phoneNumberId: '106540352242922', graphBase: graph.url, ...LEGACY, accessToken }
}

async function start(
  env: Record<string, string>,
): Promise<{ runtime: Runtime; app: ReturnType<typeof createApp> }> {
  const config = loadConfig({
    ATLAS_DATA_DIR: '.tmp/test-data',
    ATLAS_MODEL_CACHE_DIR: '.tmp/model-cache',
    ATLAS_DEMO_API_KEY: 'atlas_secrets_test_key_0123456789',
    ATLAS_DEMO_GRAPH_BASE: graph.url,
    ...DEMO,
    ...env,
  })
  // The database outlives each runtime: the next start reads what the last one stored.
  const database = { ...testDb.database, close: async () => {} }
  const runtime = await startRuntime(config, silentLogger, { database, model: testModel() })
  return { runtime, app: createApp(runtime) }
}

/** Every channel config as stored, as text. */
async function storedConfigs(): Promise<Array<{ key: string; config: string }>> {
  return testDb.database.query('select key, config::text as config from channels order by key')
}

/** The sealed values of the stored configs (top level and nested). */
async function sealedValues(): Promise<string[]> {
  const rows = await storedConfigs()
  return rows.flatMap((r) => [...r.config.matchAll(/"(enc:v1:[^"]+)"/g)].map((m) => m[1]!))
}

function webhook(app: ReturnType<typeof createApp>, key: string, secret: string, text = 'hello') {
  const body = JSON.stringify(
    envelope({
      messages: [
        {
          from: '15550001234',
          id: `wamid.secret.${randomUUID()}`,
          timestamp: '1749416383',
          type: 'text',
          text: { body: text },
        },
      ],
    }),
  )
  return app.request(`/webhooks/whatsapp/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(secret, body) },
    body,
  })
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  graph = await startFakeGraphApi(DEMO.ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN)
  const db = testDb.database.db
  const [tenant] = await db
    .insert(tenants)
    .values({ slug: `secrets-${randomUUID().slice(0, 8)}`, name: 'Legacy Co' })
    .returning()
  tenantId = tenant!.id
  const rows = await db
    .insert(channels)
    .values([
      {
        tenantId,
        kind: 'whatsapp',
        name: 'Legacy',
        key: `legacy-${randomUUID().slice(0, 8)}`,
        config: legacyConfig(LEGACY.accessToken),
      },
      {
        tenantId,
        kind: 'whatsapp',
        name: 'Other',
        key: `other-${randomUUID().slice(0, 8)}`,
        config: legacyConfig('EAAG-other'),
      },
    ])
    .returning({ id: channels.id, key: channels.key })
  ;[legacy, other] = rows as [typeof legacy, typeof other]
})
afterAll(async () => {
  await graph?.close()
  await testDb?.drop()
})

describe('channel secrets at rest', () => {
  let runtime: Runtime
  let app: ReturnType<typeof createApp>

  beforeAll(async () => {
    expect((await storedConfigs()).map((r) => r.config).join()).toContain(LEGACY.appSecret)
    ;({ runtime, app } = await start({ ATLAS_SECRET_KEY: KEY_A }))
  })
  afterAll(async () => {
    await runtime?.stop()
  })

  it('the start encrypted the rows stored in plaintext, and the seed stored the demo channels encrypted', async () => {
    const stored = await storedConfigs()
    const text = stored.map((r) => r.config).join('\n')
    for (const secret of SECRETS) expect(text).not.toContain(secret)
    // Non-secret fields stay readable.
    const legacyRow = JSON.parse(stored.find((r) => r.key === legacy.key)!.config) as Record<string, string>
    expect(legacyRow).toMatchObject({ phoneNumberId: '106540352242922', graphBase: graph.url })
    for (const field of ['accessToken', 'appSecret', 'verifyToken'])
      expect(isSealed(legacyRow[field])).toBe(true)
    const email = JSON.parse(stored.find((r) => r.key === 'email')!.config) as Record<string, string>
    expect(email.from).toContain('@')
    expect(isSealed(email.smtpUrl)).toBe(true)
    // 2 legacy WhatsApp × 3, demo: WhatsApp 3, Messenger 3, Instagram 3, email 2, mentions 1.
    const sealed = await sealedValues()
    expect(sealed).toHaveLength(18)
    expect(new Set(sealed.map(sealedKeyId))).toEqual(new Set([parseSecretKey(KEY_A, 'A').id]))
  })

  it('the upgrade pass is idempotent: run again, it finds nothing to do and changes nothing', async () => {
    const before = await storedConfigs()
    const box = new SecretBox(parseSecretKey(KEY_A, 'A'))
    expect(await sealStoredChannelSecrets(testDb.database.db, box, silentLogger)).toEqual({
      encrypted: 0,
      resealed: 0,
    })
    expect(await storedConfigs()).toEqual(before)
  })

  it('webhooks verify against the decrypted secrets of an upgraded row', async () => {
    const handshake = await app.request(
      `/webhooks/whatsapp/${legacy.key}?hub.mode=subscribe&hub.verify_token=${LEGACY.verifyToken}&hub.challenge=4242`,
    )
    expect(handshake.status).toBe(200)
    expect(await handshake.text()).toBe('4242')
    expect((await webhook(app, legacy.key, LEGACY.appSecret)).status).toBe(200)
    expect((await webhook(app, legacy.key, 'not-the-app-secret')).status).toBe(401)
    // The stored (sealed) values are not the secrets: they verify nothing.
    const stored = JSON.parse((await storedConfigs()).find((r) => r.key === legacy.key)!.config) as Record<
      string,
      string
    >
    expect((await webhook(app, legacy.key, stored.appSecret!)).status).toBe(401)
    const sealedToken = await app.request(
      `/webhooks/whatsapp/${legacy.key}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(stored.verifyToken!)}&hub.challenge=1`,
    )
    expect(sealedToken.status).toBe(403)
  })

  it('a reply goes out with the decrypted access token', async () => {
    const sent = graph.requests.length
    const question = 'How do I reset my password?'
    expect((await webhook(app, 'whatsapp', DEMO.ATLAS_DEMO_META_APP_SECRET, question)).status).toBe(200)
    const request = await eventually(
      async () =>
        graph.requests
          .slice(sent)
          .find((r) => r.method === 'POST' && r.path === '/v21.0/100000000000001/messages'),
      30_000,
      'the reply to reach the Cloud API',
    )
    expect(request.headers.authorization).toBe(`Bearer ${DEMO.ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN}`)
    expect(request.status).toBe(200)
    // Whatever went out on the upgraded row carried its own token, decrypted.
    for (const r of graph.requests.filter((r) => r.path === '/v21.0/106540352242922/messages')) {
      expect(r.headers.authorization).toBe(`Bearer ${LEGACY.accessToken}`)
    }
  })

  it('a ciphertext copied to another channel row does not decrypt: a typed error, and the webhook is refused', async () => {
    const db = testDb.database.db
    const [source] = await db.select().from(channels).where(eq(channels.id, legacy.id))
    const [target] = await db.select().from(channels).where(eq(channels.id, other.id))
    const moved = { ...target!.config, appSecret: source!.config.appSecret }
    await db.update(channels).set({ config: moved }).where(eq(channels.id, other.id))

    let error: unknown
    try {
      openChannelConfig(runtime.secretBox, { ...target!, config: moved })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(AtlasError)
    expect(error).toMatchObject({ code: 'secret_unreadable', details: { reason: 'not_authentic' } })
    expect((error as Error).message).toContain(`channels/${other.id}/appSecret`)

    // Signed with the secret the moved value holds: still refused, with nothing said about keys.
    const response = await webhook(app, other.key, LEGACY.appSecret)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: { code: 'secret_unreadable', message: 'Internal error' } })
    await db.update(channels).set({ config: target!.config }).where(eq(channels.id, other.id))
  })
})

describe('the key', () => {
  it('a start with the wrong key stops with a typed error naming the key and what to set', async () => {
    const wrong = parseSecretKey(KEY_B, 'B')
    let error: unknown
    try {
      const started = await start({ ATLAS_SECRET_KEY: KEY_B })
      await started.runtime.stop()
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(AtlasError)
    expect(error).toMatchObject({ code: 'secret_unreadable', details: { reason: 'unknown_key' } })
    const message = (error as Error).message
    expect(message).toContain(`encrypted with key ${parseSecretKey(KEY_A, 'A').id}, which is not configured`)
    expect(message).toContain(`the current key is ${wrong.id}`)
    expect(message).toContain('ATLAS_SECRET_KEYS_OLD')
    // Nothing was changed by the failed start.
    expect(new Set((await sealedValues()).map(sealedKeyId))).toEqual(new Set([parseSecretKey(KEY_A, 'A').id]))
  })

  it('rotation: with the old key kept for reading, a start re-seals every secret under the new key', async () => {
    const { runtime, app } = await start({ ATLAS_SECRET_KEY: KEY_B, ATLAS_SECRET_KEYS_OLD: KEY_A })
    try {
      const sealed = await sealedValues()
      expect(sealed).toHaveLength(18)
      expect(new Set(sealed.map(sealedKeyId))).toEqual(new Set([parseSecretKey(KEY_B, 'B').id]))
      expect((await webhook(app, legacy.key, LEGACY.appSecret)).status).toBe(200)
      // Once re-sealed, the new key alone opens everything: the old one may go.
      const newOnly = new SecretBox(parseSecretKey(KEY_B, 'B'))
      expect(await sealStoredChannelSecrets(testDb.database.db, newOnly, silentLogger)).toEqual({
        encrypted: 0,
        resealed: 0,
      })
      const [row] = await testDb.database.db.select().from(channels).where(eq(channels.id, legacy.id))
      expect(openChannelConfig(newOnly, row!)).toMatchObject(LEGACY)
    } finally {
      await runtime.stop()
    }
  })
})
