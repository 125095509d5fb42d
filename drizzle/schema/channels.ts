// Channels a tenant receives messages on. `key` is the public identifier in webhook and widget URLs.
import { jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
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

/** Message templates a channel may send outside its messaging window (WhatsApp), as approved by the provider. */
export const channelTemplates = pgTable(
  'channel_templates',
  {
    id: id(),
    tenantId: tenantRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    language: text().notNull(),
    /** The approved text with {{1}}, {{2}} … placeholders, shown to operators and stored with what was sent. */
    body: text().notNull(),
    /** approved templates may be sent; others are kept for reference. */
    status: text().$type<'approved' | 'pending' | 'rejected'>().notNull().default('approved'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('channel_templates_name').on(t.channelId, t.name, t.language)],
)
