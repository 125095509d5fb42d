// API keys with scopes, over HTTP against the real app: an admin makes keys (shown once, only the
// hash stored), a read-only key reads but cannot change anything, a write key cannot reach
// /v1/admin, an admin key manages keys, and a revoked key is refused on its next request.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { libraryDocuments } from '../../../drizzle/schema/library.ts'
import { apiKeys, tenants } from '../../../drizzle/schema/tenants.ts'
import { startTestRuntime, type TestRuntime } from '../../../testing/runtime.ts'
import { type SignedIn, signIn } from '../../../testing/team.ts'
import { hashApiKey, installApiKey } from '../../auth/api-keys.ts'

let t: TestRuntime
let admin: SignedIn

interface KeyView {
  id: string
  name: string
  prefix: string
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
  revoked: boolean
  revokedAt: string | null
}
interface ErrorBody {
  error: {
    code: string
    message: string
    issues?: Array<{ path: string; message: string }>
    details?: unknown
  }
}

beforeAll(async () => {
  t = await startTestRuntime()
  admin = await signIn(t, 'admin@quillstack.example', 'atlas-demo-admin')
})
afterAll(async () => {
  await t?.stop()
})

/** Calls the app with `key` as the Bearer token. */
function withKey(key: string, method: string, path: string, body?: unknown) {
  return Promise.resolve(
    t.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  )
}

async function read<T>(response: Promise<Response> | Response, status: number): Promise<T> {
  const res = await response
  const text = await res.text()
  expect(res.status, text).toBe(status)
  return JSON.parse(text) as T
}

async function createKey(scopes: string[], name = `key-${randomUUID().slice(0, 8)}`) {
  return read<{ apiKey: KeyView; key: string }>(
    admin.call('POST', '/v1/admin/api-keys', { name, scopes }),
    201,
  )
}

const article = (slug: string) => ({
  markdown: `---\nslug: ${slug}\ntitle: Scoped keys\n---\n\nIntro.\n\n## Section\n\nText.\n`,
})

describe('making and listing API keys', () => {
  it('shows the key once, stores only its hash, and lists keys with their scopes', async () => {
    const response = await admin.call('POST', '/v1/admin/api-keys', {
      name: 'Zapier sync',
      scopes: ['write', 'read'],
    })
    expect(response.headers.get('cache-control')).toBe('no-store')
    const created = await read<{ apiKey: KeyView; key: string }>(response, 201)
    expect(created.key).toMatch(/^atlas_[A-Za-z0-9_-]{32}$/)
    expect(created.apiKey).toMatchObject({
      name: 'Zapier sync',
      prefix: created.key.slice(0, 12),
      scopes: ['read', 'write'],
      lastUsedAt: null,
      revoked: false,
    })

    // Nowhere in the table, in any column: only the SHA-256.
    const rows = await t.runtime.database.query<{ row: string; key_hash: string }>(
      `select row_to_json(k)::text as row, key_hash from api_keys k where id = $1`,
      [created.apiKey.id],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]!.row).not.toContain(created.key)
    expect(rows[0]!.row).not.toContain(created.key.slice(12))
    expect(rows[0]!.key_hash).toBe(hashApiKey(created.key))

    const { apiKeys: listed } = await read<{ apiKeys: KeyView[] }>(
      admin.call('GET', '/v1/admin/api-keys'),
      200,
    )
    expect(listed.find((k) => k.id === created.apiKey.id)).toEqual(created.apiKey)
    // The key from before scopes (the demo key) can do everything, as it could before.
    expect(listed.find((k) => k.name === 'demo')).toMatchObject({ scopes: ['read', 'write', 'admin'] })
    expect(JSON.stringify(listed)).not.toContain(created.key)
  })

  it('refuses a bad request with 422 naming the field, and writes nothing', async () => {
    const before = (await t.runtime.database.db.select().from(apiKeys)).length
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', scopes: ['owner'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['read', 'read'] }, 'scopes'],
      [{ name: 'x' }, 'scopes'],
      [{ scopes: ['read'] }, 'name'],
      [{ name: '  ', scopes: ['read'] }, 'name'],
      [{ name: 'two\nlines', scopes: ['read'] }, 'name'],
      [{ name: 'x'.repeat(121), scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: 'read' }, 'scopes'],
      [{ name: 'x', scopes: ['read'], key: 'atlas_mine' }, '(root)'],
    ]
    for (const [body, field] of cases) {
      const { error } = await read<ErrorBody>(admin.call('POST', '/v1/admin/api-keys', body), 422)
      expect(error.code, JSON.stringify(body)).toBe('validation_failed')
      expect(
        error.issues?.map((i) => i.path),
        JSON.stringify(body),
      ).toContain(field)
    }
    expect((await t.runtime.database.db.select().from(apiKeys)).length).toBe(before)
  })

  it('keeps names unique among active keys: 409 while one is active, free again once revoked', async () => {
    const first = await createKey(['read'], 'Reporting')
    const { error } = await read<ErrorBody>(
      admin.call('POST', '/v1/admin/api-keys', { name: 'Reporting', scopes: ['read'] }),
      409,
    )
    expect(error).toMatchObject({ code: 'conflict' })
    expect(error.message).toContain('"Reporting"')
    await read(admin.call('POST', `/v1/admin/api-keys/${first.apiKey.id}/revoke`), 200)
    await createKey(['read'], 'Reporting')
  })
})

