// AI assist for operators: conversation summaries and reply suggestions. Which provider writes them
// follows the tenant's model choice like an agent named `assist` (settings.models.agents.assist,
// then settings.models.default, then the deployment's ATLAS_MODEL); `openai` needs OPENAI_API_KEY
// and otherwise falls back to `local`, which needs nothing but the database.
import type { Logger } from '../../common/logger.ts'
import { type ModelChoice, type ProviderName, providerOf } from '../providers.ts'
import type { AssistProvider } from './messages.ts'
import type { AssistModel } from './model.ts'

export type { AssistMessage, AssistProvider } from './messages.ts'
export type { AssistModel } from './model.ts'
export {
  DEFAULT_SUGGESTIONS,
  type Suggestion,
  type SuggestionsResult,
  suggestReplies,
} from './suggestions.ts'
export { type ConversationSummary, summarizeConversation } from './summary.ts'

/** The agent name tenants use to choose assist's provider in settings.models.agents. */
export const ASSIST_AGENT = 'assist'

export interface AssistOptions {
  /** The deployment's OpenAI-compatible model (the agents' own); absent: everything is local. */
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
  const model = options.model
  const fallback = options.defaultProvider ?? 'local'
  return {
    model,
    logger,
    async providerFor(tenantId) {
      const choice = options.choiceFor ? await options.choiceFor(tenantId) : {}
      const chosen = providerOf(choice, ASSIST_AGENT, fallback)
      if (chosen === 'openai' && !model) {
        logger?.warn({ tenantId }, 'assist is set to openai, which is not configured; using local')
        return 'local'
      }
      return chosen
    },
  }
}
