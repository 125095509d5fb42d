// One error type for the whole runtime: a string code a program can switch on, a message a person
// can act on, and the HTTP status the code maps to (as tRPC's getHTTPStatusCode does).

export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  /** A messaging window (WhatsApp's 24 hours) is closed: only an approved template may be sent. */
  window_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  database_locked: 503,
  /** PostgreSQL cannot be reached (restarting, failing over): try again after Retry-After. */
  database_unavailable: 503,
  unavailable: 503,
  config_invalid: 500,
  /** A stored secret cannot be decrypted: its key is not configured, or the value was altered or moved. */
  secret_unreadable: 500,
  internal: 500,
  // A model provider's failures, after the provider's own retries were spent.
  model_rate_limited: 503,
  model_unavailable: 502,
  model_timeout: 504,
  /** The model answered something we refuse to act on (bad JSON, unknown tool, uncited claim): not retried. */
  model_malformed_output: 502,
} as const

/** Failures worth another attempt later; anything else escalates at once. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'model_rate_limited',
  'model_unavailable',
  'model_timeout',
  'unavailable',
  'database_locked',
  'database_unavailable',
])

export type ErrorCode = keyof typeof ERROR_STATUS

/** Unknown errors (a crash, a dropped connection) are retried; typed ones say whether they may be. */
export function isRetryable(error: unknown): boolean {
  return (
    !(error instanceof AtlasError) ||
    RETRYABLE_CODES.has(error.code) ||
    (error.status >= 500 && error.code === 'internal')
  )
}

export interface ErrorIssue {
  path: string
  message: string
}

export class AtlasError extends Error {
  readonly code: ErrorCode
  readonly issues: ErrorIssue[]
  readonly details: Record<string, unknown>

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: ErrorIssue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'AtlasError'
    this.code = code
    this.issues = options.issues ?? []
    this.details = options.details ?? {}
  }

  get status(): number {
    return ERROR_STATUS[this.code]
  }

  toJSON(): { code: ErrorCode; message: string; issues?: ErrorIssue[]; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.issues.length > 0 ? { issues: this.issues } : {}),
      ...(Object.keys(this.details).length > 0 ? { details: this.details } : {}),
    }
  }
}

/** Turns anything thrown into an AtlasError; unknown failures become `internal` and keep the cause. */
export function toAtlasError(error: unknown): AtlasError {
  if (error instanceof AtlasError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new AtlasError('internal', message, { cause: error })
}
