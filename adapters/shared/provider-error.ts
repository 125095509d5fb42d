// Failures of the providers we call (Graph API, SMTP, transcription) as AtlasErrors whose details say
// whether another attempt may succeed: `transient` (429, 5xx, network, timeout: the caller retries)
// or permanent (the provider refused this request: retrying sends the same refusal).
import { AtlasError, type ErrorCode, isRetryable } from '../../common/errors.ts'

export interface ProviderErrorDetails {
  provider: string
  transient: boolean
  /** The provider's HTTP status, or SMTP reply code. */
  status?: number | undefined
  /** The provider's own error code (Graph `error.code`, nodemailer `code`). */
  providerCode?: number | string | undefined
  providerSubcode?: number | undefined
  /** The provider's words, kept for operators. */
  providerMessage?: string | undefined
  /** Graph's trace id, which Meta support asks for. */
  traceId?: string | undefined
  [key: string]: unknown
}

export function providerError(
  code: ErrorCode,
  message: string,
  details: ProviderErrorDetails,
  cause?: unknown,
): AtlasError {
  const clean = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined))
  return new AtlasError(code, message, { details: clean, cause })
}

/**
 * Whether a send may succeed if tried again. Provider errors say so in `details.transient`; other
 * errors fall back to the runtime's rule (unknown failures are retried, typed ones by their code).
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof AtlasError && typeof error.details.transient === 'boolean')
    return error.details.transient
  return isRetryable(error)
}

export interface ProviderFetchOptions {
  provider: string
  /** Says where the request went in errors: never the full URL, which may carry a token. */
  what: string
  timeoutMs: number
  /** Codes for a timeout and a network failure (model providers use their own). */
  timeoutCode?: ErrorCode
  networkCode?: ErrorCode
}

/** fetch with a timeout, turning timeouts and network failures into transient AtlasErrors. */
export async function providerFetch(
  url: URL,
  init: RequestInit,
  options: ProviderFetchOptions,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) })
  } catch (error) {
    throw connectionFailure(error, options)
  }
}

/** A timeout or network failure (also while reading a body) as a transient AtlasError. */
export function connectionFailure(error: unknown, options: ProviderFetchOptions): AtlasError {
  if (error instanceof AtlasError) return error
  const name = (error as Error).name
  if (name === 'TimeoutError' || name === 'AbortError') {
    return providerError(
      options.timeoutCode ?? 'unavailable',
      `${options.what} did not answer within ${options.timeoutMs} ms`,
      { provider: options.provider, transient: true },
      error,
    )
  }
  return providerError(
    options.networkCode ?? 'unavailable',
    `${options.what} could not be reached: ${networkReason(error)}`,
    { provider: options.provider, transient: true },
    error,
  )
}

/** undici says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND …) in its cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)
}

/** Reads a response body up to a limit, so a runaway answer cannot exhaust memory. */
export async function readLimited(
  response: Response,
  maxBytes: number,
  tooLarge: () => AtlasError,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel()
    throw tooLarge()
  }
  if (!response.body) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
