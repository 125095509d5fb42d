// The `openai` model provider: triage and composing by an LLM on any OpenAI-compatible
// chat-completions endpoint, with structured output by function calling and our own retries.
import {
  type AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages'
import { ChatOpenAICompletions, type ChatOpenAICompletionsCallOptions } from '@langchain/openai'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'
import { parseInput } from '../../common/validation.ts'
import type { Passage } from '../../tools/library-search.ts'
import type { AgentModel, ComposedReply, ComposeInput, ModelTool, ModelUsage, Triage } from '../model.ts'
import { withModelSpan } from '../model-telemetry.ts'
import {
  composeSystemPrompt,
  composeUserPrompt,
  MAX_TOOL_ROUNDS,
  passagesIn,
  REPLY_TOOL,
  ReplyOutputSchema,
  replyFrom,
  replyTool,
} from './compose.ts'
import { type BackoffOptions, type RetryPolicy, withRetries } from './retry.ts'
import {
  malformed,
  type OpenAIFunctionTool,
  parseStructured,
  type StructuredAnswer,
  type StructuredRequest,
} from './structured.ts'
import { TRIAGE_SYSTEM_PROMPT, TriageOutputSchema, toTriage, triageTool } from './triage.ts'

export interface OpenAIModelOptions {
  /** The API's base URL including `/v1`; OpenAI's when omitted. */
  baseURL?: string | undefined
  apiKey: string
  /** e.g. `gpt-4o-mini`; recorded as `openai:<model>`. */
  model: string
  /** Per request. */
  timeoutMs?: number | undefined
  /** Attempts per request in all, the first included. */
  maxAttempts?: number | undefined
  backoff?: BackoffOptions | undefined
  /** Retries are logged at `warn`. */
  logger?: Logger | undefined
  /** The HTTP client (evals pass one that records or replays cassettes); the global fetch by default. */
  fetch?: typeof fetch | undefined
}

export const OPENAI_DEFAULTS = {
  timeoutMs: 30_000,
  maxAttempts: 4,
  backoff: { baseMs: 500, maxMs: 20_000 },
} as const satisfies Partial<OpenAIModelOptions>

const OptionsSchema = z.object({
  baseURL: z.url().optional(),
  apiKey: z.string().min(1),
  model: z.string().min(1),
  timeoutMs: z.number().int().positive().default(OPENAI_DEFAULTS.timeoutMs),
  maxAttempts: z.number().int().min(1).max(20).default(OPENAI_DEFAULTS.maxAttempts),
  backoff: z
    .object({ baseMs: z.number().min(0), maxMs: z.number().min(0) })
    .refine((b) => b.baseMs <= b.maxMs, 'baseMs must not exceed maxMs')
    .default(OPENAI_DEFAULTS.backoff),
})

type CallOptions = Partial<ChatOpenAICompletionsCallOptions>

/** A `tool_choice` that makes the model call this one function. */
const mustCall = (name: string) => ({ type: 'function' as const, function: { name } })

export class OpenAIModel implements AgentModel {
  readonly name: string
  readonly #model: string
  readonly #chat: ChatOpenAICompletions
  readonly #policy: RetryPolicy
  readonly #logger: Logger | undefined
  readonly #usage: ModelUsage = { promptTokens: 0, completionTokens: 0 }

  constructor(options: OpenAIModelOptions) {
    const { logger, fetch, ...rest } = options
    const config = parseInput(OptionsSchema, rest, 'openai model options', 'config_invalid')
    this.name = `openai:${config.model}`
    this.#model = config.model
    this.#policy = { maxAttempts: config.maxAttempts, backoff: config.backoff }
    this.#logger = logger
    // Chat Completions explicitly: `ChatOpenAI` switches some models to the Responses API, which
    // OpenAI-compatible servers rarely speak. Retries are ours (typed errors, Retry-After), so 0 here.
    this.#chat = new ChatOpenAICompletions({
      model: config.model,
      apiKey: config.apiKey,
      configuration: { ...(config.baseURL ? { baseURL: config.baseURL } : {}), ...(fetch ? { fetch } : {}) },
      timeout: config.timeoutMs,
      maxRetries: 0,
    })
  }

  async triage(message: string): Promise<Triage> {
    const { output } = await this.structured({
      system: TRIAGE_SYSTEM_PROMPT,
      user: `<message>\n${message}\n</message>`,
      tool: triageTool,
      schema: TriageOutputSchema,
      what: 'triage from the model',
    })
    return toTriage(output)
  }

  /** One answer by calling `request.tool` exactly once (triage, and AI assist's summaries and suggestions). */
  async structured<S extends z.ZodType>(
    request: StructuredRequest<S>,
  ): Promise<StructuredAnswer<z.output<S>>> {
    const name = request.tool.function.name
    const reply = await this.#complete([new SystemMessage(request.system), new HumanMessage(request.user)], {
      tools: [request.tool],
      tool_choice: mustCall(name),
    })
    const [call, ...more] = toolCallsOf(reply, new Set([name]), name)
    if (!call) throw malformed(`The model answered in text instead of calling ${name}`)
    if (more.length > 0) throw malformed(`The model called ${name} more than once`)
    return {
      output: parseStructured(request.schema, call.args, request.what),
      usage: usageOf(reply),
    }
  }

  async compose(input: ComposeInput): Promise<ComposedReply | null> {
    const tools = input.tools ?? []
    const byName = new Map(tools.map((tool) => [tool.name, tool]))
    if (byName.size !== tools.length || byName.has(REPLY_TOOL)) {
      throw new AtlasError('config_invalid', `Tool names must be unique and not "${REPLY_TOOL}"`)
    }
    const offered = [...tools.map(asFunctionTool), replyTool]
    const offeredNames = new Set([...byName.keys(), REPLY_TOOL])
    const known = new Map<string, Passage>(input.passages.map((p) => [p.passageId, p]))
    const called: string[] = []
    const messages: BaseMessage[] = [
      new SystemMessage(composeSystemPrompt(input)),
      new HumanMessage(composeUserPrompt(input)),
    ]

    for (let round = 0; ; round++) {
      // With no tools, or the rounds spent, the only call left to make is the reply.
      const mustReply = tools.length === 0 || round === MAX_TOOL_ROUNDS
      const reply = await this.#complete(messages, {
        tools: offered,
        tool_choice: mustReply ? mustCall(REPLY_TOOL) : 'required',
      })
      const calls = toolCallsOf(reply, offeredNames, 'compose', round)
      const final = calls.find((call) => call.name === REPLY_TOOL)
      if (final) {
        if (calls.length > 1) throw malformed(`The model called ${REPLY_TOOL} together with other tools`)
        const output = parseStructured(ReplyOutputSchema, final.args, 'reply from the model')
        return replyFrom(output, known, tools.length > 0 ? [...new Set(called)] : undefined)
      }
      if (calls.length === 0) throw malformed(`The model answered in text instead of calling ${REPLY_TOOL}`)
      if (round === MAX_TOOL_ROUNDS) {
        throw malformed(`The model asked for more than ${MAX_TOOL_ROUNDS} tool rounds`, { rounds: round + 1 })
      }
      messages.push(reply)
      for (const call of calls) {
        const output = await runTool(byName.get(call.name)!, call.args, round + 1)
        // Passages a tool found may be cited like the given ones (the given ones win on a clash).
        for (const passage of passagesIn(output)) {
          if (!known.has(passage.passageId)) known.set(passage.passageId, passage)
        }
        messages.push(new ToolMessage({ tool_call_id: call.id, content: JSON.stringify(output ?? null) }))
        called.push(call.name)
      }
    }
  }

  usage(): ModelUsage {
    return { ...this.#usage }
  }

  /** One chat completion, retried on provider failures; counts the tokens of every answer. */
  async #complete(messages: BaseMessage[], options: CallOptions): Promise<AIMessage> {
    const call = {
      provider: 'openai',
      model: this.#model,
      operation: 'chat',
      input: () => messages.map((m) => ({ role: m.type, content: m.content })),
    }
    const reply = await withModelSpan(
      call,
      () =>
        withRetries(() => this.#chat.invoke(messages, options), this.#policy, {
          onRetry: (failure, attempt, delayMs) =>
            this.#logger?.warn(
              { model: this.name, attempt, status: failure.status, reason: failure.kind, delayMs },
              'model call failed, retrying',
            ),
        }),
      (answer) => {
        const used = usageOf(answer)
        const meta = answer.response_metadata as { model_name?: string; finish_reason?: string } | undefined
        return {
          inputTokens: used.promptTokens,
          outputTokens: used.completionTokens,
          responseModel: meta?.model_name,
          finishReasons: meta?.finish_reason ? [meta.finish_reason] : undefined,
          output: () => ({ content: answer.content, toolCalls: answer.tool_calls }),
        }
      },
    )
    const usage = usageOf(reply)
    this.#usage.promptTokens += usage.promptTokens
    this.#usage.completionTokens += usage.completionTokens
    return reply
  }
}

