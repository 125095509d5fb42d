// Every error leaves the API as `{ "error": { code, message, issues? } }` with the status its code
// maps to. Unknown failures are logged with their stack and answered as a plain 500.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AtlasError, toAtlasError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'

export function errorResponse(c: Context, error: AtlasError): Response {
  if (error.code === 'rate_limited' && typeof error.details.retryAfterSeconds === 'number') {
    c.header('Retry-After', String(error.details.retryAfterSeconds))
  }
  return c.json({ error: error.toJSON() }, error.status as ContentfulStatusCode)
}

export function onError(logger: Logger) {
  return (thrown: Error, c: Context): Response => {
    const error = toAtlasError(thrown)
    if (error.status >= 500) {
      logger.error({ err: thrown, method: c.req.method, path: c.req.path }, 'request failed')
      // Do not leak internals (SQL, stack) to callers.
      return errorResponse(
        c,
        new AtlasError(error.code, error.code === 'internal' ? 'Internal error' : error.message),
      )
    }
    return errorResponse(c, error)
  }
}

export function notFound(c: Context): Response {
  return errorResponse(c, new AtlasError('not_found', `No route for ${c.req.method} ${c.req.path}`))
}
