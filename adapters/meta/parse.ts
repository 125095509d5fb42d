// Messenger (`object: page`) and Instagram (`object: instagram`) webhooks: `entry[].messaging[]`
// events. Customer messages (and button postbacks) become inbound messages; echoes of our own
// messages are ignored; delivery and read receipts become delivery updates where they name message
// ids. A read (or delivery) receipt that only gives a watermark, meaning "everything sent to this
// person before this time", names no message: it is returned in `watermarks` for the runtime to
// apply to its own outbound messages, and counted in `ignored` by the generic adapter interface.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { decodeJsonPayload } from '../shared/json-payload.ts'
import type {
  DeliveryUpdate,
  InboundAttachment,
  InboundKind,
  NormalizedInbound,
  ParsedWebhook,
} from '../types.ts'
import { LABEL, type MetaKind } from './config.ts'

const Id = z.string().min(1).max(512)
/** Meta sends milliseconds; a value that can only be seconds (before 1973 in ms) is read as seconds. */
const EpochTime = z
  .number()
  .int()
  .nonnegative()
  .max(10 ** 14)
  .transform((n) => new Date(n < 10 ** 11 ? n * 1000 : n))

const Attachment = z.object({
  type: z.string().min(1).max(64),
  payload: z
    .object({
      url: z.string().max(8192).optional(),
      sticker_id: z.number().optional(),
      coordinates: z
        .object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) })
        .optional(),
    })
    .nullish(),
})

const Message = z.object({
  mid: Id,
  text: z.string().max(20_000).optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  attachments: z.array(Attachment).max(100).optional(),
  quick_reply: z.object({ payload: z.string().max(2000) }).optional(),
  reply_to: z.object({ mid: Id.optional() }).optional(),
})

const Event = z.object({
  sender: z.object({ id: Id }),
  recipient: z.object({ id: Id }),
  /** Absent on delivery receipts; the entry's time stands in. */
  timestamp: EpochTime.optional(),
  message: Message.optional(),
  postback: z
    .object({
      mid: Id.optional(),
      title: z.string().max(1024).optional(),
      payload: z.string().max(2000).optional(),
    })
    .optional(),
  delivery: z.object({ mids: z.array(Id).max(1000).optional(), watermark: EpochTime }).optional(),
  read: z.object({ watermark: EpochTime.optional(), mid: Id.optional() }).optional(),
})

const Entry = z.object({
  id: Id,
  time: EpochTime,
  messaging: z.array(Event).max(1000).optional(),
  /** Events while another app controls the thread (handover protocol): not ours to answer. */
  standby: z.array(z.unknown()).max(1000).optional(),
  /** Instagram comments and mentions of the account arrive as `changes`: not direct messages. */
  changes: z.array(z.unknown()).max(1000).optional(),
})

export const MessengerWebhookSchema = z.object({
  object: z.literal('page'),
  entry: z.array(Entry).min(1).max(1000),
})
export const InstagramWebhookSchema = z.object({
  object: z.literal('instagram'),
  entry: z.array(Entry).min(1).max(1000),
})

/** "Everything sent to this contact up to `upTo` was delivered / read", without message ids. */
export interface ReadWatermark {
  contact: { kind: MetaKind; value: string }
  status: 'delivered' | 'read'
  upTo: Date
}

export interface MetaParsedWebhook extends ParsedWebhook {
  watermarks: ReadWatermark[]
}

type MetaEvent = z.output<typeof Event> & { timestamp: Date }

export function parseMetaWebhook(payload: unknown, kind: MetaKind): MetaParsedWebhook {
  const what = `${LABEL[kind]} webhook`
  const schema = kind === 'messenger' ? MessengerWebhookSchema : InstagramWebhookSchema
  const webhook = parseInput(schema, decodeJsonPayload(payload, what), what)
  const result: MetaParsedWebhook = { messages: [], statuses: [], ignored: 0, watermarks: [] }
  for (const entry of webhook.entry) {
    result.ignored += (entry.standby?.length ?? 0) + (entry.changes?.length ?? 0)
    // Mids this payload reports delivered, per contact: a read watermark in the same payload covers them.
    const delivered = new Map<string, Array<{ mid: string; at: Date }>>()
    for (const raw of entry.messaging ?? []) {
      const event = { ...raw, timestamp: raw.timestamp ?? entry.time }
      const contact = { kind, value: event.sender.id }
      if (event.message) {
        const message = normalizeMessage(event, event.message, kind)
        if (message) result.messages.push(message)
        else result.ignored++
      } else if (event.postback) {
        result.messages.push(normalizePostback(event, kind))
      } else if (event.delivery) {
        const { mids, watermark } = event.delivery
        if (mids && mids.length > 0) {
          for (const mid of mids)
            result.statuses.push({ providerMessageId: mid, status: 'delivered', at: watermark })
          const known = delivered.get(contact.value) ?? []
          known.push(...mids.map((mid) => ({ mid, at: watermark })))
          delivered.set(contact.value, known)
        } else {
          result.watermarks.push({ contact, status: 'delivered', upTo: watermark })
          result.ignored++
        }
      } else if (event.read) {
        const updates = readUpdates(event, delivered.get(contact.value) ?? [])
        result.statuses.push(...updates)
        if (event.read.watermark)
          result.watermarks.push({ contact, status: 'read', upTo: event.read.watermark })
        if (updates.length === 0) result.ignored++
      } else {
        // Reactions, edits, opt-ins, referrals, handover notices …
        result.ignored++
      }
    }
  }
  return result
}

