// The team: members (never their password hashes), what they handle and how much, their roles,
// invitations, and disabling an account. A workspace always keeps one active admin: demoting or
// disabling the last one is refused (409), whoever asks.
import { and, asc, desc, eq, isNull } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../../common/errors.ts'
import type { Executor, Tx } from '../../../drizzle/database.ts'
import { invitations, users } from '../../../drizzle/schema/team.ts'
import { openTicketCounts } from '../../assignment/open-tickets.ts'
import { createInvitation } from '../../auth/invitations.ts'
import { destroyUserSessions } from '../../auth/sessions.ts'
import type { UserRow } from '../../auth/users.ts'
import { limitBody, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import { type Env, findOwn, found, idParam, NON_EMPTY, nonEmpty, ownRow, tenantOf } from './common.ts'

export const RoleSchema = z.enum(['admin', 'agent'])
export const AvailabilitySchema = z.enum(['online', 'away', 'offline'])
const Expertise = z
  .array(z.string().trim().min(1, 'must not be empty').max(40))
  .max(30)
  .transform((list) => [...new Set(list)])
export const PersonName = z.string().trim().min(1, 'must not be empty').max(120)

const InviteBody = z.strictObject({
  email: z.email('must be an email address').max(320),
  role: RoleSchema,
})
const MemberPatch = z
  .strictObject({
    name: PersonName.optional(),
    role: RoleSchema.optional(),
    availability: AvailabilitySchema.optional(),
    expertise: Expertise.optional(),
    capacity: z.number().int('must be a whole number').min(0).max(1000).optional(),
  })
  .refine(nonEmpty, NON_EMPTY)
const Empty = z.strictObject({})

/** A member as the API shows them: never the password hash. */
function memberView(user: UserRow, openTickets: number) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    availability: user.availability,
    expertise: user.expertise,
    capacity: user.capacity,
    openTickets,
    disabled: user.disabledAt !== null,
    disabledAt: user.disabledAt,
    lastSeenAt: user.lastSeenAt,
    createdAt: user.createdAt,
  }
}

export async function listMembers(db: Executor, tenantId: string, options: { includeDisabled: boolean }) {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), options.includeDisabled ? undefined : isNull(users.disabledAt)))
    .orderBy(asc(users.name), asc(users.email))
  const open = await openTicketCounts(
    db,
    tenantId,
    rows.map((u) => u.id),
  )
  return rows.map((u) => memberView(u, open.get(u.id) ?? 0))
}

/** One member as the API shows them, with their open tickets. */
export async function memberWithLoad(db: Executor, tenantId: string, user: UserRow) {
  const open = await openTicketCounts(db, tenantId, [user.id])
  return memberView(user, open.get(user.id) ?? 0)
}

function invitationView(row: typeof invitations.$inferSelect, now = new Date()) {
  const status = row.acceptedAt
    ? 'accepted'
    : row.revokedAt
      ? 'revoked'
      : row.expiresAt <= now
        ? 'expired'
        : 'open'
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status,
    invitedBy: row.invitedBy,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  }
}

export function teamRoutes(runtime: Pick<Runtime, 'database' | 'logger'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(16 * 1024))

  const member = (executor: Executor, tenantId: string, id: string, lock = false) =>
    findOwn(executor, users, tenantId, id, 'Member', lock)

  app.get('/members', async (c) => {
    return c.json({ members: await listMembers(db, tenantOf(c), { includeDisabled: true }) })
  })

  app.get('/members/:id', async (c) => {
    const tenantId = tenantOf(c)
    const user = await member(db, tenantId, idParam(c))
    return c.json({ member: await memberWithLoad(db, tenantId, user) })
  })

  app.patch('/members/:id', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    const body = await readBody(c, MemberPatch, 'member change')
    const updated = await db.transaction(async (tx) => {
      const user = await member(tx, tenantId, id, true)
      if (body.role === 'agent' && user.role === 'admin' && !user.disabledAt) {
        await assertAnotherAdmin(tx, tenantId, user, 'demote')
      }
      const [row] = await tx
        .update(users)
        .set(body)
        .where(ownRow(users, tenantId, id))
        .returning()
      return row!
    })
    runtime.logger.info(
      { tenantId, userId: id, by: c.get('auth').operator, changes: Object.keys(body) },
      'member changed',
    )
    return c.json({ member: await memberWithLoad(db, tenantId, updated) })
  })

  // Disabling keeps the person's history (audit trail, assignments) but signs them out everywhere
  // and stops sign-in and auto-assignment.
  app.post('/members/:id/disable', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    await readBody(c, Empty, 'disable', { allowEmpty: true })
    const updated = await db.transaction(async (tx) => {
      const user = await member(tx, tenantId, id, true)
      if (user.disabledAt) return user
      if (user.role === 'admin') await assertAnotherAdmin(tx, tenantId, user, 'disable')
      const [row] = await tx
        .update(users)
        .set({ disabledAt: new Date(), availability: 'offline' })
        .where(ownRow(users, tenantId, id))
        .returning()
      await destroyUserSessions(tx, id)
      return row!
    })
    runtime.logger.info({ tenantId, userId: id, by: c.get('auth').operator }, 'member disabled')
    return c.json({ member: await memberWithLoad(db, tenantId, updated) })
  })

  app.post('/members/:id/enable', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    await readBody(c, Empty, 'enable', { allowEmpty: true })
    const [updated] = await db
      .update(users)
      .set({ disabledAt: null })
      .where(ownRow(users, tenantId, id))
      .returning()
    return c.json({ member: await memberWithLoad(db, tenantId, found(updated, `Member ${id}`)) })
  })

  app.get('/invitations', async (c) => {
    const rows = await db
      .select()
      .from(invitations)
      .where(eq(invitations.tenantId, tenantOf(c)))
      .orderBy(desc(invitations.createdAt))
    const now = new Date()
    return c.json({ invitations: rows.map((row) => invitationView(row, now)) })
  })

  // The token is in the answer once, and only as part of the link: it is stored hashed.
  app.post('/invitations', async (c) => {
    const auth = c.get('auth')
    const body = await readBody(c, InviteBody, 'invitation')
    const created = await createInvitation(db, {
      tenantId: auth.tenantId,
      email: body.email,
      role: body.role,
      invitedBy: auth.userId,
    })
    const [row] = await db.select().from(invitations).where(eq(invitations.id, created.id))
    runtime.logger.info(
      { tenantId: auth.tenantId, invitationId: created.id, by: auth.operator },
      'member invited',
    )
    return c.json(
      {
        invitation: invitationView(row!),
        token: created.token,
        acceptPath: `/app/invite/${created.token}`,
      },
      201,
    )
  })

  app.delete('/invitations/:id', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    const invitation = await findOwn(db, invitations, tenantId, id, 'Invitation')
    if (invitation.acceptedAt) throw new AtlasError('conflict', 'This invitation was already accepted')
    if (invitation.revokedAt) return c.json({ invitation: invitationView(invitation) })
    const [revoked] = await db
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt)))
      .returning()
    if (!revoked) throw new AtlasError('conflict', 'This invitation was just accepted')
    return c.json({ invitation: invitationView(revoked) })
  })

  return app
}

/** Refuses to leave the workspace without an active admin (the tenant's admins are locked). */
async function assertAnotherAdmin(tx: Tx, tenantId: string, user: UserRow, change: 'demote' | 'disable') {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), isNull(users.disabledAt)))
    .for('update')
  if (admins.some((a) => a.id !== user.id)) return
  throw new AtlasError(
    'conflict',
    `${user.name} is the last admin of this workspace; make someone else an admin before you ${change} them`,
  )
}
