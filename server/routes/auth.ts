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
import { createSession, destroySession, SESSION_COOKIE, SESSION_TTL_MS } from '../auth/sessions.ts'
import { SignInThrottle } from '../auth/sign-in-throttle.ts'
import { checkCredentials, type UserRow } from '../auth/users.ts'
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

export function authRoutes(runtime: Pick<Runtime, 'database'>, throttle = new SignInThrottle()) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()
  app.use('*', limitBody(16 * 1024))

  app.post('/login', async (c) => {
    const body = await readBody(c, LoginBody, 'sign-in')
    const client = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'local'
    const keys = [`email:${body.email.toLowerCase()}`, `client:${client}`]
    throttle.check(keys)
    const user = await checkCredentials(db, body.email, body.password)
    if (!user) {
      throttle.fail(keys)
      throw new AtlasError('unauthorized', 'The email address or password is not right')
    }
    throttle.succeed([keys[0]!])
    return c.json(await signIn(c, db, user))
  })

  app.post('/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE)
    if (token) await destroySession(db, token)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
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
