// Telling the team: one notification row per person (the dashboard shows it live) and one delivery per
// extra channel the person chose, each sent by an `atlas.notify` job enqueued in the same transaction.
// The event's key plus the recipient make the row unique, so a replayed event notifies nobody twice.
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Tx } from '../../drizzle/database.ts'
import { notificationDeliveries, notifications } from '../../drizzle/schema/notifications.ts'
import { users } from '../../drizzle/schema/team.ts'
import type { SuccessJobs } from '../customer-success/jobs.ts'
import type { NotificationKind } from './deliver.ts'
import { channelsFor, NotificationPreferencesSchema } from './preferences.ts'

export interface TeamNotice {
  tenantId: string
  kind: NotificationKind
  title: string
  body: string
  ticketId?: string | null
  /** A path under the deployment's public URL, e.g. /app/tickets/TKT-10042. */
  path?: string | null
  /** Who: everyone on the team, its admins, or these people (user ids or emails); unknown ones are skipped. */
  to: 'team' | 'admins' | string[]
  /** What happened, uniquely (e.g. `sla_breach:<ticket>:<metric>:<token>`): notifies each person once. */
  key: string
  data?: Record<string, unknown>
  /** Addresses without an account (the tenant's notification address) that get it by email. */
  addresses?: readonly string[]
  /** Team phone numbers (E.164 digits) that get it by WhatsApp through the tenant's WhatsApp channel. */
  phones?: readonly string[]
}

export interface NotifyDeps {
  jobs: SuccessJobs
  publicUrl: string
}

/** Returns how many people (and addresses) were notified for the first time. */
export async function notifyTeam(tx: Tx, deps: NotifyDeps, notice: TeamNotice): Promise<number> {
  const recipients = await recipientsOf(tx, notice)
  const url = notice.path ? `${deps.publicUrl}${notice.path}` : null
  let notified = 0
  for (const user of recipients) {
    const prefs = NotificationPreferencesSchema.safeParse(user.notificationPreferences)
    const preferences = prefs.success ? prefs.data : null
    const channels = channelsFor(preferences, notice.kind)
    if (channels.length === 0) continue
    const id = await insertNotification(tx, notice, url, user.id, `${notice.key}:${user.id}`)
    if (!id) continue
    notified++
    for (const channel of channels) {
      const target =
        channel === 'email'
          ? (preferences?.email ?? user.email)
          : channel === 'whatsapp'
            ? preferences?.whatsapp
            : channel === 'webhook'
              ? preferences?.webhook?.url
              : null
      if (!target) continue
      await queueDelivery(tx, deps.jobs, notice.tenantId, id, channel, target)
    }
  }
  for (const address of notice.addresses ?? []) {
    const id = await insertNotification(
      tx,
      notice,
      url,
      null,
      `${notice.key}:address:${address.toLowerCase()}`,
    )
    if (!id) continue
    notified++
    await queueDelivery(tx, deps.jobs, notice.tenantId, id, 'email', address)
  }
  for (const phone of notice.phones ?? []) {
    const id = await insertNotification(tx, notice, url, null, `${notice.key}:phone:${phone}`)
    if (!id) continue
    notified++
    await queueDelivery(tx, deps.jobs, notice.tenantId, id, 'whatsapp', phone)
  }
  return notified
}

async function recipientsOf(tx: Tx, notice: TeamNotice) {
  const active = and(eq(users.tenantId, notice.tenantId), isNull(users.disabledAt))
  const columns = { id: users.id, email: users.email, notificationPreferences: users.notificationPreferences }
  if (notice.to === 'team') return tx.select(columns).from(users).where(active)
  if (notice.to === 'admins')
    return tx
      .select(columns)
      .from(users)
      .where(and(active, eq(users.role, 'admin')))
  const ids = notice.to.filter((v) => /^[0-9a-f-]{36}$/i.test(v))
  const emails = notice.to.filter((v) => v.includes('@')).map((v) => v.toLowerCase())
  const rows = await tx.select(columns).from(users).where(active)
  const named = rows.filter((u) => ids.includes(u.id) || emails.includes(u.email))
  // Nobody named has an account (an API key owns the ticket, an owner left): the team hears instead.
  return named.length > 0 || notice.to.length === 0 ? named : rows
}

async function insertNotification(
  tx: Tx,
  notice: TeamNotice,
  url: string | null,
  userId: string | null,
  dedupeKey: string,
): Promise<string | null> {
  const [row] = await tx
    .insert(notifications)
    .values({
      tenantId: notice.tenantId,
      userId,
      kind: notice.kind,
      title: notice.title,
      body: notice.body,
      ticketId: notice.ticketId ?? null,
      url,
      data: notice.data ?? {},
      dedupeKey,
    })
    .onConflictDoNothing()
    .returning({ id: notifications.id })
  return row?.id ?? null
}

async function queueDelivery(
  tx: Tx,
  jobs: SuccessJobs,
  tenantId: string,
  notificationId: string,
  channel: string,
  target: string,
) {
  const [delivery] = await tx
    .insert(notificationDeliveries)
    .values({ tenantId, notificationId, channel, target })
    .onConflictDoNothing()
    .returning({ id: notificationDeliveries.id })
  if (delivery) await jobs.notify(tx, { deliveryId: delivery.id })
}

/** The people a ticket's notices go to: whoever has it, or else the whole team. */
export function ticketAudience(assignee: string | null): TeamNotice['to'] {
  return assignee ? [assignee] : 'team'
}

export async function markRead(tx: Tx, tenantId: string, userId: string, ids: readonly string[] | 'all') {
  const mine = and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId))
  const where = ids === 'all' ? mine : and(mine, inArray(notifications.id, [...ids]))
  return tx
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(where, isNull(notifications.readAt)))
    .returning({ id: notifications.id })
}
