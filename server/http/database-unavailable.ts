// A request that failed because PostgreSQL could not be reached (restarting, failing over, down) is
// not our bug and not the caller's: it is answered 503 with Retry-After, so providers redeliver
// their webhooks and clients try again, instead of a 500 that reads as a crash. postgres.js
// reconnects on its own once the server is back.
import { AtlasError } from '../../common/errors.ts'

/** Seconds a caller is asked to wait: about what a PostgreSQL restart or failover takes. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/** Node and postgres.js codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
])

/**
 * SQLSTATEs PostgreSQL sends while it cannot serve: class 08 (connection exception), 57P01-57P03
 * (shutting down, crashed, starting up) and 53300 (too many connections).
 */
function unavailableState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)
}

/** The 503 for `thrown` when it (or an error it wraps) says the database is unreachable. */
export function databaseUnavailable(thrown: unknown): AtlasError | undefined {
  if (thrown instanceof AtlasError) return undefined
  const reason = connectionFailure(thrown, 0)
  if (!reason) return undefined
  return new AtlasError(
    'database_unavailable',
    'The database is not reachable right now; try again shortly',
    {
      details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      cause: thrown,
    },
  )
}

/** Looks through drizzle's DrizzleQueryError (`cause`) and AggregateError (`errors`) for the code. */
function connectionFailure(error: unknown, depth: number): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || unavailableState(code))) return code
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = connectionFailure(inner, depth + 1)
      if (found) return found
    }
  }
  return connectionFailure(cause, depth + 1)
}
