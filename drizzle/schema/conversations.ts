// Conversations (one thread per contact and channel) and their messages, inbound and outbound.
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { channels } from './channels.ts'
import { createdAt, id, updatedAt } from './columns.ts'
import { contacts } from './contacts.ts'
import { tenantRef } from './tenants.ts'

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    tenantId: tenantRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** Where the contact was when they last wrote (widget page, email subject …). */
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    lastMessageAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One thread per contact per channel makes the ingest upsert atomic under concurrent deliveries.
    uniqueIndex('conversations_channel_contact').on(t.channelId, t.contactId),
    index('conversations_tenant_recent').on(t.tenantId, t.lastMessageAt),
  ],
)

/** `internal` is a note for the team (a hand-over summary, an operator's note): never sent, never shown to the customer. */
export type MessageDirection = 'inbound' | 'outbound' | 'internal'
export type MessageAuthor = 'customer' | 'bot' | 'human' | 'system'
export type DeliveryStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed'

export interface Citation {
  documentId: string
  passageId: string
  slug: string
  title: string
  heading: string | null
  url: string | null
}

export const messages = pgTable(
  'messages',
  {
    id: id(),
    tenantId: tenantRef(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    ticketId: uuid(),
    direction: text().$type<MessageDirection>().notNull(),
    author: text().$type<MessageAuthor>().notNull(),
    /** Who wrote it: an agent name for the bot, an operator/API key id for a human. */
    authorRef: text(),
    body: text().notNull(),
    /** The channel's own id for an inbound message; a redelivery with the same id is a no-op. */
    providerMessageId: text(),
    /** For outbound messages: one reply per key, however often the job that writes it runs. */
    idempotencyKey: text(),
    deliveryStatus: text().$type<DeliveryStatus>().notNull(),
    deliveryError: text(),
    replyToId: uuid(),
    citations: jsonb().$type<Citation[]>().notNull().default([]),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('messages_provider_id').on(t.channelId, t.providerMessageId),
    uniqueIndex('messages_idempotency_key').on(t.conversationId, t.idempotencyKey),
    index('messages_conversation_time').on(t.conversationId, t.createdAt),
    index('messages_ticket').on(t.ticketId),
  ],
)
