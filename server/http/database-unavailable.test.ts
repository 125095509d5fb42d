// A lost database connection is a 503 with Retry-After, whichever layer reports it (Node's socket,
// postgres.js, PostgreSQL shutting down, drizzle's wrapper); anything else is left alone.
import { DrizzleQueryError } from 'drizzle-orm/errors'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { silentLogger } from '../../common/logger.ts'
import { DATABASE_RETRY_AFTER_SECONDS, databaseUnavailable } from './database-unavailable.ts'
import { onError } from './errors.ts'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('databaseUnavailable', () => {
  it('recognises refused, lost and shutting-down connections, also wrapped', () => {
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')
    const cases = [
      refused,
      withCode('write CONNECTION_CLOSED 127.0.0.1:5432', 'CONNECTION_CLOSED'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      new DrizzleQueryError('select 1', [], refused),
      new AggregateError([refused], 'all addresses failed'),
    ]
    for (const error of cases) {
      expect(databaseUnavailable(error)).toMatchObject({
        code: 'database_unavailable',
        status: 503,
        details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      })
    }
  })

  it('leaves query errors, bugs and typed errors alone', () => {
    expect(databaseUnavailable(withCode('duplicate key value', '23505'))).toBeUndefined()
    expect(
      databaseUnavailable(new DrizzleQueryError('select', [], withCode('syntax', '42601'))),
    ).toBeUndefined()
    expect(databaseUnavailable(new TypeError('x is undefined'))).toBeUndefined()
    expect(databaseUnavailable(new AtlasError('unavailable', 'provider down'))).toBeUndefined()
  })

  it('is answered 503 with Retry-After and no internals', async () => {
    const app = new Hono()
    app.onError(onError(silentLogger))
    app.get('/', () => {
      throw new DrizzleQueryError(
        'select secret from t',
        [],
        withCode('connect ECONNREFUSED', 'ECONNREFUSED'),
      )
    })
    const response = await app.request('/')
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SECONDS))
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({
      error: {
        code: 'database_unavailable',
        message: 'The database is not reachable right now; try again shortly',
        details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      },
    })
    expect(body).not.toContain('secret')
  })
})
