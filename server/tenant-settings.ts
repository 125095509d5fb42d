// Reading a tenant's settings where the runtime needs them. Settings are validated when read: a
// bad value falls back to the default with a warning instead of failing every turn.
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { type ModelChoice, ModelChoiceSchema } from '../agents/providers.ts'
import type { GateOverrides, TenantAgentSettings } from '../agents/services.ts'
import type { Logger } from '../common/logger.ts'
import type { Executor } from '../drizzle/database.ts'
import { type TenantSettings, tenants } from '../drizzle/schema/tenants.ts'

async function settingsOf(db: Executor, tenantId: string): Promise<TenantSettings> {
  const [row] = await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId))
  return row?.settings ?? {}
}

export async function tenantModelChoice(
  db: Executor,
  tenantId: string,
  logger?: Logger,
): Promise<ModelChoice> {
  return modelChoiceOf(await settingsOf(db, tenantId), tenantId, logger)
}

/** What an agent turn needs from the tenant's settings, from one read of the tenant row. */
export async function tenantAgentSettings(
  db: Executor,
  tenantId: string,
  logger?: Logger,
): Promise<TenantAgentSettings> {
  const settings = await settingsOf(db, tenantId)
  return {
    models: modelChoiceOf(settings, tenantId, logger),
    gates: gateOverridesOf(settings, (issue) =>
      logger?.warn({ tenantId, ...issue }, 'tenant gate settings are invalid; using the default'),
    ),
  }
}

function modelChoiceOf(settings: TenantSettings, tenantId: string, logger?: Logger): ModelChoice {
  const parsed = ModelChoiceSchema.safeParse(settings.models ?? {})
  if (!parsed.success) {
    logger?.warn(
      { tenantId, issues: parsed.error.issues },
      'tenant model settings are invalid; using the default',
    )
    return {}
  }
  return parsed.data
}

/** An agent's name as agents are defined (atlas, loot, billing …). */
export const AgentNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'must be an agent name: 2–40 lowercase letters, digits, _ or -')
  .refine((name) => name !== 'router' && name !== 'clarify', 'router and clarify are not agents')

const Threshold = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1')

/** One agent's confidence gate: send alone at `auto` and above, draft for review from `review`. */
export const GateThresholdsSchema = z
  .strictObject({ auto: Threshold, review: Threshold })
  .refine((g) => g.review <= g.auto, { message: 'review must not be above auto', path: ['review'] })
export type GateThresholds = z.infer<typeof GateThresholdsSchema>

/** `settings.agentGates`: thresholds per agent name. */
export const AgentGatesSchema = z.record(AgentNameSchema, GateThresholdsSchema)

/** `settings.gate`: the tenant's thresholds for all its agents (each optional). */
const TenantGateSchema = z
  .object({ auto: Threshold.optional(), review: Threshold.optional(), minMargin: Threshold.optional() })
  .refine((g) => g.auto === undefined || g.review === undefined || g.review <= g.auto, {
    message: 'review must not be above auto',
  })

/**
 * The tenant's gate overrides for the agent runtime. Each stored value is checked on its own: a bad
 * one is skipped with a warning (that agent keeps the default), never failing the turn.
 */
export function gateOverridesOf(
  settings: TenantSettings,
  warn: (issue: { setting: string; issues: unknown }) => void = () => {},
): GateOverrides {
  const overrides: { tenant?: GateOverrides['tenant']; agents: Record<string, GateThresholds> } = {
    agents: {},
  }
  if (settings.gate !== undefined) {
    const tenantGate = TenantGateSchema.safeParse(settings.gate)
    if (tenantGate.success) {
      overrides.tenant = Object.fromEntries(
        Object.entries(tenantGate.data).filter(([, value]) => value !== undefined),
      )
    } else warn({ setting: 'gate', issues: tenantGate.error.issues })
  }
  const stored = settings.agentGates
  if (stored !== undefined) {
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      warn({ setting: 'agentGates', issues: 'not an object' })
    } else {
      for (const [agent, value] of Object.entries(stored)) {
        const name = AgentNameSchema.safeParse(agent)
        const gate = GateThresholdsSchema.safeParse(value)
        if (name.success && gate.success) overrides.agents[agent] = gate.data
        else
          warn({
            setting: `agentGates.${agent}`,
            issues: [...(name.error?.issues ?? []), ...(gate.error?.issues ?? [])],
          })
      }
    }
  }
  return overrides
}
