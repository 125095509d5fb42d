// The WhatsApp Cloud API webhook (`object: whatsapp_business_account`): customer messages become
// normalized inbound messages, `statuses` become delivery updates. Types we do not handle (reactions,
// `unsupported`, system notices, other subscription fields) are counted in `ignored`, not rejected.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { decodeJsonPayload } from '../shared/json-payload.ts'
import type {
  DeliveryState,
  DeliveryUpdate,
  InboundAttachment,
  NormalizedInbound,
  ParsedWebhook,
} from '../types.ts'

const Id = z.string().min(1).max(512)
const Short = z.string().max(1024)
const WaId = z.string().regex(/^\d{1,20}$/, 'must be a WhatsApp id (digits only)')
/** WhatsApp sends Unix seconds as a string; a number is accepted too. */
const UnixSeconds = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be Unix seconds')
    .transform((s) => new Date(Number(s) * 1000)),
)

const Media = z.object({
  id: Id,
  mime_type: Short.optional(),
  sha256: Short.optional(),
  caption: z.string().max(4096).optional(),
  filename: Short.optional(),
  /** Newer API versions include a short-lived download URL; the id is what media.ts fetches. */
  url: z.string().max(4096).optional(),
})

const Message = z
  .object({
    from: WaId,
    id: Id,
    timestamp: UnixSeconds,
    type: z.string().min(1).max(64),
    context: z
      .object({
        id: Id.optional(),
        from: z.string().max(64).optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
      })
      .optional(),
    text: z.object({ body: z.string().max(65_536) }).optional(),
    audio: Media.extend({ voice: z.boolean().optional() }).optional(),
    image: Media.optional(),
    video: Media.optional(),
    document: Media.optional(),
    sticker: Media.extend({ animated: z.boolean().optional() }).optional(),
    location: z
      .object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        name: Short.optional(),
        address: Short.optional(),
        url: z.string().max(4096).optional(),
      })
      .optional(),
    interactive: z
      .object({
        type: z.string().min(1).max(64),
        button_reply: z.object({ id: Id, title: Short }).optional(),
        list_reply: z.object({ id: Id, title: Short, description: Short.optional() }).optional(),
      })
      .optional(),
    button: z.object({ text: Short, payload: Short.optional() }).optional(),
    contacts: z
      .array(
        z.object({
          name: z.object({ formatted_name: Short.optional() }).optional(),
          phones: z
            .array(z.object({ phone: Short.optional() }))
            .max(20)
            .optional(),
        }),
      )
      .max(20)
      .optional(),
  })
  .superRefine((message, ctx) => {
    if (
      !KNOWN_TYPES.has(message.type) &&
      !SKIPPED_TYPES.has(message.type) &&
      !UNREADABLE_TYPES.has(message.type)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `unknown message type "${message.type}"`,
      })
    }
    // A known type must carry its object (`type: 'image'` → `image`); unknown types pass untouched.
    if (KNOWN_TYPES.has(message.type) && message[message.type as KnownType] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [message.type],
        message: `required for a message of type "${message.type}"`,
      })
    }
    const interactive = message.interactive
    if (
      interactive &&
      REPLY_TYPES.has(interactive.type) &&
      interactive[interactive.type as ReplyType] === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['interactive', interactive.type],
        message: `required for an interactive reply of type "${interactive.type}"`,
      })
    }
  })

type KnownType =
  | 'text'
  | 'audio'
  | 'image'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'interactive'
  | 'button'
const KNOWN_TYPES: ReadonlySet<string> = new Set<KnownType>([
  'text',
  'audio',
  'image',
  'video',
  'document',
  'sticker',
  'location',
  'interactive',
  'button',
])
/** Documented types that are not a customer asking anything: a reaction, a number change notice. */
const SKIPPED_TYPES: ReadonlySet<string> = new Set(['reaction', 'system', 'request_welcome'])
/**
 * Documented types the agent cannot read (WhatsApp's own `unsupported`, a catalog order, a
 * disappearing message): stored with a marker and handed to a person, never dropped.
 */
const UNREADABLE_TYPES: ReadonlySet<string> = new Set(['unsupported', 'order', 'ephemeral', 'contacts'])
type ReplyType = 'button_reply' | 'list_reply'
const REPLY_TYPES: ReadonlySet<string> = new Set<ReplyType>(['button_reply', 'list_reply'])

const StatusError = z.object({
  code: z.number().optional(),
  title: Short.optional(),
  message: z.string().max(4096).optional(),
  error_data: z.object({ details: z.string().max(4096).optional() }).optional(),
})

const Status = z.object({
  id: Id,
  status: z.string().min(1).max(64),
  timestamp: UnixSeconds,
  recipient_id: z.string().max(64).optional(),
  errors: z.array(StatusError).max(100).optional(),
})

const MessagesValue = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({
    display_phone_number: z.string().max(64),
    phone_number_id: z.string().min(1).max(64),
  }),
  contacts: z
    .array(z.object({ wa_id: z.string().max(64), profile: z.object({ name: Short.optional() }).optional() }))
    .max(1000)
    .optional(),
  messages: z.array(Message).max(1000).optional(),
  statuses: z.array(Status).max(1000).optional(),
})

type MessagesValue = z.output<typeof MessagesValue>
type WhatsAppMessage = z.output<typeof Message>

/** Only the `messages` field is ours to read; other fields (template status, account updates) pass. */
const Change = z
  .object({ field: z.string().min(1).max(128), value: z.unknown() })
  .transform((change, ctx): MessagesValue | null => {
    if (change.field !== 'messages') return null
    const result = MessagesValue.safeParse(change.value)
    if (result.success) return result.data
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['value', ...issue.path], message: issue.message })
    }
    return z.NEVER
  })

