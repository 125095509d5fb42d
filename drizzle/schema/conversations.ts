// Conversations and their messages, inbound and outbound. A chat channel keeps one thread per contact;
// email keeps one per thread of replies (`threadKey`: the first message's Message-ID).
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
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
    /** '' for chat channels (one thread per contact); for email the thread's first Message-ID. */
    threadKey: text().notNull().default(''),
    /** Where the contact was when they last wrote (widget page, device, email subject …). */
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The channel inbox it sits in: `active`; `expired` when a messaging window (WhatsApp 24 h) lapsed
     * and only templates may be sent; `outgoing` when we wrote first and wait for an answer.
     */
    inbox: text().$type<ConversationInbox>().notNull().default('active'),
    /** When the channel's customer-service window closes (WhatsApp, Messenger); null when it has none. */
    windowExpiresAt: timestamp({ withTimezone: true }),
    lastMessageAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One conversation per thread makes the ingest upsert atomic under concurrent deliveries.
    uniqueIndex('conversations_channel_contact_thread').on(t.channelId, t.contactId, t.threadKey),
    index('conversations_tenant_recent').on(t.tenantId, t.lastMessageAt),
  ],
)

export type ConversationInbox = 'active' | 'expired' | 'outgoing'

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
    /** What the agent reads (for email: without quoted history and signature). */
    body: text().notNull(),
    /** The whole text as received, when it differs from `body` (email with quotes), for operators. */
    fullBody: text(),
    /** text, audio (a voice note), image, document, email, mention, template … */
    kind: text().notNull().default('text'),
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
    // The tenant's latest message, read by the dashboard's live-update watcher (one index seek).
    index('messages_tenant_time').on(t.tenantId, t.createdAt),
  ],
)

/** A file that came with a message (or goes out with one), kept behind the storage interface. */
export const attachments = pgTable(
  'attachments',
  {
    id: id(),
    tenantId: tenantRef(),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    kind: text().notNull(),
    filename: text(),
    mimeType: text(),
    size: integer(),
    /** Where the bytes are in storage; null until a provider's media has been downloaded. */
    storageKey: text(),
    /** The provider's media id (WhatsApp), to download it later. */
    providerMediaId: text(),
    /** Where the provider serves the file (Messenger and Instagram CDN links), to download it later. */
    sourceUrl: text(),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_message').on(t.messageId)],
)
