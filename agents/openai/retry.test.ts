import { describe, expect, it } from 'vitest'
import { AtlasError, isRetryable } from '../../common/errors.ts'
import { backoffDelay, classifyFailure, providerError, retryAfterMs, withRetries } from './retry.ts'

const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null

/** Shaped like the openai SDK's APIError as LangChain rethrows it. */
function apiError(
  status: number,
  message: string,
  extra: { headers?: Record<string, string>; code?: string } = {},
) {
  return Object.assign(new Error(`${status} ${message}\n\nTroubleshooting URL: …`), {
    status,
    headers: new Headers(extra.headers ?? {}),
    error: { message, type: 'x', code: extra.code ?? null },
  })
}

class APIConnectionError extends Error {}

const policy = { maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1000 } }

describe('Retry-After', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it('reads seconds, fractional seconds and an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '2' }), now)).toBe(2000)
    expect(retryAfterMs(headers({ 'retry-after': '0.5' }), now)).toBe(500)
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000)
    expect(retryAfterMs(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0)
  })

  it('prefers retry-after-ms and ignores what it cannot read', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250)
    expect(retryAfterMs(headers({ 'retry-after-ms': 'soon', 'retry-after': '1' }), now)).toBe(1000)
    expect(retryAfterMs(headers({ 'retry-after': 'later' }), now)).toBeNull()
    expect(retryAfterMs(headers({ 'retry-after': '-3' }), now)).toBeNull()
    expect(retryAfterMs(headers({}), now)).toBeNull()
  })
})

describe('backoff', () => {
  it('doubles per attempt with jitter between half and all of the step', () => {
    const b = { baseMs: 100, maxMs: 10_000 }
    expect(backoffDelay(1, b, null, () => 0)).toBe(50)
    expect(backoffDelay(1, b, null, () => 1)).toBe(100)
    expect(backoffDelay(3, b, null, () => 0)).toBe(200)
    expect(backoffDelay(3, b, null, () => 1)).toBe(400)
  })

  it('never waits longer than maxMs, not even when the server asks to', () => {
    const b = { baseMs: 100, maxMs: 1000 }
    expect(backoffDelay(10, b, null, () => 1)).toBe(1000)
    expect(backoffDelay(1, b, 5000, () => 0)).toBe(1000)
    expect(backoffDelay(1, b, 700, () => 0)).toBe(700)
  })
})

describe('classifying failures', () => {
  it('retries 429 and 5xx, with the provider message and Retry-After', () => {
    expect(classifyFailure(apiError(429, 'Slow down', { headers: { 'retry-after': '3' } }))).toEqual({
      kind: 'rate_limited',
      retryable: true,
      status: 429,
      message: 'Slow down',
      retryAfterMs: 3000,
    })
    for (const status of [500, 502, 503, 504]) {
      expect(classifyFailure(apiError(status, 'oops'))).toMatchObject({
        kind: 'server_error',
        retryable: true,
      })
    }
  })

  it('does not retry client errors or an exhausted quota', () => {
    for (const status of [400, 401, 403, 404, 422]) {
      expect(classifyFailure(apiError(status, 'no'))).toMatchObject({
        kind: 'rejected',
        retryable: false,
        status,
      })
    }
    expect(classifyFailure(apiError(429, 'quota', { code: 'insufficient_quota' }))).toMatchObject({
      kind: 'rejected',
      retryable: false,
    })
  })

  it('retries timeouts and network errors, not other exceptions', () => {
    const timeout = Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' })
    expect(classifyFailure(timeout)).toMatchObject({ kind: 'timeout', retryable: true, status: null })
    expect(classifyFailure(new APIConnectionError('Connection error.'))).toMatchObject({ kind: 'network' })
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({
      kind: 'network',
    })
    expect(classifyFailure(new SyntaxError('Unexpected token'))).toMatchObject({
      kind: 'rejected',
      retryable: false,
    })
  })
})

describe('withRetries', () => {
  function run(failures: unknown[], p = policy) {
    const delays: number[] = []
    let calls = 0
    const promise = withRetries(
      async () => {
        const failure = failures[calls++]
        if (failure !== undefined) throw failure
        return 'ok'
      },
      p,
      { sleep: async (ms) => void delays.push(ms), random: () => 0 },
    )
    return { promise, delays, calls: () => calls }
  }

  it('retries until it succeeds, waiting what the server asks for', async () => {
    const r = run([apiError(429, 'slow', { headers: { 'retry-after-ms': '300' } }), apiError(503, 'busy')])
    await expect(r.promise).resolves.toBe('ok')
    expect(r.calls()).toBe(3)
    expect(r.delays).toEqual([300, 100])
  })

  it('gives up after maxAttempts with a typed, retryable error', async () => {
    const r = run([apiError(429, 'slow'), apiError(429, 'slow'), apiError(429, 'still slow'), 'unused'])
    const error = await r.promise.catch((e: unknown) => e)
    expect(r.calls()).toBe(3)
    expect(error).toBeInstanceOf(AtlasError)
    expect(error).toMatchObject({
      code: 'model_rate_limited',
      details: { attempts: 3, status: 429, reason: 'rate_limited' },
    })
    expect((error as AtlasError).message).toContain('still slow')
    expect(isRetryable(error)).toBe(true)
  })

  it('names the last failure: a timeout, or the provider being unavailable', async () => {
    const timeout = Object.assign(new Error('t'), { name: 'TimeoutError' })
    await expect(run([apiError(500, 'x'), timeout, timeout]).promise).rejects.toMatchObject({
      code: 'model_timeout',
      details: { attempts: 3, status: null },
    })
    await expect(run([timeout, apiError(502, 'x'), apiError(503, 'down')]).promise).rejects.toMatchObject({
      code: 'model_unavailable',
      details: { attempts: 3, status: 503 },
    })
  })

  it('does not retry a rejected request, and lets our own errors through untouched', async () => {
    const rejected = run([apiError(401, 'Incorrect API key provided')])
    await expect(rejected.promise).rejects.toMatchObject({
      code: 'model_unavailable',
      message: 'Model provider rejected the request (401): Incorrect API key provided',
      details: { attempts: 1, status: 401 },
    })
    expect(rejected.calls()).toBe(1)
    const ours = new AtlasError('model_malformed_output', 'bad')
    const passthrough = run([ours])
    await expect(passthrough.promise).rejects.toBe(ours)
    expect(passthrough.calls()).toBe(1)
  })

  it('providerError keeps the cause', () => {
    const cause = apiError(500, 'x')
    const error = providerError(classifyFailure(cause), 2, cause)
    expect(error.cause).toBe(cause)
    expect(error.code).toBe('model_unavailable')
  })
})
