// AI assist for operators: conversation summaries and reply suggestions. Which provider writes them
// follows the tenant's model choice like an agent named `assist` (settings.models.agents.assist,
// then settings.models.default, then the deployment's ATLAS_MODEL); `openai` needs OPENAI_API_KEY
// and otherwise falls back to `local`, which needs nothing but the database.
import type { Logger } from '../../common/logger.ts'
import type { OpenAIModelOptions } from '../openai/openai-model.ts'
import type { ModelChoice, ProviderName } from '../providers.ts'
import type { AssistProvider } from './messages.ts'
import { type AssistModel, OpenAIAssistModel } from './openai.ts'

export type { AssistMessage, AssistProvider } from './messages.ts'
export type { AssistModel } from './openai.ts'
export { type Suggestion, type SuggestionsResult, suggestReplies } from './suggestions.ts'
export { type ConversationSummary, summarizeConversation } from './summary.ts'

/** The agent name tenants use to choose assist's provider in settings.models.agents. */
export const ASSIST_AGENT = 'assist'

export interface AssistOptions {
  /** The OpenAI-compatible endpoint (config.openai); absent: everything is local. */
  openai?: Omit<OpenAIModelOptions, 'logger'> | undefined
  /** Or a model built elsewhere (tests). */
  model?: AssistModel | undefined
  /** The deployment's default provider. */
  defaultProvider?: ProviderName | undefined
  /** The tenant's model choice; none: the deployment's default for everyone. */
  choiceFor?: ((tenantId: string) => Promise<ModelChoice>) | undefined
  logger?: Logger | undefined
}

export interface Assist {
  /** The LLM, when one is configured. */
  readonly model: AssistModel | undefined
  readonly logger: Logger | undefined
  /** The provider this tenant's assist runs on (`local` when openai is chosen but not configured). */
  providerFor(tenantId: string): Promise<AssistProvider>
}

export function createAssist(options: AssistOptions = {}): Assist {
  const logger = options.logger
  const model =
    options.model ?? (options.openai ? new OpenAIAssistModel({ ...options.openai, logger }) : undefined)
  const fallback = options.defaultProvider ?? 'local'
  return {
    model,
    logger,
    async providerFor(tenantId) {
      const choice = options.choiceFor ? await options.choiceFor(tenantId) : {}
      const chosen = choice.agents?.[ASSIST_AGENT] ?? choice.default ?? fallback
      if (chosen === 'openai' && !model) {
        logger?.warn({ tenantId }, 'assist is set to openai, which is not configured; using local')
        return 'local'
      }
      return chosen
    },
  }
}
