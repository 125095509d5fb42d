// API keys: shown once, stored as a SHA-256 hash, looked up by hash on every request.
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, isNull, lt, or } from 'drizzle-orm'
import type { Executor } from '../../drizzle/database.ts'
import { API_KEY_SCOPES, type ApiKeyScope, apiKeys } from '../../drizzle/schema/tenants.ts'

export function generateApiKey(): string {
  return `atlas_${randomBytes(24).toString('base64url')}`
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** The first characters of a key, stored so a person can tell keys apart (never enough to use one). */
export function keyPrefix(key: string): string {
  return key.slice(0, 12)
}

export interface ApiKeyIdentity {
  keyId: string
  tenantId: string
  name: string
  scopes: ApiKeyScope[]
}

/**
 * `lastUsedAt` is written at most once a minute per key: enough to tell a live key from a forgotten
 * one, without a write on every request.
 */
export const LAST_USED_PRECISION_MS = 60_000

/** The active (not revoked) key, noting its use; null for an unknown or revoked key. */
export async function findApiKey(
  db: Executor,
  key: string,
  now = new Date(),
): Promise<ApiKeyIdentity | null> {
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      tenantId: apiKeys.tenantId,
      name: apiKeys.name,
      scopes: apiKeys.scopes,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
  if (!row) return null
  const { lastUsedAt, ...identity } = row
  const stale = new Date(now.getTime() - LAST_USED_PRECISION_MS)
  if (!lastUsedAt || lastUsedAt < stale) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))))
  }
  return identity
}

/** Makes `key` an active key of the tenant under `name`, revoking other keys of that name. */
export async function installApiKey(
  db: Executor,
  tenantId: string,
  name: string,
  key: string,
  scopes: readonly ApiKeyScope[] = API_KEY_SCOPES,
): Promise<void> {
  const keyHash = hashApiKey(key)
  await db.transaction(async (tx) => {
    const existing = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.name, name)))
    for (const row of existing) {
      if (row.keyHash !== keyHash && !row.revokedAt) {
        await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, row.id))
      }
    }
    if (!existing.some((row) => row.keyHash === keyHash)) {
      await tx
        .insert(apiKeys)
        .values({ tenantId, name, keyHash, prefix: keyPrefix(key), scopes: [...scopes] })
    } else {
      await tx
        .update(apiKeys)
        .set({ revokedAt: null, scopes: [...scopes] })
        .where(eq(apiKeys.keyHash, keyHash))
    }
  })
}
