// Invitations: an admin invites an address with a role; the link carries a random token (stored
// hashed) that lets that person choose a name and password once, within seven days.
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { invitations, type UserRole, users } from '../../drizzle/schema/team.ts'
import { withoutTenant } from '../../drizzle/tenant-scope.ts'
import { createUser, normalizeEmail, type UserRow } from './users.ts'

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000
const digest = (token: string) => createHash('sha256').update(token).digest('hex')

export async function createInvitation(
  db: Executor,
  input: { tenantId: string; email: string; role: UserRole; invitedBy: string | null },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const email = normalizeEmail(input.email)
  // An address signs in to one workspace, so it is unique across tenants: this one check looks
  // outside the caller's tenant, and answers only whether the address is taken.
  const [existing] = await withoutTenant(() =>
    db.select({ id: users.id }).from(users).where(eq(users.email, email)),
  )
  if (existing) throw new AtlasError('conflict', `${email} already has an account`)
  const token = randomBytes(24).toString('base64url')
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS)
  const [row] = await db
    .insert(invitations)
    .values({
      tenantId: input.tenantId,
      email,
      role: input.role,
      tokenHash: digest(token),
      invitedBy: input.invitedBy,
      expiresAt,
    })
    .returning({ id: invitations.id })
  return { id: row!.id, token, expiresAt }
}

export async function findOpenInvitation(db: Executor, token: string) {
  const [row] = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, digest(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
  return row ?? null
}

/** Creates the account and marks the invitation used, together. */
export async function acceptInvitation(
  db: Executor,
  input: { token: string; name: string; password: string },
): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const invitation = await findOpenInvitation(tx, input.token)
    if (!invitation)
      throw new AtlasError('not_found', 'This invitation is not valid any more; ask for a new one')
    const claimed = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id })
    if (claimed.length === 0) throw new AtlasError('conflict', 'This invitation was just used')
    return createUser(tx, {
      tenantId: invitation.tenantId,
      email: invitation.email,
      name: input.name,
      role: invitation.role,
      password: input.password,
    })
  })
}
