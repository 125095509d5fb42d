// Job: send one notification delivery (email, WhatsApp, webhook) through the tenant's own channels.
// A transient failure retries with backoff; a permanent one, or the last attempt, marks the delivery
// failed with the reason, where the dashboard shows it — never silently dropped.
import { and, asc, eq } from 'drizzle-orm'
import { isTransient } from '../../adapters/shared/provider-error.ts'
import { AtlasError } from '../../common/errors.ts'
import type { SecretBox } from '../../common/secret-box.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { notificationDeliveries, notifications } from '../../drizzle/schema/notifications.ts'
import { users } from '../../drizzle/schema/team.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import { openChannelConfig } from '../channels/channel-config.ts'
import type { NotifyJob } from '../customer-success/jobs.ts'
import { readCustomerSuccessSettings } from '../customer-success/settings.ts'
import { isLastAttempt, type JobContext, type JobHandler } from '../jobs/context.ts'
import { ticketNumber } from '../views/conversation.ts'
import { type DeliverOptions, deliverNotification, type NotificationTarget } from './deliver.ts'
import { NotificationPreferencesSchema } from './preferences.ts'

export function notifyHandler(
  { database, logger }: JobContext,
  secretBox: SecretBox,
  options: DeliverOptions = {},
): JobHandler<NotifyJob> {
  const db = database.db
  return async (job) => {
    const [row] = await db
      .select({ delivery: notificationDeliveries, notification: notifications, number: tickets.number })
      .from(notificationDeliveries)
      .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
      .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
      .where(eq(notificationDeliveries.id, job.data.deliveryId))
    if (row?.delivery.status !== 'queued') return
    const { delivery, notification } = row
    try {
      const target = await targetFor(db, secretBox, delivery, notification)
      const receipt = await deliverNotification(
        {
          id: notification.id,
          tenantId: notification.tenantId,
          kind: notification.kind as never,
          title: notification.title,
          body: notification.body,
          url: notification.url,
          ticketNumber: row.number === null ? null : ticketNumber(row.number),
          createdAt: notification.createdAt,
          data: notification.data,
        },
        target,
        options,
      )
      await db
        .update(notificationDeliveries)
        .set({
          status: 'sent',
          providerMessageId: receipt.providerMessageId,
          sentAt: new Date(),
          error: null,
        })
        .where(eq(notificationDeliveries.id, delivery.id))
    } catch (error) {
      const message = (error as Error).message.slice(0, 500)
      if (isTransient(error) && !isLastAttempt(job)) {
        await db
          .update(notificationDeliveries)
          .set({ error: `Attempt ${job.retryCount + 1} failed, retrying: ${message}` })
          .where(eq(notificationDeliveries.id, delivery.id))
        throw error
      }
      logger.error(
        { err: error, deliveryId: delivery.id, channel: delivery.channel },
        'notification not delivered',
      )
      await db
        .update(notificationDeliveries)
        .set({ status: 'failed', error: message })
        .where(eq(notificationDeliveries.id, delivery.id))
    }
  }
}

async function targetFor(
  db: Executor,
  secretBox: SecretBox,
  delivery: typeof notificationDeliveries.$inferSelect,
  notification: typeof notifications.$inferSelect,
): Promise<NotificationTarget> {
  const channelConfig = async (kind: 'email' | 'whatsapp') => {
    const [channel] = await db
      .select({ id: channels.id, kind: channels.kind, config: channels.config })
      .from(channels)
      .where(and(eq(channels.tenantId, notification.tenantId), eq(channels.kind, kind)))
      .orderBy(asc(channels.createdAt))
      .limit(1)
    if (!channel)
      throw new AtlasError(
        'config_invalid',
        `No ${kind} channel is connected: connect one so the team can be notified by ${kind}`,
      )
    return openChannelConfig(secretBox, channel)
  }
  if (delivery.channel === 'email') {
    return { channel: 'email', to: delivery.target, smtp: await channelConfig('email') }
  }
  if (delivery.channel === 'whatsapp') {
    const settings = await readCustomerSuccessSettings(db, notification.tenantId)
    return {
      channel: 'whatsapp',
      to: delivery.target,
      whatsapp: await channelConfig('whatsapp'),
      template: settings.churn.alertTemplate,
    }
  }
  if (delivery.channel === 'webhook') {
    const [user] = notification.userId
      ? await db
          .select({ prefs: users.notificationPreferences })
          .from(users)
          .where(eq(users.id, notification.userId))
      : []
    const webhook = NotificationPreferencesSchema.safeParse(user?.prefs ?? {})
    const hook = webhook.success ? webhook.data.webhook : null
    if (!hook) throw new AtlasError('config_invalid', 'The webhook was removed from the preferences')
    return { channel: 'webhook', url: hook.url, secret: hook.secret }
  }
  throw new AtlasError('config_invalid', `Unknown notification channel ${delivery.channel}`)
}