/** Instagram names the message read (`read.mid`); Messenger gives a watermark, matched to known mids. */
function readUpdates(event: MetaEvent, delivered: Array<{ mid: string; at: Date }>): DeliveryUpdate[] {
  const read = event.read!
  if (read.mid)
    return [{ providerMessageId: read.mid, status: 'read', at: read.watermark ?? event.timestamp }]
  const watermark = read.watermark
  if (!watermark) return []
  return delivered
    .filter((d) => d.at.getTime() <= watermark.getTime())
    .map((d) => ({ providerMessageId: d.mid, status: 'read' as const, at: watermark }))
}

function normalizeMessage(
  event: MetaEvent,
  message: z.output<typeof Message>,
  kind: MetaKind,
): NormalizedInbound | null {
  // Echoes are our own (or the page inbox's) outbound messages; a deleted message withdrew its content.
  if (message.is_echo || message.is_deleted) return null
  if (message.is_unsupported) {
    // Something the API cannot show us (a poll, a payment): a person asks the customer to resend it.
    return {
      providerMessageId: message.mid,
      kind: 'text',
      text: `[A ${LABEL[kind]} message of a kind the API does not deliver: ask the customer to send it as text]`,
      contact: { identity: { kind, value: event.sender.id } },
      metadata: baseMetadata(event, kind),
      replyToProviderId: null,
      sentAt: event.timestamp,
      needsHuman: 'unreadable_unsupported',
    }
  }
  const location = message.attachments?.find((a) => a.type === 'location')?.payload?.coordinates
  const attachments = (message.attachments ?? []).filter((a) => a.type !== 'location').map(attachment)
  const text = message.text ?? ''
  if (text.trim().length === 0 && attachments.length === 0 && !location) return null
  const metadata = baseMetadata(event, kind)
  if (message.quick_reply) metadata.quickReplyPayload = message.quick_reply.payload
  if (location) metadata.location = { latitude: location.lat, longitude: location.long }
  let messageKind: InboundKind = message.quick_reply ? 'interactive' : 'text'
  if (text.length === 0) messageKind = location ? 'location' : kindOf(attachments[0]!)
  return {
    providerMessageId: message.mid,
    kind: messageKind,
    text: text || (location ? `Location: ${location.lat}, ${location.long}` : ''),
    contact: { identity: { kind, value: event.sender.id } },
    metadata,
    ...(attachments.length > 0 ? { attachments } : {}),
    replyToProviderId: message.reply_to?.mid ?? null,
    sentAt: event.timestamp,
  }
}

/** A tap on a button we sent (or Get Started): the customer "says" the button's title. */
function normalizePostback(event: MetaEvent, kind: MetaKind): NormalizedInbound {
  const postback = event.postback!
  const metadata = baseMetadata(event, kind)
  if (postback.payload !== undefined) metadata.postbackPayload = postback.payload
  return {
    providerMessageId: postback.mid ?? null,
    kind: 'button',
    text: postback.title ?? postback.payload ?? '',
    contact: { identity: { kind, value: event.sender.id } },
    metadata,
    replyToProviderId: null,
    sentAt: event.timestamp,
  }
}

function baseMetadata(event: MetaEvent, kind: MetaKind): Record<string, unknown> {
  return kind === 'messenger' ? { pageId: event.recipient.id } : { instagramAccountId: event.recipient.id }
}

const ATTACHMENT_KINDS: Record<string, InboundAttachment['kind']> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'document',
}

function attachment(item: z.output<typeof Attachment>): InboundAttachment {
  const sticker = item.type === 'image' && item.payload?.sticker_id !== undefined
  const kind = sticker ? 'sticker' : (ATTACHMENT_KINDS[item.type] ?? 'file')
  return { kind, ...(item.payload?.url ? { url: item.payload.url } : {}) }
}

function kindOf(item: InboundAttachment): InboundKind {
  return item.kind === 'file' ? 'text' : item.kind
}
