import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { AtlasError, isRetryable } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import {
  type FakeOpenAI,
  replyCompletion,
  startFakeOpenAI,
  toolCallCompletion,
  triageCompletion,
} from '../../testing/fake-openai.ts'
import type { Passage } from '../../tools/library-search.ts'
import type { ModelTool } from '../model.ts'
import { OpenAIModel, type OpenAIModelOptions } from './openai-model.ts'

let fake: FakeOpenAI

beforeEach(async () => {
  fake = await startFakeOpenAI()
})
afterEach(async () => {
  await fake.close()
})

const model = (over: Partial<OpenAIModelOptions> = {}) =>
  new OpenAIModel({
    baseURL: fake.url,
    apiKey: 'sk-test',
    model: 'gpt-4o-mini',
    timeoutMs: 2000,
    maxAttempts: 3,
    backoff: { baseMs: 1, maxMs: 5 },
    ...over,
  })

const passage = (over: Partial<Passage> = {}): Passage => ({
  passageId: 'p-export',
  documentId: 'd-export',
  slug: 'export',
  title: 'Export your data',
  heading: 'Export a board to CSV',
  url: 'https://help.example.com/export',
  body: 'Open the board, click Export, choose CSV.',
  rank: 0.4,
  coverage: 0.8,
  score: 0.7,
  ...over,
})

const input = { message: 'How do I export a board?', passages: [passage()], contactName: 'Dana Reyes' }

const triageOf = triageCompletion({
  category: ['billing_inquiry', 0.9],
  intent: ['support', 0.8],
  urgency: ['high', 0.6],
  action: ['refund', 0.85],
})

const answer = {
  answerable: true,
  answer: 'Open the board and click Export.',
  citedPassageIds: ['p-export'],
  confidence: 0.9,
}

async function failure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

/** A read-only search tool that validates its arguments with zod, as ModelTool asks. */
function searchTool(found: Passage[], calls: unknown[] = []): ModelTool {
  const Args = z.object({ query: z.string().min(1) })
  return {
    name: 'library_search',
    description: 'Search the help center.',
    parameters: z.toJSONSchema(Args) as Record<string, unknown>,
    async call(args) {
      const { query } = parseInput(Args, args, 'input to tool library_search', 'bad_request')
      calls.push({ query })
      return { passages: found, terms: query.split(' ') }
    },
  }
}

