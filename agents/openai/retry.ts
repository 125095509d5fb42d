// Retrying a model provider's HTTP calls: which failures are worth another attempt, how long to wait
// (exponential backoff with jitter, or what the server asks for), and the typed error once we give up.
import { AtlasError } from '../../common/errors.ts'

export interface BackoffOptions {
  /** Delay before the second attempt; doubles with every attempt after that. */
  baseMs: number
  /** No wait is longer than this, not even one a `Retry-After` header asks for. */
  maxMs: number
}

export interface RetryPolicy {
  /** Attempts in all, the first one included (1 = never retry). */
  maxAttempts: number
  backoff: BackoffOptions
}

/** HTTP statuses that say "try again": rate limited, or the provider failed on its side. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

export type FailureKind = 'rate_limited' | 'server_error' | 'timeout' | 'network' | 'rejected'

/** What a failed provider call means for us. */
export interface ProviderFailure {
  kind: FailureKind
  retryable: boolean
  /** The HTTP status, when the provider answered at all. */
  status: number | null
  /** The provider's own message when it sent one (without the client library's decorations). */
  message: string
  /** How long the provider asked us to wait, from `retry-after-ms` or `Retry-After`. */
  retryAfterMs: number | null
}

type HeaderLookup = (name: string) => string | null | undefined

/**
 * The wait a response asks for: `retry-after-ms` (OpenAI's, milliseconds) first, then `Retry-After`
 * as seconds or as an HTTP date. Null when absent or unreadable; a date in the past means 0.
 */
export function retryAfterMs(header: HeaderLookup, now: number = Date.now()): number | null {
  const ms = header('retry-after-ms')?.trim()
  if (ms) {
    const value = Number(ms)
    if (Number.isFinite(value) && value >= 0) return value
  }
  const after = header('retry-after')?.trim()
  if (!after) return null
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000
  // Only a date with a month name: Date.parse would read "-3" as the year -3.
  const date = /[a-z]{3}/i.test(after) ? Date.parse(after) : Number.NaN
  if (Number.isNaN(date)) return null
  return Math.max(0, date - now)
}

/**
 * The wait after failed attempt `attempt` (1-based): `baseMs * 2^(attempt-1)` with equal jitter
 * (half fixed, half random, so concurrent callers spread out), at least what the server asked
 * for, at most `maxMs`.
 */
export function backoffDelay(
  attempt: number,
  backoff: BackoffOptions,
  serverAskedMs: number | null = null,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = exponential / 2 + (random() * exponential) / 2
  return Math.min(backoff.maxMs, Math.max(jittered, serverAskedMs ?? 0))
}

/** Reads what a thrown client error says about the call (the openai SDK's, as LangChain rethrows it). */
export function classifyFailure(error: unknown, now: number = Date.now()): ProviderFailure {
  const status = statusOf(error)
  if (status !== null) {
    const message = providerMessage(error)
    const retryAfter = retryAfterMs(headerLookup(error), now)
    // An exhausted quota is a 429 too, but waiting will not refill it.
    if (status === 429 && codeOf(error) === 'insufficient_quota') {
      return { kind: 'rejected', retryable: false, status, message, retryAfterMs: null }
    }
    if (status === 429)
      return { kind: 'rate_limited', retryable: true, status, message, retryAfterMs: retryAfter }
    if (RETRYABLE_STATUSES.has(status)) {
      return { kind: 'server_error', retryable: true, status, message, retryAfterMs: retryAfter }
    }
    return { kind: 'rejected', retryable: false, status, message, retryAfterMs: null }
  }
  const names = errorNames(error)
  const message = error instanceof Error ? error.message : String(error)
  if (names.some((n) => n === 'TimeoutError' || n === 'APIConnectionTimeoutError')) {
    return { kind: 'timeout', retryable: true, status: null, message, retryAfterMs: null }
  }
  if (
    names.some((n) => n === 'APIConnectionError' || n === 'FetchError') ||
    NETWORK_CODES.has(codeOf(error) ?? '')
  ) {
    return { kind: 'network', retryable: true, status: null, message, retryAfterMs: null }
  }
  // Anything else (a bad body, a bug) would fail the same way again.
  return { kind: 'rejected', retryable: false, status: null, message, retryAfterMs: null }
}

/** The error a caller sees once we stop: its code says whether to try again later. */
export function providerError(failure: ProviderFailure, attempts: number, cause?: unknown): AtlasError {
  const details = { attempts, status: failure.status, reason: failure.kind }
  const tried = attempts === 1 ? '1 attempt' : `${attempts} attempts`
  switch (failure.kind) {
    case 'rate_limited':
      return new AtlasError(
        'model_rate_limited',
        `Model provider rate limited after ${tried}: ${failure.message}`,
        {
          details,
          cause,
        },
      )
    case 'timeout':
      return new AtlasError('model_timeout', `Model provider timed out after ${tried}`, { details, cause })
    case 'rejected':
      return new AtlasError(
        'model_unavailable',
        failure.status === null
          ? `Model provider call failed: ${failure.message}`
          : `Model provider rejected the request (${failure.status}): ${failure.message}`,
        { details, cause },
      )
    default:
      return new AtlasError(
        'model_unavailable',
        `Model provider unavailable after ${tried}: ${failure.message}`,
        {
          details,
          cause,
        },
      )
  }
}

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
  /** Called before each wait, e.g. to log it. */
  onRetry?: (failure: ProviderFailure, attempt: number, delayMs: number) => void
}

/** Runs `call` until it succeeds, fails for good, or `maxAttempts` are spent; then throws AtlasError. */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep
  const now = hooks.now ?? Date.now
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt)
    } catch (error) {
      // Our own verdicts (e.g. malformed output) are final; only provider failures are classified.
      if (error instanceof AtlasError) throw error
      const failure = classifyFailure(error, now())
      if (!failure.retryable || attempt >= policy.maxAttempts) throw providerError(failure, attempt, error)
      const delay = backoffDelay(attempt, policy.backoff, failure.retryAfterMs, hooks.random)
      hooks.onRetry?.(failure, attempt, delay)
      await sleep(delay)
    }
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'])

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

function statusOf(error: unknown): number | null {
  const status = field(error, 'status') ?? field(field(error, 'response'), 'status')
  return typeof status === 'number' && status >= 100 ? status : null
}

function codeOf(error: unknown): string | null {
  const code =
    field(error, 'code') ?? field(field(error, 'error'), 'code') ?? field(field(error, 'cause'), 'code')
  return typeof code === 'string' ? code : null
}

/** The openai SDK keeps the parsed error body in `error`; its `message` has no status or help URL. */
function providerMessage(error: unknown): string {
  const body = field(field(error, 'error'), 'message')
  if (typeof body === 'string' && body.length > 0) return body
  return error instanceof Error ? error.message : String(error)
}

function headerLookup(error: unknown): HeaderLookup {
  const headers = field(error, 'headers') ?? field(field(error, 'response'), 'headers')
  if (headers instanceof Headers) return (name) => headers.get(name)
  if (typeof headers === 'object' && headers !== null) {
    const record = headers as Record<string, unknown>
    return (name) => {
      const key = Object.keys(record).find((k) => k.toLowerCase() === name)
      const value = key === undefined ? undefined : record[key]
      return typeof value === 'string' ? value : null
    }
  }
  return () => null
}

/** The error's class and `name` (the SDK's errors keep `name` as "Error"; the class tells them apart). */
function errorNames(error: unknown): string[] {
  if (!(error instanceof Error)) return []
  return [error.name, error.constructor.name]
}
