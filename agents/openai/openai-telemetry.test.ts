// The openai provider's model calls as GenAI spans: one `chat <model>` CLIENT span per completion
// with provider, model and token usage; a tool the model calls is an `execute_tool` span between
// the completions; prompts stay out unless content is opted in.
import { SpanKind, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type FakeOpenAI,
  replyCompletion,
  startFakeOpenAI,
  toolCallCompletion,
  triageCompletion,
} from '../../testing/fake-openai.ts'
import { defineTool } from '../../tools/define-tool.ts'
import { OpenAIModel } from './openai-model.ts'

const exporter = new InMemorySpanExporter()
let fake: FakeOpenAI

beforeAll(() => {
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  trace.setGlobalTracerProvider(provider)
})
afterAll(() => trace.disable())
beforeEach(async () => {
  exporter.reset()
  fake = await startFakeOpenAI()
})
afterEach(() => fake.close())

const model = () =>
  new OpenAIModel({
    baseURL: fake.url,
    apiKey: 'sk-test',
    model: 'gpt-4o-mini',
    timeoutMs: 2000,
    maxAttempts: 1,
  })

describe('openai model calls as GenAI spans', () => {
  it('triage: one chat span with the GenAI attributes and the tokens used, no prompt', async () => {
    fake.enqueue(
      triageCompletion(
        {
          category: ['billing_inquiry', 0.9],
          intent: ['support', 0.8],
          urgency: ['high', 0.6],
          action: ['refund', 0.85],
        },
        { promptTokens: 321, completionTokens: 45 },
      ),
    )
    await model().triage('I was charged twice, mail me at jane@example.com')
    const [span] = exporter.getFinishedSpans()
    expect(span!.name).toBe('chat gpt-4o-mini')
    expect(span!.kind).toBe(SpanKind.CLIENT)
    expect(span!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 321,
      'gen_ai.usage.output_tokens': 45,
    })
    expect(JSON.stringify(span!.attributes)).not.toMatch(/charged twice|jane@example/)
  })

  it('compose with a tool: two chat spans and the tool call between them', async () => {
    const search = defineTool({
      name: 'library_search',
      description: 'Search the help center.',
      input: z.object({ query: z.string() }),
      output: z.object({ passages: z.array(z.unknown()) }),
      run: async () => ({ passages: [] }),
    })
    fake.enqueue(
      toolCallCompletion(
        'library_search',
        { query: 'export csv' },
        { promptTokens: 100, completionTokens: 10 },
      ),
      replyCompletion(
        { answerable: false, answer: '', citedPassageIds: [], confidence: 0.1 },
        { promptTokens: 150, completionTokens: 20 },
      ),
    )
    await model().compose({
      message: 'How do I export?',
      passages: [],
      contactName: null,
      tools: [
        {
          name: search.name,
          description: search.description,
          parameters: { type: 'object', properties: { query: { type: 'string' } } },
          call: (args) => search.call({ tenantId: 't', db: {} as never }, args as { query: string }),
        },
      ],
    })
    const names = exporter.getFinishedSpans().map((s) => s.name)
    expect(names).toEqual(['chat gpt-4o-mini', 'execute_tool library_search', 'chat gpt-4o-mini'])
    const tokens = exporter.getFinishedSpans().map((s) => s.attributes['gen_ai.usage.input_tokens'])
    expect(tokens).toEqual([100, undefined, 150])
  })
})
