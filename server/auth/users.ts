// Operator accounts: creating them, signing in, and looking them up for display.
import { and, eq } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { type UserRole, users } from '../../drizzle/schema/team.ts'
import { hashPassword, verifyPassword } from './passwords.ts'

export type UserRow = typeof users.$inferSelect

export const normalizeEmail = (email: string) => email.trim().toLowerCase()

export async function createUser(
  db: Executor,
  input: { tenantId: string; email: string; name: string; role: UserRole; password: string },
): Promise<UserRow> {
  const [user] = await db
    .insert(users)
    .values({
      tenantId: input.tenantId,
      email: normalizeEmail(input.email),
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
    })
    .onConflictDoNothing()
    .returning()
  if (!user) throw new AtlasError('conflict', `An account for ${normalizeEmail(input.email)} already exists`)
  return user
}

/** The account, when the address and password match an active one; null otherwise (never which). */
export async function checkCredentials(
  db: Executor,
  email: string,
  password: string,
): Promise<UserRow | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
  const ok = await verifyPassword(user && !user.disabledAt ? user.passwordHash : null, password)
  return ok && user ? user : null
}

/** A tenant's member by id or email address (what API callers may name an assignee by). */
export async function findMember(db: Executor, tenantId: string, ref: string): Promise<UserRow | null> {
  const byId = /^[0-9a-f-]{36}$/i.test(ref)
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), byId ? eq(users.id, ref) : eq(users.email, normalizeEmail(ref))))
  return user ?? null
}