export const WhatsAppWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(z.object({ id: z.string().min(1).max(64), changes: z.array(Change).max(1000) }))
    .min(1)
    .max(1000),
})

const STATES: ReadonlySet<string> = new Set<DeliveryState>(['sent', 'delivered', 'read', 'failed'])

/** Parses a webhook body: the decoded JSON, or the raw body as a string or bytes. */
export function parseWhatsAppWebhook(payload: unknown): ParsedWebhook {
  const webhook = parseInput(
    WhatsAppWebhookSchema,
    decodeJsonPayload(payload, 'WhatsApp webhook'),
    'WhatsApp webhook',
  )
  const result: ParsedWebhook = { messages: [], statuses: [], ignored: 0 }
  for (const entry of webhook.entry) {
    for (const value of entry.changes) {
      if (value === null) {
        result.ignored++
        continue
      }
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]))
      for (const message of value.messages ?? []) {
        const normalized = normalizeMessage(message, value.metadata.phone_number_id, names.get(message.from))
        if (normalized) result.messages.push(normalized)
        else result.ignored++
      }
      for (const status of value.statuses ?? []) {
        if (!STATES.has(status.status)) {
          result.ignored++
          continue
        }
        const update: DeliveryUpdate = {
          providerMessageId: status.id,
          status: status.status as DeliveryState,
          at: status.timestamp,
        }
        if (status.status === 'failed') update.error = describeErrors(status.errors)
        result.statuses.push(update)
      }
    }
  }
  return result
}

function normalizeMessage(
  message: WhatsAppMessage,
  phoneNumberId: string,
  name: string | undefined,
): NormalizedInbound | null {
  const metadata: Record<string, unknown> = { phoneNumberId }
  if (message.context?.forwarded || message.context?.frequently_forwarded) metadata.forwarded = true
  const base = {
    providerMessageId: message.id,
    contact: {
      identity: { kind: 'whatsapp' as const, value: message.from },
      phone: `+${message.from}`,
      ...(name ? { name } : {}),
    },
    metadata,
    replyToProviderId: message.context?.id ?? null,
    sentAt: message.timestamp,
  }
  switch (message.type) {
    case 'text':
      return { ...base, kind: 'text', text: message.text!.body }
    case 'audio': {
      // Voice notes (recorded in the app) and audio files both arrive as `audio`; `voice` tells them
      // apart. The text stays empty until the runtime transcribes the media.
      const audio = message.audio!
      return {
        ...base,
        kind: 'audio',
        text: '',
        attachments: [attachment('audio', audio, audio.voice === true)],
      }
    }
    case 'image':
    case 'video':
    case 'document':
    case 'sticker': {
      const media = message[message.type]!
      return {
        ...base,
        kind: message.type,
        text: media.caption ?? '',
        attachments: [attachment(message.type, media)],
      }
    }
    case 'location': {
      const location = message.location!
      metadata.location = location
      const place = [location.name, location.address].filter(Boolean).join(', ')
      const where = `${location.latitude}, ${location.longitude}`
      return {
        ...base,
        kind: 'location',
        text: place ? `Location: ${place} (${where})` : `Location: ${where}`,
      }
    }
    case 'interactive': {
      const interactive = message.interactive!
      const reply = interactive.type === 'button_reply' ? interactive.button_reply : interactive.list_reply
      // Flows (`nfm_reply`) and other interactive kinds are not replies we can read as text: a person looks.
      if (!REPLY_TYPES.has(interactive.type) || !reply) {
        return {
          ...base,
          kind: 'interactive',
          text: `[A WhatsApp ${interactive.type} response the agent cannot read]`,
          needsHuman: `unreadable_${interactive.type}`,
        }
      }
      metadata.interactiveReply = { type: interactive.type, id: reply.id }
      return { ...base, kind: 'interactive', text: reply.title }
    }
    case 'button': {
      const button = message.button!
      if (button.payload !== undefined) metadata.buttonPayload = button.payload
      return { ...base, kind: 'button', text: button.text }
    }
    case 'contacts': {
      const cards = (message.contacts ?? []).map((card) =>
        [card.name?.formatted_name, ...(card.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' '),
      )
      return {
        ...base,
        kind: 'text',
        text: `[Shared contact: ${cards.filter(Boolean).join('; ') || 'no details'}]`,
        needsHuman: 'shared_contact',
      }
    }
    default:
      if (!UNREADABLE_TYPES.has(message.type)) return null
      return {
        ...base,
        kind: 'text',
        text: `[A WhatsApp ${message.type === 'unsupported' ? 'message of a kind the Cloud API does not deliver' : `${message.type} message`}: ask the customer to send it as text]`,
        needsHuman: `unreadable_${message.type}`,
      }
  }
}

function attachment(
  kind: InboundAttachment['kind'],
  media: z.output<typeof Media>,
  voice?: boolean,
): InboundAttachment {
  return {
    kind,
    mediaId: media.id,
    ...(media.mime_type ? { mimeType: media.mime_type } : {}),
    ...(media.filename ? { filename: media.filename } : {}),
    ...(media.url ? { url: media.url } : {}),
    ...(voice !== undefined ? { voice } : {}),
  }
}

/** `131047 Re-engagement message: Message failed to send because more than 24 hours have passed …` */
function describeErrors(errors: z.output<typeof StatusError>[] | undefined): string {
  if (!errors || errors.length === 0) return 'WhatsApp reported the message failed without saying why'
  return errors
    .map((e) => {
      const head = [e.code, e.title].filter((part) => part !== undefined && part !== '').join(' ')
      const detail = e.error_data?.details ?? (e.message !== e.title ? e.message : undefined)
      return detail ? `${head}: ${detail}` : head
    })
    .join('; ')
}
