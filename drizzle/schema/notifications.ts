// Team notifications: one row per person and event (shown live in the dashboard), and one delivery per
// channel the person chose (email, WhatsApp, a webhook), each sent by a pg-boss job.
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { users } from './team.ts'
import { tenantRef } from './tenants.ts'
import { tickets } from './tickets.ts'

export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    tenantId: tenantRef(),
    /** Null: sent to an address rather than a person (the tenant's notification address). */
    userId: uuid().references(() => users.id, { onDelete: 'cascade' }),
    kind: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    url: text(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** The event that caused it, per recipient: a replayed event notifies once. */
    dedupeKey: text().notNull(),
    readAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_dedupe').on(t.tenantId, t.dedupeKey),
    index('notifications_user_time').on(t.userId, t.createdAt),
  ],
)

export type NotificationDeliveryStatus = 'queued' | 'sent' | 'failed'

export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: id(),
    tenantId: tenantRef(),
    notificationId: uuid()
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channel: text().notNull(),
    /** Where it goes: an email address, a phone number, a webhook URL. */
    target: text().notNull(),
    status: text().$type<NotificationDeliveryStatus>().notNull().default('queued'),
    providerMessageId: text(),
    error: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('notification_deliveries_channel').on(t.notificationId, t.channel)],
)
