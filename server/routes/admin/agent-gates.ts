// The confidence gate per AI agent: at or above `auto` an answer is sent without a person; from
// `review` a draft waits for approval; below, the agent hands over. Stored in the tenant's settings
// (`settings.agentGates`), read by the agent runtime on every turn (server/tenant-settings.ts).
import { eq, sql } from 'drizzle-orm'
import { Hono } from 'hono'
import type { GateConfig } from '../../../agents/gate.ts'
import { gateFor } from '../../../agents/services.ts'
import type { Executor } from '../../../drizzle/database.ts'
import { tenants } from '../../../drizzle/schema/tenants.ts'
import { agentDecisions } from '../../../drizzle/schema/tickets.ts'
import { limitBody, readBody } from '../../http/body.ts'
import { type DeploymentGates, deploymentGates, type Runtime } from '../../runtime.ts'
import { AgentGatesSchema, gateOverridesOf } from '../../tenant-settings.ts'
import { type Env, tenantOf } from './common.ts'

const PutBody = AgentGatesSchema.refine((gates) => Object.keys(gates).length <= 50, 'set at most 50 agents')

/** The agents every deployment has; agents defined in code appear once set or once they decided. */
const BUILTIN_AGENTS = ['atlas', 'loot']

export type GateRuntime = Pick<Runtime, 'database' | 'logger'> & {
  config?: { gate?: Partial<Pick<GateConfig, 'auto' | 'review' | 'minMargin'>> } | undefined
}

async function gatesView(db: Executor, tenantId: string, { gate: base, agentGates }: DeploymentGates) {
  const [tenant] = await db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
  const overrides = { ...gateOverridesOf(tenant?.settings ?? {}), deployment: agentGates }
  const decided = await db
    .selectDistinct({ agent: agentDecisions.agent })
    .from(agentDecisions)
    .where(eq(agentDecisions.tenantId, tenantId))
  const names = [
    ...new Set([
      ...BUILTIN_AGENTS,
      ...Object.keys(overrides.agents ?? {}),
      ...decided.map((d) => d.agent).filter((a) => a !== 'router'),
    ]),
  ]
  const defaults = gateFor(base, { tenant: overrides.tenant }, '')
  return {
    defaults: { auto: defaults.auto, review: defaults.review },
    agents: names.map((agent) => {
      const gate = gateFor(base, overrides, agent)
      const custom = Object.hasOwn(overrides.agents ?? {}, agent)
      return { agent, auto: gate.auto, review: gate.review, custom }
    }),
  }
}

export function agentGateRoutes(runtime: GateRuntime) {
  const db = runtime.database.db
  const base = deploymentGates({ gate: runtime.config?.gate ?? {} })
  const app = new Hono<Env>()
  app.use('*', limitBody(16 * 1024))

  app.get('/gates', async (c) => c.json(await gatesView(db, tenantOf(c), base)))

  // The whole map: agents left out go back to the default thresholds.
  app.put('/gates', async (c) => {
    const tenantId = tenantOf(c)
    const gates = await readBody(c, PutBody, 'agent gates')
    await db
      .update(tenants)
      .set({
        settings: sql`${tenants.settings} || jsonb_build_object('agentGates', ${JSON.stringify(gates)}::jsonb)`,
      })
      .where(eq(tenants.id, tenantId))
    runtime.logger.info({ tenantId, by: c.get('auth').operator, gates }, 'agent gates changed')
    return c.json(await gatesView(db, tenantId, base))
  })

  return app
}
