// Signing in and out of the dashboard, and accepting an invitation. The session lives in an
// http-only, SameSite=Lax cookie (Secure whenever the request came over HTTPS); the CSRF token the
// page must echo comes back in the body, never in a cookie script could read cross-site.
import type { Context } from 'hono'
import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { acceptInvitation, findOpenInvitation } from '../auth/invitations.ts'
import { PasswordSchema } from '../auth/passwords.ts'
import {
  createSession,
  destroySession,
  findSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from '../auth/sessions.ts'
import type { SignInThrottle } from '../auth/sign-in-throttle.ts'
import { checkCredentials, normalizeEmail, type UserRow } from '../auth/users.ts'
import { type AuthVariables, authenticate } from '../http/auth.ts'
import { limitBody, readBody } from '../http/body.ts'
import type { Runtime } from '../runtime.ts'

const LoginBody = z.strictObject({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(256),
})
const AcceptBody = z.strictObject({
  token: z.string().trim().min(10).max(200),
  name: z.string().trim().min(1).max(120),
  password: PasswordSchema,
})

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
}

/** Starts a session for `user` and sets its cookie; answers what the page needs to know. */
export async function signIn(c: Context, db: Executor, user: UserRow) {
  const session = await createSession(db, user, { userAgent: c.req.header('user-agent') })
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  })
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, tenantId: user.tenantId },
    csrfToken: session.csrfToken,
  }
}

/** The client a sign-in attempt comes from: the first address a proxy forwarded, else this connection. */
function clientOf(c: Context): string {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'local'
}

/** Checks the password under the throttle and starts a session; throws `rate_limited` or `unauthorized`. */
export async function signInWithPassword(
  c: Context,
  db: Executor,
  throttle: SignInThrottle,
  credentials: { email: string; password: string },
) {
  const keys = [`email:${normalizeEmail(credentials.email)}`, `client:${clientOf(c)}`]
  throttle.check(keys)
  const user = await checkCredentials(db, credentials.email, credentials.password)
  if (!user) {
    throttle.fail(keys)
    throw new AtlasError('unauthorized', 'The email address or password is not right')
  }
  throttle.succeed([keys[0]!])
  return signIn(c, db, user)
}

/**
 * Ends this browser's session. While the session is live the caller must show its CSRF token, so a
 * form on another site cannot sign people out.
 */
export async function signOut(c: Context, db: Executor, csrfToken: unknown): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE)
  const session = token ? await findSession(db, token) : null
  if (session && csrfToken !== session.csrfToken) {
    throw new AtlasError('forbidden', 'The CSRF token is missing or does not match your session')
  }
  if (token) await destroySession(db, token)
  deleteCookie(c, SESSION_COOKIE, { path: '/' })
}

/** `throttle` is shared with the dashboard's sign-in form: one count of failures per address and client. */
export function authRoutes(runtime: Pick<Runtime, 'database'>, throttle: SignInThrottle) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()
  app.use('*', limitBody(16 * 1024))

  app.post('/login', async (c) => {
    const body = await readBody(c, LoginBody, 'sign-in')
    return c.json(await signInWithPassword(c, db, throttle, body))
  })

  app.post('/logout', async (c) => {
    await signOut(c, db, c.req.header('x-csrf-token'))
    return c.json({ signedOut: true })
  })

  app.get('/me', authenticate(db), (c) => {
    const auth = c.get('auth')
    return c.json({
      user: auth.userId
        ? { id: auth.userId, name: auth.name, role: auth.role, tenantId: auth.tenantId }
        : null,
      apiKey: auth.keyId ? { id: auth.keyId, name: auth.name } : null,
      role: auth.role,
      csrfToken: auth.csrfToken,
    })
  })

  app.get('/invitations/:token', async (c) => {
    const invitation = await findOpenInvitation(db, c.req.param('token'))
    if (!invitation)
      throw new AtlasError('not_found', 'This invitation is not valid any more; ask for a new one')
    return c.json({ email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt })
  })

  app.post('/invitations/accept', async (c) => {
    const body = await readBody(c, AcceptBody, 'invitation')
    const user = await acceptInvitation(db, body)
    return c.json(await signIn(c, db, user), 201)
  })

  return app
}
