import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, startFakeOpenAI, toolCallCompletion } from './fake-openai.ts'

let fake: FakeOpenAI

beforeEach(async () => {
  fake = await startFakeOpenAI()
})
afterEach(async () => {
  await fake.close()
})

const post = (
  body: unknown = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] },
  path = '/chat/completions',
) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify(body),
  })

describe('fake OpenAI server', () => {
  it('answers a text completion in the chat-completions format and records the request', async () => {
    fake.enqueue({ content: 'Hello!', usage: { promptTokens: 7, completionTokens: 3 } })
    const res = await post()
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-test',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    })
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]?.body.messages[0]).toEqual({ role: 'user', content: 'hi' })
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer k')
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
  })

  it('answers tool calls', async () => {
    fake.enqueue(toolCallCompletion('lookup', { q: 'x' }), {
      toolCalls: [{ name: 'raw', arguments: '{oops' }],
    })
    const first = (await (await post()).json()) as {
      choices: Array<{ message: { content: unknown; tool_calls: unknown[] }; finish_reason: string }>
    }
    expect(first.choices[0]?.finish_reason).toBe('tool_calls')
    expect(first.choices[0]?.message.content).toBeNull()
    expect(first.choices[0]?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'lookup', arguments: '{"q":"x"}' },
      },
    ])
    const second = (await (await post()).json()) as {
      choices: Array<{ message: { tool_calls: Array<{ function: { arguments: string } }> } }>
    }
    expect(second.choices[0]?.message.tool_calls[0]?.function.arguments).toBe('{oops')
  })

  it('answers errors in the OpenAI shape with their headers, and also without /v1', async () => {
    fake.enqueue({
      status: 429,
      message: 'Rate limit reached',
      type: 'requests',
      headers: { 'retry-after': '2' },
    })
    const res = await fetch(`${fake.url.replace(/\/v1$/, '')}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [] }),
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
    expect(await res.json()).toEqual({
      error: { message: 'Rate limit reached', type: 'requests', param: null, code: null },
    })
    expect(fake.requests[0]?.path).toBe('/chat/completions')
  })

  it('answers from a function of the request, after a delay', async () => {
    fake.enqueue({
      delayMs: 20,
      reply: (req) => ({ content: `you said ${String(req.body.messages[0]?.content)}` }),
    })
    const started = Date.now()
    const body = (await (await post()).json()) as { choices: Array<{ message: { content: string } }> }
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
    expect(body.choices[0]?.message.content).toBe('you said hi')
  })

  it('drops the connection on request', async () => {
    fake.enqueue({ disconnect: true })
    await expect(post()).rejects.toThrow()
  })

  it('answers 500 with a clear message when nothing is queued, and 400 to a body that is not a request', async () => {
    const res = await post()
    expect(res.status).toBe(500)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no reply queued/)
    expect((await post({ hello: 1 })).status).toBe(400)
    expect(fake.pending()).toBe(0)
  })

  it('closes while a delayed reply is pending', async () => {
    fake.enqueue({ delayMs: 10_000, reply: { content: 'never' } })
    const pending = post().catch(() => 'closed')
    await new Promise((r) => setTimeout(r, 20))
    await fake.close()
    expect(await pending).toBe('closed')
    fake = await startFakeOpenAI()
  })
})
