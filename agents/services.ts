// What agents get to work with for one tenant: the model, the gate, hybrid Library retrieval, and
// the read-only tools. Tools that change the world are not callable here: agents propose them.
import { AtlasError } from '../common/errors.ts'
import type { Executor } from '../drizzle/database.ts'
import type { AnyTool } from '../tools/define-tool.ts'
import { answerConfidence, answerFeatures } from './answer-confidence.ts'
import type { AgentServices, AgentSettings } from './define.ts'
import type { GateConfig } from './gate.ts'
import type { PassageMatcher } from './local/passage-matcher.ts'
import type { AgentModel } from './model.ts'
import type { ModelChoice, ModelRegistry } from './providers.ts'
import { type Retrieval, retrieve } from './retrieval.ts'
import type { AgentDecision, Router, TurnInput } from './router.ts'

export interface AgentRuntimeOptions {
  router: Router
  models: ModelRegistry
  /** The tenant's model choice and gate overrides (from its settings, read once per turn). */
  settingsFor?: ((tenantId: string) => Promise<TenantAgentSettings>) | undefined
  gate: GateConfig
  /** The deployment's per-agent thresholds (calibrated), under the tenant's own. */
  agentGates?: GateOverrides['deployment']
  db: Executor
  tools: readonly AnyTool[]
  settings: AgentSettings
  matcher?: ((tenantId: string) => Promise<PassageMatcher | null>) | undefined
  /** Sees every Library retrieval (the eval harness checks citations against what was retrieved). */
  onRetrieve?: ((retrieval: Retrieval) => void) | undefined
}

export interface AgentRuntime {
  readonly name: string
  run(input: TurnInput): Promise<AgentDecision>
}

export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  return {
    name: 'router',
    async run(input) {
      const tenant = options.settingsFor ? await options.settingsFor(input.tenantId) : undefined
      const modelFor = await options.models.forTenant(input.tenantId, tenant?.models ?? {})
      const gates = { ...tenant?.gates, deployment: options.agentGates }
      return options.router.run(input, (agent) =>
        servicesFor(options, input.tenantId, modelFor(agent), gateFor(options.gate, gates, agent)),
      )
    },
  }
}

/** What a tenant's settings say about its agents: which models, and which gate thresholds. */
export interface TenantAgentSettings {
  models: ModelChoice
  gates: GateOverrides
}

/** Thresholds a tenant sets: for all its agents, and per agent (which wins). */
export interface GateOverrides {
  /** The deployment's per-agent thresholds (calibrated from data, agents/calibrated-gates.json). */
  deployment?: Readonly<Record<string, Pick<GateConfig, 'auto' | 'review'>>> | undefined
  tenant?: Partial<Pick<GateConfig, 'auto' | 'review' | 'minMargin'>> | undefined
  agents?: Readonly<Record<string, Pick<GateConfig, 'auto' | 'review'>>> | undefined
}

/**
 * The gate one agent decides with, most specific last: the deployment's gate, its calibrated
 * thresholds for the agent, the tenant's thresholds, the tenant's thresholds for the agent.
 */
export function gateFor(base: GateConfig, overrides: GateOverrides, agent: string): GateConfig {
  const pick = (map: GateOverrides['agents']) => (map && Object.hasOwn(map, agent) ? map[agent] : undefined)
  const calibrated = pick(overrides.deployment)
  const deployment = calibrated ? { ...base, auto: calibrated.auto, review: calibrated.review } : base
  const merged = { ...deployment, ...overrides.tenant, ...pick(overrides.agents) }
  // Thresholds that contradict each other (review above auto) are not a gate: keep the deployment's.
  return merged.review <= merged.auto ? merged : deployment
}

export function servicesFor(
  options: AgentRuntimeOptions,
  tenantId: string,
  model: AgentModel,
  gate: GateConfig = options.gate,
): AgentServices {
  const readOnly = new Map(options.tools.filter((t) => !t.changesWorld).map((t) => [t.name, t]))
  return {
    model,
    gate,
    settings: options.settings,
    async retrieve(query) {
      const retrieval = await retrieve({ db: options.db, matcher: options.matcher }, tenantId, query)
      options.onRetrieve?.(retrieval)
      return retrieval
    },
    answerConfidence: (retrieval) => answerConfidence(answerFeatures(retrieval)),
    async callTool(name, input) {
      const tool = readOnly.get(name)
      if (!tool) throw new AtlasError('bad_request', `${name} is not a read-only tool agents may call`)
      return tool.call({ tenantId, db: options.db }, input)
    },
  }
}