describe('OpenAIModel against a fake OpenAI server', () => {
  it('is named after the model and validates its options', () => {
    expect(model().name).toBe('openai:gpt-4o-mini')
    expect(() => model({ maxAttempts: 0 })).toThrow(/maxAttempts/)
    expect(() => model({ backoff: { baseMs: 10, maxMs: 1 } })).toThrow(/baseMs must not exceed maxMs/)
  })

  it('triages: one forced function call, labels and confidences mapped to Triage', async () => {
    fake.enqueue(triageOf)
    const triage = await model().triage('I was charged twice, refund me')
    expect(triage.action).toMatchObject({ label: 'refund', confidence: 0.85, outOfScope: false })
    expect(triage.action.ranking[0]).toEqual({ label: 'refund', probability: 0.85 })
    expect(triage.action.ranking).toHaveLength(12)
    expect(triage.action.margin).toBeCloseTo(0.85 - 0.15 / 11)
    expect(triage.category.label).toBe('billing_inquiry')
    expect(triage.intent.ranking).toEqual([
      { label: 'support', probability: 0.8 },
      { label: 'sales', probability: expect.closeTo(0.2) },
    ])
    expect(triage.urgency).toMatchObject({ label: 'high', confidence: 0.6 })

    const request = fake.requests[0]!
    expect(request.path).toBe('/v1/chat/completions')
    expect(request.headers.authorization).toBe('Bearer sk-test')
    expect(request.body.model).toBe('gpt-4o-mini')
    expect(request.body.tool_choice).toEqual({ type: 'function', function: { name: 'record_triage' } })
    expect(request.body.tools?.map((t) => [t.function.name, t.function.strict])).toEqual([
      ['record_triage', true],
    ])
    expect(request.body.messages.map((m) => m.role)).toEqual(['system', 'user'])
    expect(request.body.messages[1]?.content).toContain('I was charged twice, refund me')
  })

  it('composes an answer with citations and a Source line', async () => {
    fake.enqueue(replyCompletion(answer))
    const reply = await model().compose({
      ...input,
      instructions: 'You answer questions about exporting.',
      history: [{ author: 'customer', body: 'Hello' }],
    })
    expect(reply).toEqual({
      body: 'Open the board and click Export.\n\nSource: Export your data: https://help.example.com/export',
      citations: [
        {
          documentId: 'd-export',
          passageId: 'p-export',
          slug: 'export',
          title: 'Export your data',
          heading: 'Export a board to CSV',
          url: 'https://help.example.com/export',
        },
      ],
      grounding: 0.9,
    })
    const body = fake.requests[0]!.body
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'submit_reply' } })
    expect(String(body.messages[0]?.content)).toMatch(/^You answer questions about exporting\.\n\nRules:/)
    expect(body.messages[1]?.content).toContain('<passage id="p-export">')
    expect(body.messages[1]?.content).toContain('Customer: Hello')
  })

  it('returns null when the model says the passages do not answer', async () => {
    fake.enqueue(
      replyCompletion({
        answerable: false,
        answer: 'The passages do not say.',
        citedPassageIds: [],
        confidence: 0.2,
      }),
    )
    expect(await model().compose(input)).toBeNull()
  })

  it('runs a tool round trip: parsed args in, output to the next request, found passages citable', async () => {
    const found = passage({
      passageId: 'p-limits',
      documentId: 'd-limits',
      title: 'Export limits',
      url: null,
    })
    const calls: unknown[] = []
    fake.enqueue(toolCallCompletion('library_search', { query: 'export limits' }), (request) => {
      // The tool's output is in the conversation the model sees next.
      const last = request.body.messages.at(-1)
      expect(last?.role).toBe('tool')
      expect(String(last?.content)).toContain('"passageId":"p-limits"')
      return replyCompletion({ ...answer, citedPassageIds: ['p-export', 'p-limits'] })
    })
    const reply = await model().compose({ ...input, tools: [searchTool([found], calls)] })
    expect(calls).toEqual([{ query: 'export limits' }])
    expect(reply?.toolCalls).toEqual(['library_search'])
    expect(reply?.citations.map((c) => c.passageId)).toEqual(['p-export', 'p-limits'])
    expect(reply?.body).toMatch(
      /\nSource: Export your data: https:\/\/help\.example\.com\/export\nSource: Export limits$/,
    )

    const [first, second] = fake.requests
    expect(first?.body.tool_choice).toBe('required')
    expect(first?.body.tools?.map((t) => t.function.name)).toEqual(['library_search', 'submit_reply'])
    const assistant = second?.body.messages.at(-2)
    expect(assistant?.tool_calls?.[0]?.function).toEqual({
      name: 'library_search',
      arguments: '{"query":"export limits"}',
    })
    expect(second?.body.messages.at(-1)?.tool_call_id).toBe(assistant?.tool_calls?.[0]?.id)
  })

  it('forces the reply after 3 tool rounds and refuses a 4th', async () => {
    const search = toolCallCompletion('library_search', { query: 'again' })
    fake.enqueue(search, search, search, search)
    const error = await failure(model().compose({ ...input, tools: [searchTool([])] }))
    expect(error).toMatchObject({
      code: 'model_malformed_output',
      message: expect.stringMatching(/more than 3 tool rounds/),
    })
    expect(fake.requests).toHaveLength(4)
    expect(fake.requests[3]?.body.tool_choice).toEqual({
      type: 'function',
      function: { name: 'submit_reply' },
    })
  })

  describe('retries', () => {
    it('rides out a 429 storm, honouring Retry-After (capped by maxMs)', async () => {
      const limited = { status: 429, message: 'Rate limit reached', headers: { 'retry-after': '1' } }
      fake.enqueue(limited, limited, triageOf)
      const started = Date.now()
      const triage = await model({ backoff: { baseMs: 1, maxMs: 100 } }).triage('hi')
      // Two waits of 1 s each, capped at 100 ms; without the header they would be ~1-2 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(190)
      expect(triage.action.label).toBe('refund')
      expect(fake.requests).toHaveLength(3)
    })

    it('gives up on a 429 storm after exactly maxAttempts: model_rate_limited, retryable', async () => {
      const limited = {
        status: 429,
        message: 'Rate limit reached for gpt-4o-mini',
        headers: { 'retry-after-ms': '1' },
      }
      fake.enqueue(limited, limited, limited, limited)
      const error = await failure(model({ maxAttempts: 3 }).triage('hi'))
      expect(error.code).toBe('model_rate_limited')
      expect(error.details).toEqual({ attempts: 3, status: 429, reason: 'rate_limited' })
      expect(error.message).toContain('Rate limit reached for gpt-4o-mini')
      expect(isRetryable(error)).toBe(true)
      expect(fake.requests).toHaveLength(3)
      expect(fake.pending()).toBe(1)
    })

    it('retries a 500, and a dropped connection, then succeeds', async () => {
      fake.enqueue(
        { status: 500, message: 'The server had an error' },
        { disconnect: true },
        replyCompletion(answer),
      )
      expect(await model().compose(input)).toMatchObject({ grounding: 0.9 })
      expect(fake.requests).toHaveLength(3)
    })

    it('times out: model_timeout after maxAttempts', async () => {
      const slow = { delayMs: 1000, reply: triageOf }
      fake.enqueue(slow, slow)
      const error = await failure(model({ timeoutMs: 50, maxAttempts: 2 }).triage('hi'))
      expect(error.code).toBe('model_timeout')
      expect(error.details).toMatchObject({ attempts: 2, status: null })
      expect(isRetryable(error)).toBe(true)
      expect(fake.requests).toHaveLength(2)
    })

    it('does not retry a 401: model_unavailable with the provider message', async () => {
      fake.enqueue({
        status: 401,
        message: 'Incorrect API key provided: sk-test.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      })
      const error = await failure(model().triage('hi'))
      expect(error.code).toBe('model_unavailable')
      expect(error.message).toBe(
        'Model provider rejected the request (401): Incorrect API key provided: sk-test.',
      )
      expect(error.details).toMatchObject({ attempts: 1, status: 401 })
      expect(fake.requests).toHaveLength(1)
    })
  })

  describe('malformed output: refused, never retried', () => {
    const tools = () => [searchTool([])]
    // LangChain warns on stderr when every tool call of an answer is unparseable; expected here.
    beforeEach(() => {
      vi.spyOn(console, 'warn').mockImplementation(() => {})
    })
    afterEach(() => {
      vi.restoreAllMocks()
    })

    it.each([
      [
        'tool-call arguments that are not JSON',
        { toolCalls: [{ name: 'library_search', arguments: '{"query": "exp' }] },
        /library_search with arguments that are not JSON/,
      ],
      [
        'arguments the tool rejects',
        toolCallCompletion('library_search', { query: '' }),
        /library_search with invalid arguments/,
      ],
      [
        'a tool that was not offered',
        toolCallCompletion('issue_refund', { amount: 500 }),
        /"issue_refund", which was not offered/,
      ],
      [
        'a structured answer that fails its schema',
        toolCallCompletion('submit_reply', {
          answerable: true,
          answer: 'x',
          citedPassageIds: ['p-export'],
          confidence: 7,
        }),
        /Invalid reply from the model: confidence/,
      ],
      [
        'a citation of an unknown passage',
        replyCompletion({ ...answer, citedPassageIds: ['p-export', 'p-invented'] }),
        /not given: p-invented/,
      ],
      ['plain text instead of the reply', { content: 'Just click Export!' }, /answered in text/],
    ])('%s', async (_what, reply, message) => {
      fake.enqueue(reply, replyCompletion(answer))
      const error = await failure(model().compose({ ...input, tools: tools() }))
      expect(error.code).toBe('model_malformed_output')
      expect(error.message).toMatch(message)
      expect(isRetryable(error)).toBe(false)
      expect(fake.requests).toHaveLength(1)
    })

    it('an invalid triage', async () => {
      fake.enqueue(toolCallCompletion('record_triage', { category: { label: 'spam', confidence: 1 } }))
      const error = await failure(model().triage('hi'))
      expect(error.code).toBe('model_malformed_output')
      expect(error.issues.map((i) => i.path)).toContain('category.label')
      expect(fake.requests).toHaveLength(1)
    })

    it('a valid call next to one to an unknown tool', async () => {
      const calls: unknown[] = []
      fake.enqueue({
        toolCalls: [
          { name: 'library_search', arguments: '{"query":"ok"}' },
          { name: 'delete_account', arguments: '{}' },
        ],
      })
      const error = await failure(model().compose({ ...input, tools: [searchTool([], calls)] }))
      expect(error.code).toBe('model_malformed_output')
      // Nothing in a malformed answer is acted on, not even its valid calls.
      expect(calls).toEqual([])
    })
  })

  it('sums prompt and completion tokens over every successful response', async () => {
    const m = model()
    expect(m.usage()).toEqual({ promptTokens: 0, completionTokens: 0 })
    fake.enqueue(
      triageCompletion(
        {
          category: ['how_to', 0.9],
          intent: ['support', 0.9],
          urgency: ['normal', 0.9],
          action: ['answer', 0.9],
        },
        { promptTokens: 120, completionTokens: 30 },
      ),
      { status: 503, message: 'busy' },
      toolCallCompletion('library_search', { query: 'x' }, { promptTokens: 200, completionTokens: 10 }),
      replyCompletion(answer, { promptTokens: 260, completionTokens: 40 }),
    )
    await m.triage('How do I export?')
    await m.compose({ ...input, tools: [searchTool([])] })
    expect(m.usage()).toEqual({ promptTokens: 580, completionTokens: 80 })
  })
})
