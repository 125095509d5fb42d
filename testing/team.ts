// Signed-in dashboard users for tests: creates a person on a tenant (or uses the demo team), signs
// in through the real /v1/auth/login route, and calls the app with the session cookie and the
// CSRF header the dashboard sends.
import { randomUUID } from 'node:crypto'
import type { UserRole } from '../drizzle/schema/team.ts'
import { createUser } from '../server/auth/users.ts'
import type { TestRuntime } from './runtime.ts'

export interface SignedIn {
  userId: string
  email: string
  role: UserRole
  tenantId: string
  cookie: string
  csrfToken: string
  /** Calls the app as this person: cookie always, CSRF header on changes (unless `csrf: false`). */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { csrf?: boolean; headers?: Record<string, string> },
  ): Promise<Response>
}

export async function signIn(
  t: Pick<TestRuntime, 'app'>,
  email: string,
  password: string,
): Promise<SignedIn> {
  const response = await t.app.request('/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as {
    user: { id: string; email: string; role: UserRole; tenantId: string }
    csrfToken: string
  }
  const setCookie = response.headers.get('set-cookie') ?? ''
  const cookie = setCookie.split(';')[0]!
  return {
    userId: body.user.id,
    email: body.user.email,
    role: body.user.role,
    tenantId: body.user.tenantId,
    cookie,
    csrfToken: body.csrfToken,
    call(method, path, payload, options = {}) {
      const headers: Record<string, string> = { cookie, ...options.headers }
      if (options.csrf !== false && !['GET', 'HEAD'].includes(method))
        headers['x-csrf-token'] = body.csrfToken
      if (payload !== undefined) headers['content-type'] = 'application/json'
      return Promise.resolve(
        t.app.request(path, {
          method,
          headers,
          ...(payload === undefined
            ? {}
            : { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
        }),
      )
    },
  }
}

/** A new member of the tenant with this role, signed in. */
export async function signInNewUser(
  t: Pick<TestRuntime, 'app' | 'runtime'>,
  tenantId: string,
  role: UserRole,
  name = role === 'admin' ? 'Test Admin' : 'Test Agent',
): Promise<SignedIn> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`
  const password = 'correct horse battery'
  await createUser(t.runtime.database.db, { tenantId, email, name, role, password })
  return signIn(t, email, password)
}