function usageOf(reply: AIMessage): ModelUsage {
  return {
    promptTokens: reply.usage_metadata?.input_tokens ?? 0,
    completionTokens: reply.usage_metadata?.output_tokens ?? 0,
  }
}

interface ToolCall {
  name: string
  args: unknown
  id: string
}

/** The tool calls of an answer, refusing unparseable arguments and tools that were not offered. */
function toolCallsOf(
  reply: AIMessage,
  offered: ReadonlySet<string>,
  step: string,
  round?: number,
): ToolCall[] {
  const where = { step, ...(round === undefined ? {} : { round: round + 1 }) }
  const [invalid] = reply.invalid_tool_calls ?? []
  if (invalid) {
    throw malformed(`The model called ${invalid.name ?? 'a tool'} with arguments that are not JSON`, {
      ...where,
      tool: invalid.name,
    })
  }
  const calls = (reply.tool_calls ?? []).map((call, i) => ({
    name: call.name,
    args: call.args,
    id: call.id ?? `call_${round ?? 0}_${i}`,
  }))
  const unknown = calls.find((call) => !offered.has(call.name))
  if (unknown) throw malformed(`The model called tool "${unknown.name}", which was not offered`, { ...where })
  return calls
}

function asFunctionTool(tool: ModelTool): OpenAIFunctionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }
}

/** Runs a tool the model called; arguments the tool rejects are the model's fault, other failures the tool's. */
async function runTool(tool: ModelTool, args: unknown, round: number): Promise<unknown> {
  try {
    return await tool.call(args)
  } catch (error) {
    if (isArgumentError(error)) {
      const reason = error instanceof Error ? error.message : String(error)
      throw malformed(`The model called ${tool.name} with invalid arguments: ${reason}`, {
        tool: tool.name,
        round,
      })
    }
    throw error
  }
}

function isArgumentError(error: unknown): boolean {
  if (error instanceof z.core.$ZodError) return true
  return error instanceof AtlasError && (error.code === 'bad_request' || error.code === 'validation_failed')
}
