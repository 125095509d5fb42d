// Channels a tenant receives messages on. `key` is the public identifier in webhook and widget URLs.
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { tenantRef } from './tenants.ts'

export type ChannelKind = 'widget' | 'whatsapp' | 'email' | 'messenger' | 'instagram' | 'mentions'

export const channels = pgTable('channels', {
  id: id(),
  tenantId: tenantRef(),
  kind: text().$type<ChannelKind>().notNull(),
  name: text().notNull(),
  /** Globally unique, URL-safe: the widget key (`demo`) or the webhook channel id. */
  key: text().notNull().unique(),
  config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
})
