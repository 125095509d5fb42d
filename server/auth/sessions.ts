// Dashboard sessions: a random token in an http-only cookie, stored only as its SHA-256. Each
// session carries its own CSRF token, which the page sends back in a header with every change.
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import type { Executor } from '../../drizzle/database.ts'
import { type Availability, sessions, type UserRole, users } from '../../drizzle/schema/team.ts'

export const SESSION_COOKIE = 'atlas_session'
/** Sliding: a session used within this long stays alive; an idle one expires. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000
const TOUCH_EVERY_MS = 5 * 60 * 1000

export interface SessionUser {
  sessionId: string
  userId: string
  tenantId: string
  email: string
  name: string
  role: UserRole
  availability: Availability
  csrfToken: string
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex')

export async function createSession(
  db: Executor,
  user: { id: string; tenantId: string },
  meta: { userAgent?: string | undefined } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(24).toString('base64url')
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
  await db.insert(sessions).values({
    tenantId: user.tenantId,
    userId: user.id,
    tokenHash: digest(token),
    csrfToken,
    expiresAt,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  })
  await db.update(users).set({ lastSeenAt: new Date() }).where(eq(users.id, user.id))
  // Expired sessions are removed when anyone signs in; no separate sweeper needed.
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()))
  return { token, csrfToken, expiresAt }
}

export async function findSession(db: Executor, token: string): Promise<SessionUser | null> {
  if (!/^[\w-]{20,100}$/.test(token)) return null
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, digest(token)),
        gt(sessions.expiresAt, new Date()),
        isNull(users.disabledAt),
      ),
    )
  if (!row) return null
  const now = Date.now()
  if (now - row.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_TTL_MS) })
      .where(eq(sessions.id, row.session.id))
    await db
      .update(users)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(users.id, row.user.id))
  }
  return {
    sessionId: row.session.id,
    userId: row.user.id,
    tenantId: row.user.tenantId,
    email: row.user.email,
    name: row.user.name,
    role: row.user.role,
    availability: row.user.availability,
    csrfToken: row.session.csrfToken,
  }
}

export async function destroySession(db: Executor, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, digest(token)))
}

/** Signs a person out everywhere (password change, removal from the team). */
export async function destroyUserSessions(db: Executor, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId))
}
