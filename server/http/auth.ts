// Who is calling. Two ways in: a Bearer API key (developers and integrations; may do what its
// scopes allow, see auth/api-key-scopes.ts, and may name the person acting in X-Atlas-Operator), or
// the dashboard's session cookie (a signed-in operator with a role). Cookie-authenticated changes
// must carry the session's CSRF token in X-CSRF-Token: another site can make the browser send the
// cookie, never the header.
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import type { Executor } from '../../drizzle/database.ts'
import type { UserRole } from '../../drizzle/schema/team.ts'
import { withTenant } from '../../drizzle/tenant-scope.ts'
import { assertKeyScope } from '../auth/api-key-scopes.ts'
import { findApiKey } from '../auth/api-keys.ts'
import { findSession, SESSION_COOKIE, type SessionUser } from '../auth/sessions.ts'

export interface Principal {
  tenantId: string
  /** Recorded in the audit trail and as assignee: the user's id, or `api-key:<name>` / X-Atlas-Operator. */
  operator: string
  role: UserRole
  /** The signed-in person; null for an API key. */
  userId: string | null
  keyId: string | null
  name: string
  via: 'session' | 'api_key'
  csrfToken: string | null
}

export interface AuthVariables {
  auth: Principal
}

const Operator = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\r\n]+$/, 'must be one line')

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Resolves the caller from an API key or a session cookie, or answers 401. */
export function authenticate(db: Executor): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const principal = await principalOf(c, db)
    c.set('auth', principal)
    // Everything the request does from here runs as its tenant, under row-level security.
    await withTenant(principal.tenantId, next)
  }
}

/**
 * The key under which a dashboard page hands its already-resolved caller to the in-process API
 * requests it makes (`app.request(path, init, env)`), so each read does not look the session up
 * again. A symbol: nothing arriving over HTTP can set it.
 */
export const FORWARDED_PRINCIPAL = Symbol('atlas.principal')

export async function principalOf(c: Context, db: Executor): Promise<Principal> {
  const forwarded = (c.env as { [FORWARDED_PRINCIPAL]?: Principal } | undefined)?.[FORWARDED_PRINCIPAL]
  if (forwarded) return forwarded
  const header = c.req.header('authorization')
  if (header !== undefined) {
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
    // The one place a key's scopes are enforced: every authenticated request comes through here.
    assertKeyScope(identity.scopes, c.req.method, c.req.path)
    const operatorHeader = c.req.header('x-atlas-operator')
    const operator = operatorHeader
      ? parseInput(Operator, operatorHeader, 'X-Atlas-Operator header', 'bad_request')
      : `api-key:${identity.name}`
    return {
      tenantId: identity.tenantId,
      operator,
      // Only an admin-scoped key passes requireAdmin too (the scope check has already answered).
      role: identity.scopes.includes('admin') ? 'admin' : 'agent',
      userId: null,
      keyId: identity.keyId,
      name: identity.name,
      via: 'api_key',
      csrfToken: null,
    }
  }
  const token = getCookie(c, SESSION_COOKIE)
  const session = token ? await findSession(db, token) : null
  if (!session) {
    c.header('WWW-Authenticate', 'Bearer')
    throw new AtlasError('unauthorized', 'Sign in, or send your API key as "Authorization: Bearer <key>"')
  }
  if (!SAFE_METHODS.has(c.req.method) && c.req.header('x-csrf-token') !== session.csrfToken) {
    throw new AtlasError('forbidden', 'The X-CSRF-Token header is missing or does not match your session')
  }
  return sessionPrincipal(session)
}

export function sessionPrincipal(session: SessionUser): Principal {
  return {
    tenantId: session.tenantId,
    operator: session.userId,
    role: session.role,
    userId: session.userId,
    keyId: null,
    name: session.name,
    via: 'session',
    csrfToken: session.csrfToken,
  }
}

/** Admin-only routes: team, rules, queues, settings. An agent gets 403, whatever the route. */
export function requireAdmin(): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (c.get('auth').role !== 'admin') {
      throw new AtlasError('forbidden', 'Only an admin of this workspace can do that')
    }
    await next()
  }
}
