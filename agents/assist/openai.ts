// The `openai` side of AI assist: one structured chat completion per request (function calling with
// a strict tool, validated with zod), built like the agents' OpenAI model — Chat Completions
// explicitly, our own retries with typed errors, and the tokens of every call counted.
import { type AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages'
import { ChatOpenAICompletions } from '@langchain/openai'
import type { z } from 'zod'
import type { Logger } from '../../common/logger.ts'
import type { ModelUsage } from '../model.ts'
import { OPENAI_DEFAULTS, type OpenAIModelOptions } from '../openai/openai-model.ts'
import { type RetryPolicy, withRetries } from '../openai/retry.ts'
import { malformed, type OpenAIFunctionTool, parseStructured } from '../openai/structured.ts'

export interface StructuredRequest<S extends z.ZodType> {
  system: string
  user: string
  /** The function the model must call with its answer (see `structuredTool`). */
  tool: OpenAIFunctionTool
  schema: S
  /** What the answer is, for error messages ("summary from the model"). */
  what: string
}

export interface StructuredAnswer<T> {
  output: T
  /** Tokens this call used (all attempts that got an answer). */
  usage: ModelUsage
}

/** What assist needs from an LLM: one structured answer per call. */
export interface AssistModel {
  /** `openai:<model>`, recorded with what it wrote. */
  readonly name: string
  structured<S extends z.ZodType>(request: StructuredRequest<S>): Promise<StructuredAnswer<z.output<S>>>
}

export class OpenAIAssistModel implements AssistModel {
  readonly name: string
  readonly #chat: ChatOpenAICompletions
  readonly #policy: RetryPolicy
  readonly #logger: Logger | undefined

  constructor(options: OpenAIModelOptions) {
    this.name = `openai:${options.model}`
    this.#logger = options.logger
    this.#policy = {
      maxAttempts: options.maxAttempts ?? OPENAI_DEFAULTS.maxAttempts,
      backoff: options.backoff ?? OPENAI_DEFAULTS.backoff,
    }
    // Retries are ours (typed errors, Retry-After), so none in the client.
    this.#chat = new ChatOpenAICompletions({
      model: options.model,
      apiKey: options.apiKey,
      configuration: options.baseURL ? { baseURL: options.baseURL } : {},
      timeout: options.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs,
      maxRetries: 0,
    })
  }

  async structured<S extends z.ZodType>(
    request: StructuredRequest<S>,
  ): Promise<StructuredAnswer<z.output<S>>> {
    const name = request.tool.function.name
    const reply: AIMessage = await withRetries(
      () =>
        this.#chat.invoke([new SystemMessage(request.system), new HumanMessage(request.user)], {
          tools: [request.tool],
          tool_choice: { type: 'function', function: { name } },
        }),
      this.#policy,
      {
        onRetry: (failure, attempt, delayMs) =>
          this.#logger?.warn(
            { model: this.name, attempt, status: failure.status, reason: failure.kind, delayMs },
            'assist model call failed, retrying',
          ),
      },
    )
    const usage = {
      promptTokens: reply.usage_metadata?.input_tokens ?? 0,
      completionTokens: reply.usage_metadata?.output_tokens ?? 0,
    }
    const [invalid] = reply.invalid_tool_calls ?? []
    if (invalid)
      throw malformed(`The model called ${invalid.name ?? 'a tool'} with arguments that are not JSON`)
    const calls = reply.tool_calls ?? []
    const call = calls.find((c) => c.name === name)
    if (!call) throw malformed(`The model answered without calling ${name}`)
    if (calls.length > 1)
      throw malformed(`The model made ${calls.length} tool calls; ${name} once was expected`)
    return { output: parseStructured(request.schema, call.args, request.what), usage }
  }
}
