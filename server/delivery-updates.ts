// Providers report on what we sent (WhatsApp statuses, Messenger receipts): sent → delivered → read,
// or failed. A report only moves a message forward; a failure after the provider accepted the
// message is told to its ticket, which escalates a bot's reply to a person.
import { and, eq, inArray, lte } from 'drizzle-orm'
import type { DeliveryState, DeliveryUpdate, DeliveryWatermark } from '../adapters/types.ts'
import type { Database } from '../drizzle/database.ts'
import { contactIdentities } from '../drizzle/schema/contacts.ts'
import { conversations, type DeliveryStatus, messages } from '../drizzle/schema/conversations.ts'
import type { TicketHost } from '../machines/host/ticket-host.ts'
import { reportDeliveryFailure } from './jobs/delivery.ts'

const ORDER: Record<DeliveryStatus, number> = {
  received: 0,
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
}

export interface AppliedUpdates {
  applied: number
  /** Reports on messages this channel never sent (another tool's, or long deleted). */
  unknown: number
}

export async function applyDeliveryUpdates(
  database: Database,
  host: TicketHost,
  channelId: string,
  updates: readonly DeliveryUpdate[],
): Promise<AppliedUpdates> {
  let applied = 0
  let unknown = 0
  for (const update of updates) {
    const [message] = await database.db
      .select({ id: messages.id, ticketId: messages.ticketId, status: messages.deliveryStatus })
      .from(messages)
      .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, update.providerMessageId)))
    if (!message) {
      unknown++
      continue
    }
    if (!moves(message.status, update.status)) continue
    if (update.status === 'failed' && message.ticketId) {
      await reportDeliveryFailure(host, {
        ticketId: message.ticketId,
        messageId: message.id,
        reason: update.error ?? 'the provider reported the message as failed',
        reporter: 'provider',
      })
    } else {
      await database.db
        .update(messages)
        .set({
          deliveryStatus: update.status,
          ...(update.status === 'failed' ? { deliveryError: update.error ?? null } : {}),
        })
        .where(and(eq(messages.id, message.id), eq(messages.deliveryStatus, message.status)))
    }
    applied++
  }
  return { applied, unknown }
}

/**
 * Watermarks (Messenger): every message we sent this contact on this channel up to the time moves
 * forward to delivered or read. Returns how many messages moved.
 */
export async function applyWatermarks(
  database: Database,
  channelId: string,
  watermarks: readonly DeliveryWatermark[],
): Promise<number> {
  let moved = 0
  for (const mark of watermarks) {
    const before = (['sent', 'delivered'] as const).filter((s) => moves(s, mark.status))
    const theirs = database.db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(contactIdentities, eq(contactIdentities.contactId, conversations.contactId))
      .where(
        and(
          eq(conversations.channelId, channelId),
          eq(contactIdentities.kind, mark.contact.kind),
          eq(contactIdentities.value, mark.contact.value),
        ),
      )
    const updated = await database.db
      .update(messages)
      .set({ deliveryStatus: mark.status })
      .where(
        and(
          eq(messages.channelId, channelId),
          eq(messages.direction, 'outbound'),
          inArray(messages.deliveryStatus, before),
          lte(messages.sentAt, mark.upTo),
          inArray(messages.conversationId, theirs),
        ),
      )
      .returning({ id: messages.id })
    moved += updated.length
  }
  return moved
}

/** Forward only: a late "delivered" after "read" changes nothing; nothing follows "failed". */
export function moves(current: DeliveryStatus, next: DeliveryState): boolean {
  if (current === 'failed') return false
  return ORDER[next] > ORDER[current]
}
