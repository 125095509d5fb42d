// A span per model call, with the OpenTelemetry GenAI semantic conventions (gen_ai.*): which
// provider and model, what it was asked to do, the tokens in and out; its duration is the call's
// latency (also recorded as gen_ai.client.operation.duration). Prompts and replies are content:
// they appear (as gen_ai.input.messages / gen_ai.output.messages) only when
// ATLAS_TELEMETRY_INCLUDE_CONTENT=true.
import { type Attributes, SpanKind } from '@opentelemetry/api'
import { instruments } from '../common/metrics.ts'
import { contentAttributes, setSpanAttributes, withSpan } from '../common/tracing.ts'

export interface ModelCall {
  /** `openai`, or `local` for the offline classifiers and composer. */
  provider: string
  model: string
  /** `chat` for a chat completion; the local model's own steps are `triage` and `compose`. */
  operation: string
  /** The messages sent, for the opt-in content attributes (computed only then). */
  input?: () => unknown
}

export interface ModelResult {
  inputTokens: number
  outputTokens: number
  responseModel?: string | undefined
  finishReasons?: string[] | undefined
  /** What the model answered, for the opt-in content attributes. */
  output?: () => unknown
}

export async function withModelSpan<T>(
  call: ModelCall,
  run: () => Promise<T>,
  describe: (result: T) => ModelResult,
): Promise<T> {
  const common: Attributes = {
    'gen_ai.operation.name': call.operation,
    'gen_ai.provider.name': call.provider,
    // Older name of gen_ai.provider.name; still what many backends group by.
    'gen_ai.system': call.provider,
    'gen_ai.request.model': call.model,
  }
  const started = performance.now()
  let errorType: string | undefined
  try {
    return await withSpan(
      `${call.operation} ${call.model}`,
      { ...common, ...contentAttributes(() => ({ 'gen_ai.input.messages': json(call.input?.()) })) },
      async (span) => {
        const result = await run()
        const described = describe(result)
        setSpanAttributes(span, () => ({
          'gen_ai.usage.input_tokens': described.inputTokens,
          'gen_ai.usage.output_tokens': described.outputTokens,
          ...(described.responseModel ? { 'gen_ai.response.model': described.responseModel } : {}),
          ...(described.finishReasons?.length
            ? { 'gen_ai.response.finish_reasons': described.finishReasons }
            : {}),
          ...contentAttributes(() => ({ 'gen_ai.output.messages': json(described.output?.()) })),
        }))
        const metrics = instruments()
        metrics.modelTokens.record(described.inputTokens, { ...common, 'gen_ai.token.type': 'input' })
        metrics.modelTokens.record(described.outputTokens, { ...common, 'gen_ai.token.type': 'output' })
        return result
      },
      { kind: SpanKind.CLIENT },
    )
  } catch (error) {
    errorType = error instanceof Error ? error.name : 'error'
    throw error
  } finally {
    instruments().modelDuration.record((performance.now() - started) / 1000, {
      ...common,
      ...(errorType ? { 'error.type': errorType } : {}),
    })
  }
}

/** Words, as the local model counts its input and output (it has no tokenizer of its own). */
export function wordCount(...texts: string[]): number {
  let count = 0
  for (const text of texts) count += text.match(/\S+/g)?.length ?? 0
  return count
}

function json(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value)
}
