// Ingest: store a normalized inbound message and enqueue its processing, in one transaction.
// Find or create the contact by its channel identity, upsert the conversation, insert the message
// (unique per channel and provider id, so a redelivered webhook is a no-op) and enqueue the job that
// hands it to the ticket actor. No model call here: the request is answered as soon as this commits.
import { and, eq, gt, sql } from 'drizzle-orm'
import type { NormalizedInbound } from '../adapters/types.ts'
import type { Database, Tx } from '../drizzle/database.ts'
import { contactIdentities, contacts } from '../drizzle/schema/contacts.ts'
import { conversations, messages } from '../drizzle/schema/conversations.ts'
import type { Outbox } from '../machines/host/outbox.ts'

export interface IngestChannel {
  id: string
  tenantId: string
}

export interface IngestResult {
  conversationId: string
  messageId: string
  contactId: string
  /** The message was already stored (same provider id, or a double submit): nothing new was queued. */
  duplicate: boolean
}

/** Without a provider id, the same text from the same contact within this window is one message. */
const DOUBLE_SUBMIT_WINDOW_MS = 30_000

export async function ingestMessage(
  database: Database,
  outbox: Outbox,
  channel: IngestChannel,
  inbound: NormalizedInbound,
): Promise<IngestResult> {
  return database.db.transaction(async (tx) => {
    const contactId = await findOrCreateContact(tx, channel.tenantId, inbound)
    const [conversation] = await tx
      .insert(conversations)
      .values({ tenantId: channel.tenantId, channelId: channel.id, contactId, metadata: inbound.metadata })
      .onConflictDoUpdate({
        target: [conversations.channelId, conversations.contactId],
        set: {
          lastMessageAt: sql`now()`,
          updatedAt: sql`now()`,
          metadata: sql`${conversations.metadata} || excluded.metadata`,
        },
      })
      .returning({ id: conversations.id })
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

    const [inserted] = await tx
      .insert(messages)
      .values({
        tenantId: channel.tenantId,
        conversationId,
        channelId: channel.id,
        direction: 'inbound',
        author: 'customer',
        authorRef: contactId,
        body: inbound.text,
        providerMessageId: inbound.providerMessageId,
        deliveryStatus: 'received',
        metadata: inbound.metadata,
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
    await outbox.inbound(tx, { conversationId, messageId: inserted.id })
    return { conversationId, messageId: inserted.id, contactId, duplicate: false }
  })
}

async function findOrCreateContact(tx: Tx, tenantId: string, inbound: NormalizedInbound): Promise<string> {
  const { identity, name, email, phone } = inbound.contact
  // Two first messages from one new visitor at once must not create two contacts: serialise on the
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
