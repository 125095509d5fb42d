// Every error leaves the API as `{ "error": { code, message, issues? } }` with the status its code
// maps to. Unknown failures are logged with their stack and answered as a plain 500; a database
// that cannot be reached is a 503 with Retry-After (database-unavailable.ts).
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AtlasError, type ErrorCode, toAtlasError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'
import { databaseUnavailable } from './database-unavailable.ts'

export function errorResponse(c: Context, error: AtlasError): Response {
  const waits = error.code === 'rate_limited' || error.code === 'database_unavailable'
  if (waits && typeof error.details.retryAfterSeconds === 'number') {
    c.header('Retry-After', String(error.details.retryAfterSeconds))
  }
  return c.json({ error: error.toJSON() }, error.status as ContentfulStatusCode)
}

/** 5xx codes whose messages are for the operator's log only: SQL and stacks, which key sealed what. */
const PRIVATE_MESSAGES = new Set<ErrorCode>(['internal', 'secret_unreadable'])

export function onError(logger: Logger) {
  return (thrown: Error, c: Context): Response => {
    const error = databaseUnavailable(thrown) ?? toAtlasError(thrown)
    if (error.status >= 500) {
      logger.error({ err: thrown, method: c.req.method, path: c.req.path }, 'request failed')
      // Do not leak internals (SQL, stack) to callers.
      return errorResponse(
        c,
        new AtlasError(error.code, PRIVATE_MESSAGES.has(error.code) ? 'Internal error' : error.message, {
          // A wait hint (Retry-After) is for the caller; anything else may be internal.
          details: retryHint(error),
        }),
      )
    }
    return errorResponse(c, error)
  }
}

function retryHint(error: AtlasError): Record<string, unknown> {
  const { retryAfterSeconds } = error.details
  return typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}
}

export function notFound(c: Context): Response {
  return errorResponse(c, new AtlasError('not_found', `No route for ${c.req.method} ${c.req.path}`))
}
