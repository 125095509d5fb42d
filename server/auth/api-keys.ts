// API keys: shown once, stored as a SHA-256 hash, looked up by hash on every request.
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Executor } from '../../drizzle/database.ts'
import { apiKeys } from '../../drizzle/schema/tenants.ts'

export function generateApiKey(): string {
  return `atlas_${randomBytes(24).toString('base64url')}`
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export interface ApiKeyIdentity {
  keyId: string
  tenantId: string
  name: string
}

export async function findApiKey(db: Executor, key: string): Promise<ApiKeyIdentity | null> {
  const [row] = await db
    .select({ keyId: apiKeys.id, tenantId: apiKeys.tenantId, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
  return row ?? null
}

/** Makes `key` an active key of the tenant under `name`, revoking other keys of that name. */
export async function installApiKey(
  db: Executor,
  tenantId: string,
  name: string,
  key: string,
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
      await tx.insert(apiKeys).values({ tenantId, name, keyHash, prefix: key.slice(0, 12) })
    } else {
      await tx.update(apiKeys).set({ revokedAt: null }).where(eq(apiKeys.keyHash, keyHash))
    }
  })
}