describe('what each scope allows', () => {
  it('a read-only key can GET but gets 403 naming "write" on a change', async () => {
    const { key } = await createKey(['read'])
    await read(withKey(key, 'GET', '/v1/conversations'), 200)
    await read(withKey(key, 'GET', '/v1/today'), 200)
    const me = await read<{ apiKey: { name: string }; role: string }>(withKey(key, 'GET', '/v1/auth/me'), 200)
    expect(me.role).toBe('agent')

    const slug = `scoped-${randomUUID().slice(0, 8)}`
    const { error } = await read<ErrorBody>(withKey(key, 'POST', '/v1/library/articles', article(slug)), 403)
    expect(error).toMatchObject({ code: 'forbidden', details: { missingScope: 'write' } })
    expect(error.message).toContain('lacks the "write" scope')
    // Refused before anything ran: the article does not exist.
    const stored = await t.runtime.database.db
      .select()
      .from(libraryDocuments)
      .where(eq(libraryDocuments.slug, slug))
    expect(stored).toEqual([])

    const admin403 = await read<ErrorBody>(withKey(key, 'GET', '/v1/admin/tags'), 403)
    expect(admin403.error).toMatchObject({ code: 'forbidden', details: { missingScope: 'admin' } })
  })

  it('a write key can change things but cannot reach /v1/admin, however the path is spelled', async () => {
    const { key } = await createKey(['read', 'write'])
    await read(withKey(key, 'POST', '/v1/library/articles', article(`w-${randomUUID().slice(0, 8)}`)), 201)
    for (const [method, path] of [
      ['GET', '/v1/admin/tags'],
      ['POST', '/v1/admin/tags'],
      ['GET', '/v1/admin/api-keys'],
      ['POST', '/v1/admin/api-keys'],
      ['POST', '/v1/%61dmin/tags'],
      ['GET', '/v1/admin/team/members'],
    ] as const) {
      const res = await withKey(
        key,
        method,
        path,
        method === 'POST' ? { name: 'x', scopes: ['admin'] } : undefined,
      )
      const body = (await res.json()) as ErrorBody
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(body.error).toMatchObject({ code: 'forbidden', details: { missingScope: 'admin' } })
    }
    // Nothing was made by the refused requests.
    const names = (await t.runtime.database.db.select({ name: apiKeys.name }).from(apiKeys)).map(
      (r) => r.name,
    )
    expect(names).not.toContain('x')
  })

  it('scopes do not imply each other: a write-only key cannot read', async () => {
    const { key } = await createKey(['write'])
    const { error } = await read<ErrorBody>(withKey(key, 'GET', '/v1/conversations'), 403)
    expect(error).toMatchObject({ details: { missingScope: 'read' } })
  })

  it('an admin key makes and revokes keys; a revoked key gets 401 on its very next request', async () => {
    const adminKey = (await createKey(['admin'])).key
    const made = await read<{ apiKey: KeyView; key: string }>(
      withKey(adminKey, 'POST', '/v1/admin/api-keys', { name: 'made by a key', scopes: ['read'] }),
      201,
    )
    await read(withKey(made.key, 'GET', '/v1/conversations'), 200)

    const revoked = await read<{ apiKey: KeyView }>(
      withKey(adminKey, 'POST', `/v1/admin/api-keys/${made.apiKey.id}/revoke`),
      200,
    )
    expect(revoked.apiKey).toMatchObject({ id: made.apiKey.id, revoked: true })
    const refused = await withKey(made.key, 'GET', '/v1/conversations')
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } })

    // Revoking again changes nothing; an unknown id is 404.
    const again = await read<{ apiKey: KeyView }>(
      withKey(adminKey, 'POST', `/v1/admin/api-keys/${made.apiKey.id}/revoke`),
      200,
    )
    expect(again.apiKey.revokedAt).toBe(revoked.apiKey.revokedAt)
    await read(withKey(adminKey, 'POST', `/v1/admin/api-keys/${randomUUID()}/revoke`), 404)
    await read(withKey(adminKey, 'POST', '/v1/admin/api-keys/not-a-uuid/revoke'), 404)
  })

  it('notes when a key was last used', async () => {
    const { apiKey, key } = await createKey(['read'])
    await read(withKey(key, 'GET', '/v1/today'), 200)
    const { apiKeys: listed } = await read<{ apiKeys: KeyView[] }>(
      admin.call('GET', '/v1/admin/api-keys'),
      200,
    )
    const used = listed.find((k) => k.id === apiKey.id)!
    expect(used.lastUsedAt).not.toBeNull()
    expect(Date.now() - new Date(used.lastUsedAt!).getTime()).toBeLessThan(60_000)
  })
})

describe('keys of another tenant', () => {
  it('are neither listed nor revocable', async () => {
    const [other] = await t.runtime.database.db
      .insert(tenants)
      .values({ slug: `keys-${randomUUID().slice(0, 8)}`, name: 'Other' })
      .returning()
    const otherKey = `atlas_other_${randomUUID().replaceAll('-', '')}`
    await installApiKey(t.runtime.database.db, other!.id, 'theirs', otherKey)
    const [row] = await t.runtime.database.db.select().from(apiKeys).where(eq(apiKeys.tenantId, other!.id))

    const { apiKeys: listed } = await read<{ apiKeys: KeyView[] }>(
      admin.call('GET', '/v1/admin/api-keys'),
      200,
    )
    expect(listed.map((k) => k.id)).not.toContain(row!.id)
    await read(admin.call('POST', `/v1/admin/api-keys/${row!.id}/revoke`), 404)
    await read(withKey(otherKey, 'GET', '/v1/conversations'), 200)
  })
})
