// Which model provider each agent runs on, per tenant: `local` (offline, the default) or `openai`
// (any OpenAI-compatible endpoint, when configured). A tenant's settings may choose a default and
// override it per agent: { "models": { "default": "local", "agents": { "loot": "openai" } } }.
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

export class ModelRegistry {
  readonly #models: Partial<Record<ProviderName, AgentModel>>
  readonly #fallback: ProviderName

  constructor(models: Partial<Record<ProviderName, AgentModel>>, fallback: ProviderName = 'local') {
    if (!models[fallback])
      throw new AtlasError('config_invalid', `The default model provider ${fallback} is not configured`)
    this.#models = models
    this.#fallback = fallback
  }

  /** The model for `agent` under a tenant's choice (which falls back to the deployment's default). */
  forAgent(agent: string, choice: ModelChoice = {}): AgentModel {
    const name = choice.agents?.[agent] ?? choice.default ?? this.#fallback
    const model = this.#models[name]
    if (!model) {
      throw new AtlasError(
        'config_invalid',
        `Agent ${agent} is set to the ${name} model, which is not configured (set OPENAI_API_KEY and OPENAI_MODEL)`,
      )
    }
    return model
  }
}
