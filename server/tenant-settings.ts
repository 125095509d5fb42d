// Reading a tenant's settings where the runtime needs them. Settings are validated when read: a
// bad value falls back to the default with a warning instead of failing every turn.
import { eq } from 'drizzle-orm'
import { type ModelChoice, ModelChoiceSchema } from '../agents/providers.ts'
import type { Logger } from '../common/logger.ts'
import type { Executor } from '../drizzle/database.ts'
import { tenants } from '../drizzle/schema/tenants.ts'

export async function tenantModelChoice(
  db: Executor,
  tenantId: string,
  logger?: Logger,
): Promise<ModelChoice> {
  const [row] = await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId))
  const parsed = ModelChoiceSchema.safeParse(row?.settings.models ?? {})
  if (!parsed.success) {
    logger?.warn(
      { tenantId, issues: parsed.error.issues },
      'tenant model settings are invalid; using the default',
    )
    return {}
  }
  return parsed.data
}
