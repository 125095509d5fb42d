// Ingest: store a normalized inbound message and enqueue its processing, in one transaction.
// Find or create the contact by its channel identity, find the conversation (email: by its thread),
// insert the message (unique per channel and provider id, so a redelivered webhook is a no-op), open
// the channel's messaging window, and enqueue the job that hands the message to the ticket actor.
// No model call here: the request is answered as soon as this commits.
import { randomUUID } from 'node:crypto'
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { ChannelKind, NormalizedInbound } from '../adapters/types.ts'
import { instruments } from '../common/metrics.ts'
import { setSpanAttributes, withSpan } from '../common/tracing.ts'
import type { Database, Tx } from '../drizzle/database.ts'
import { contactIdentities, contacts } from '../drizzle/schema/contacts.ts'
import { attachments, conversations, messages } from '../drizzle/schema/conversations.ts'
import type { Outbox } from '../machines/host/outbox.ts'

export interface IngestChannel {
  id: string
  tenantId: string
  kind: ChannelKind
}

export interface IngestResult {
  conversationId: string
  messageId: string
  contactId: string
  /** The message was already stored (same provider id, or a double submit): nothing new was queued. */
  duplicate: boolean
}

/** An attachment whose bytes were already put in storage (email) or that the provider holds (WhatsApp). */
export interface StoredAttachment {
  kind: string
  filename: string | null
  mimeType: string | null
  size: number | null
  storageKey: string | null
  providerMediaId: string | null
  sourceUrl: string | null
}

/** Without a provider id, the same text from the same contact within this window is one message. */
const DOUBLE_SUBMIT_WINDOW_MS = 30_000

/** Channels whose provider lets a business answer freely only within a window after the customer wrote. */
export const MESSAGING_WINDOW_HOURS: Partial<Record<ChannelKind, number>> = {
  whatsapp: 24,
  messenger: 24,
  instagram: 24,
}

/** An email without threading headers joins a thread with the same subject from the same sender this recent. */
const SUBJECT_FALLBACK_DAYS = 30

export async function ingestMessage(
  database: Database,
  outbox: Outbox,
  channel: IngestChannel,
  inbound: NormalizedInbound,
  stored: readonly StoredAttachment[] = [],
): Promise<IngestResult> {
  const kind = { 'atlas.channel.kind': channel.kind }
  const attributes = { ...kind, 'atlas.tenant.id': channel.tenantId, 'atlas.channel.id': channel.id }
  return withSpan('ingest', attributes, async (span) => {
    const result = await store(database, outbox, channel, inbound, stored)
    setSpanAttributes(span, {
      'atlas.conversation.id': result.conversationId,
      'atlas.message.id': result.messageId,
      'atlas.duplicate': result.duplicate,
    })
    if (!result.duplicate) instruments().ingested.add(1, kind)
    return result
  })
}

async function store(
  database: Database,
  outbox: Outbox,
  channel: IngestChannel,
  inbound: NormalizedInbound,
  stored: readonly StoredAttachment[],
): Promise<IngestResult> {
  return database.db.transaction(async (tx) => {
    const contactId = await findOrCreateContact(tx, channel.tenantId, inbound)
    const threadKey = await threadKeyOf(tx, channel, contactId, inbound)
    const windowHours = MESSAGING_WINDOW_HOURS[channel.kind]
    const received = inbound.sentAt ?? new Date()
    const windowExpiresAt = windowHours ? new Date(received.getTime() + windowHours * 3600_000) : null
    const [conversation] = await tx
      .insert(conversations)
      .values({
        tenantId: channel.tenantId,
        channelId: channel.id,
        contactId,
        threadKey,
        metadata: inbound.metadata,
        windowExpiresAt,
      })
      .onConflictDoUpdate({
        target: [conversations.channelId, conversations.contactId, conversations.threadKey],
        set: {
          lastMessageAt: sql`now()`,
          updatedAt: sql`now()`,
          metadata: sql`${conversations.metadata} || excluded.metadata`,
          // The customer wrote: the window opens again and the conversation is active.
          inbox: 'active',
          windowExpiresAt: sql`greatest(${conversations.windowExpiresAt}, excluded.window_expires_at)`,
        },
      })
      .returning({ id: conversations.id, windowExpiresAt: conversations.windowExpiresAt })
    const conversationId = conversation!.id

    if (inbound.providerMessageId === null) {
      const cutoff = new Date(Date.now() - DOUBLE_SUBMIT_WINDOW_MS)
      const [recent] = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            eq(messages.direction, 'inbound'),
            eq(messages.body, inbound.text),
            gt(messages.createdAt, cutoff),
          ),
        )
        .limit(1)
      if (recent) return { conversationId, messageId: recent.id, contactId, duplicate: true }
    }

    const voiceNote = inbound.kind === 'audio' && stored.length > 0
    const replyToId = inbound.replyToProviderId
      ? ((
          await tx
            .select({ id: messages.id })
            .from(messages)
            .where(
              and(
                eq(messages.channelId, channel.id),
                eq(messages.providerMessageId, inbound.replyToProviderId),
              ),
            )
        )[0]?.id ?? null)
      : null
    const [inserted] = await tx
      .insert(messages)
      .values({
        tenantId: channel.tenantId,
        conversationId,
        channelId: channel.id,
        direction: 'inbound',
        author: 'customer',
        authorRef: contactId,
        kind: inbound.kind,
        body: inbound.text.trim() || (voiceNote ? '' : mediaMarker(inbound)),
        fullBody: inbound.fullText && inbound.fullText !== inbound.text ? inbound.fullText : null,
        providerMessageId: inbound.providerMessageId,
        deliveryStatus: 'received',
        replyToId,
        metadata: {
          ...inbound.metadata,
          // A photo or file without words: the agent cannot see it, so a person looks.
          ...(inbound.needsHuman
            ? { needsHuman: inbound.needsHuman }
            : inbound.text.trim() || voiceNote
              ? {}
              : { needsHuman: 'attachment_only' }),
          ...(inbound.threading ? { threading: inbound.threading } : {}),
          ...(inbound.sentAt ? { sentAt: inbound.sentAt.toISOString() } : {}),
        },
      })
      .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
      .returning({ id: messages.id })
    if (!inserted) {
      const [existing] = await tx
        .select({ id: messages.id, conversationId: messages.conversationId })
        .from(messages)
        .where(
          and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, inbound.providerMessageId!)),
        )
      return { conversationId: existing!.conversationId, messageId: existing!.id, contactId, duplicate: true }
    }
    if (stored.length > 0) {
      await tx
        .insert(attachments)
        .values(stored.map((a) => ({ ...a, tenantId: channel.tenantId, messageId: inserted.id })))
    }
    // Media the provider holds is fetched by its own job; a voice note reaches its ticket only after
    // that job has transcribed it (the transcript is what the agent reads).
    const fetchMedia = stored.some((a) => (a.providerMediaId || a.sourceUrl) && !a.storageKey)
    if (fetchMedia) await outbox.media(tx, { messageId: inserted.id })
    if (!(fetchMedia && inbound.kind === 'audio'))
      await outbox.inbound(tx, { conversationId, messageId: inserted.id })
    if (conversation!.windowExpiresAt) {
      await outbox.window(tx, { conversationId, expiresAt: conversation!.windowExpiresAt.toISOString() })
    }
    return { conversationId, messageId: inserted.id, contactId, duplicate: false }
  })
}

