// Bearer API keys for the REST API. The key names the tenant; an optional X-Atlas-Operator header
// names the person acting, recorded in the audit trail (operator accounts arrive with the dashboard).
import type { MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import type { Executor } from '../../drizzle/database.ts'
import { type ApiKeyIdentity, findApiKey } from '../auth/api-keys.ts'

export interface AuthVariables {
  auth: ApiKeyIdentity & { operator: string }
}

const Operator = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\r\n]+$/, 'must be one line')

export function requireApiKey(db: Executor): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer')
      throw new AtlasError('unauthorized', 'Send your API key as "Authorization: Bearer <key>"')
    }
    const identity = await findApiKey(db, match[1]!)
    if (!identity) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"')
      throw new AtlasError('unauthorized', 'The API key is not valid')
    }
    const operatorHeader = c.req.header('x-atlas-operator')
    const operator = operatorHeader
      ? parseInput(Operator, operatorHeader, 'X-Atlas-Operator header', 'bad_request')
      : `api-key:${identity.name}`
    c.set('auth', { ...identity, operator })
    await next()
  }
}
