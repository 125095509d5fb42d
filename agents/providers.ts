// Which model provider each agent runs on, per tenant: `local` (offline, the default; each tenant's
// own when it has labelled examples) or `openai` (any OpenAI-compatible endpoint, when configured).
// A tenant's settings may choose a default and override it per agent:
//   { "models": { "default": "local", "agents": { "loot": "openai" } } }
import { z } from 'zod'
import { AtlasError } from '../common/errors.ts'
import type { AgentModel } from './model.ts'

export const PROVIDERS = ['local', 'openai'] as const
export type ProviderName = (typeof PROVIDERS)[number]

export const ModelChoiceSchema = z.object({
  default: z.enum(PROVIDERS).optional(),
  agents: z.record(z.string(), z.enum(PROVIDERS)).optional(),
})
export type ModelChoice = z.infer<typeof ModelChoiceSchema>

export interface ModelSources {
  /** The tenant's local model. */
  local(tenantId: string): Promise<AgentModel>
  openai?: AgentModel | undefined
}

/** The provider an agent runs on for a tenant: its own choice, else the tenant's default, else the deployment's. */
export function providerOf(choice: ModelChoice, agent: string, fallback: ProviderName): ProviderName {
  return choice.agents?.[agent] ?? choice.default ?? fallback
}

export class ModelRegistry {
  readonly #sources: ModelSources
  readonly #fallback: ProviderName

  constructor(sources: ModelSources, fallback: ProviderName = 'local') {
    if (fallback === 'openai' && !sources.openai) {
      throw new AtlasError('config_invalid', 'The default model provider openai is not configured')
    }
    this.#sources = sources
    this.#fallback = fallback
  }

  /** The model for each agent of a tenant, under the tenant's choice. */
  async forTenant(tenantId: string, choice: ModelChoice = {}): Promise<(agent: string) => AgentModel> {
    const local = await this.#sources.local(tenantId)
    return (agent) => {
      const name = providerOf(choice, agent, this.#fallback)
      if (name === 'local') return local
      if (!this.#sources.openai) {
        throw new AtlasError(
          'config_invalid',
          `Agent ${agent} is set to the openai model, which is not configured (set OPENAI_API_KEY)`,
        )
      }
      return this.#sources.openai
    }
  }
}