/**
 * Which conversation an inbound message belongs to. Chat channels: one per contact. Email (RFC 5322
 * §3.6.4): the thread of a message named in In-Reply-To or References, if it is this sender's; else
 * the same subject from the same sender recently (clients that drop headers); else a new thread.
 */
async function threadKeyOf(
  tx: Tx,
  channel: IngestChannel,
  contactId: string,
  inbound: NormalizedInbound,
): Promise<string> {
  const threading = inbound.threading
  if (channel.kind !== 'email' || !threading) return ''
  const ids = [threading.inReplyTo, ...threading.references].filter((id): id is string => !!id)
  if (ids.length > 0) {
    const [known] = await tx
      .select({ threadKey: conversations.threadKey })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.channelId, channel.id),
          inArray(messages.providerMessageId, ids),
          // Someone else quoting the same thread is not this sender's conversation.
          eq(conversations.contactId, contactId),
        ),
      )
      .limit(1)
    if (known) return known.threadKey
  }
  const subject = normalizeSubject(threading.subject)
  if (ids.length === 0 && subject) {
    const since = new Date(Date.now() - SUBJECT_FALLBACK_DAYS * 24 * 3600_000)
    const recent = await tx
      .select({ threadKey: conversations.threadKey, metadata: conversations.metadata })
      .from(conversations)
      .where(
        and(
          eq(conversations.channelId, channel.id),
          eq(conversations.contactId, contactId),
          gt(conversations.lastMessageAt, since),
        ),
      )
      .orderBy(desc(conversations.lastMessageAt))
      .limit(20)
    const match = recent.find((c) => normalizeSubject(String(c.metadata.subject ?? '')) === subject)
    if (match) return match.threadKey
  }
  return threading.messageId ?? inbound.providerMessageId ?? randomUUID()
}

/** What a message of only media says in the thread: "[image]", "[document: invoice.pdf]". */
function mediaMarker(inbound: NormalizedInbound): string {
  const files = inbound.attachments ?? []
  if (files.length === 0) return `[${inbound.kind} without text]`
  return files.map((f) => (f.filename ? `[${f.kind}: ${f.filename}]` : `[${f.kind}]`)).join(' ')
}

/** "Re: Fwd: RE: Invoice" → "invoice": what stays the same across a thread's subjects. */
export function normalizeSubject(subject: string): string {
  return subject
    .replace(/^\s*((re|fw|fwd|aw|sv|wg)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .trim()
    .toLowerCase()
}

async function findOrCreateContact(tx: Tx, tenantId: string, inbound: NormalizedInbound): Promise<string> {
  const { identity, name, email, phone } = inbound.contact
  // Two first messages from one new contact at once must not create two contacts: serialise on the
  // identity for the rest of this transaction.
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:${identity.kind}:${identity.value}`}, 0))`,
  )
  const [found] = await tx
    .select({ contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.tenantId, tenantId),
        eq(contactIdentities.kind, identity.kind),
        eq(contactIdentities.value, identity.value),
      ),
    )
  if (found) {
    if (name || email || phone) {
      // Details the customer gives later fill gaps; they never overwrite what an operator set.
      await tx
        .update(contacts)
        .set({
          name: sql`coalesce(${contacts.name}, ${name ?? null}::text)`,
          email: sql`coalesce(${contacts.email}, ${email ?? null}::text)`,
          phone: sql`coalesce(${contacts.phone}, ${phone ?? null}::text)`,
          updatedAt: sql`now()`,
        })
        .where(eq(contacts.id, found.contactId))
    }
    return found.contactId
  }
  const [contact] = await tx
    .insert(contacts)
    .values({ tenantId, name: name ?? null, email: email ?? null, phone: phone ?? null })
    .returning({ id: contacts.id })
  await tx
    .insert(contactIdentities)
    .values({ tenantId, contactId: contact!.id, kind: identity.kind, value: identity.value })
  return contact!.id
}
