// The one small interface every channel adapter implements: verify a webhook (a Hono middleware per
// adapter), parse a provider's payload into normalized messages and delivery updates, and send an
// outbound message. Adapters import nothing from the layers above them.

export type ChannelKind = 'widget' | 'whatsapp' | 'email' | 'messenger' | 'instagram' | 'mentions'
export type IdentityKind = 'visitor' | 'email' | 'phone' | 'whatsapp' | 'messenger' | 'instagram' | 'social'

/** Which of a contact's identities a channel delivers to. */
export const IDENTITY_FOR_CHANNEL: Record<ChannelKind, IdentityKind> = {
  widget: 'visitor',
  whatsapp: 'whatsapp',
  email: 'email',
  messenger: 'messenger',
  instagram: 'instagram',
  mentions: 'social',
}

export interface ContactRef {
  /** How the channel identifies the sender; finds the same contact again next time. */
  identity: { kind: IdentityKind; value: string }
  name?: string | undefined
  email?: string | undefined
  phone?: string | undefined
}

export type InboundKind =
  | 'text'
  | 'audio'
  | 'image'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'interactive'
  | 'button'
  | 'email'
  | 'mention'

export interface InboundAttachment {
  kind: 'audio' | 'image' | 'video' | 'document' | 'sticker' | 'file'
  /** The provider's media id (WhatsApp), fetched through the adapter's media download. */
  mediaId?: string | undefined
  url?: string | undefined
  mimeType?: string | undefined
  filename?: string | undefined
  size?: number | undefined
  /** Content that arrived with the message (email attachments). */
  content?: Uint8Array | undefined
  /** WhatsApp marks voice notes (recorded in the app) apart from audio files. */
  voice?: boolean | undefined
}

/** RFC 5322 §3.6.4 threading fields of an email. */
export interface EmailThreading {
  messageId: string | null
  inReplyTo: string | null
  references: string[]
  subject: string
}

export interface NormalizedInbound {
  /** The provider's id for the message; a redelivery with the same id is stored once. Null when the channel has none. */
  providerMessageId: string | null
  kind: InboundKind
  /** What the agent reads: for email, the new text without quoted history or signature. */
  text: string
  /** The whole text as received, for operators (email: with quotes and signature). */
  fullText?: string | undefined
  contact: ContactRef
  /** Where the message came from (page URL, device, email subject, post URL …), kept on the conversation. */
  metadata: Record<string, unknown>
  attachments?: InboundAttachment[] | undefined
  /** The provider id of the message this one replies to (WhatsApp `context.id`, Messenger `reply_to.mid`). */
  replyToProviderId?: string | null | undefined
  threading?: EmailThreading | undefined
  /** When the provider says it was sent. */
  sentAt?: Date | undefined
  /** Why a person must look at this one (content the agent cannot read); the agent does not answer it. */
  needsHuman?: string | undefined
}

export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed'

/** A provider's report on a message we sent (WhatsApp statuses, Messenger delivery/read receipts). */
export interface DeliveryUpdate {
  providerMessageId: string
  status: DeliveryState
  at: Date
  error?: string | undefined
}

/** "Everything sent to this contact up to `upTo` was delivered / read" (Messenger), naming no message. */
export interface DeliveryWatermark {
  contact: ContactRef['identity']
  status: 'delivered' | 'read'
  upTo: Date
}

export interface ParsedWebhook {
  messages: NormalizedInbound[]
  statuses: DeliveryUpdate[]
  watermarks?: DeliveryWatermark[] | undefined
  /** Parts recognised and deliberately skipped (echoes of our own messages, reactions …). */
  ignored: number
}

export interface OutboundAttachment {
  filename: string
  mimeType: string
  /** A public URL the provider fetches (WhatsApp, Messenger), or the bytes (email). */
  url?: string | undefined
  content?: Uint8Array | undefined
}

export interface OutboundMessage {
  /** Our message id: the idempotency key of the send. */
  id: string
  body: string
  citations: ReadonlyArray<{ title: string; url: string | null }>
  /** The recipient as the channel knows them. */
  to: ContactRef['identity']
  /** A pre-approved WhatsApp template (the only thing allowed outside the 24-hour window). */
  template?: { name: string; language: string; parameters: string[] } | undefined
  attachments?: OutboundAttachment[] | undefined
  /** The customer's message this answers, where the channel replies to one message (a public post). */
  replyTo?: { providerMessageId: string; url?: string | undefined } | undefined
  /** Email: the subject and the ids this reply threads under. */
  threading?: { subject: string; inReplyTo: string | null; references: string[] } | undefined
}

export interface SendResult {
  /** The provider's id for the sent message (email: our Message-ID), when it has one. */
  providerMessageId: string | null
}

export interface ParseContext {
  /** The request's content type (email arrives as raw MIME or as Postmark JSON). */
  contentType?: string | undefined
}

/** Media a customer sent that the provider holds: a media id (WhatsApp) or a link (Messenger, Instagram). */
export interface MediaRef {
  mediaId?: string | undefined
  url?: string | undefined
}

export interface FetchedMedia {
  bytes: Uint8Array
  mimeType: string
}

/**
 * A field of a channel's config as a dotted path (`appSecret`, `auth.pass`): how each adapter names the
 * fields that hold secrets, which are stored encrypted (server/channels/channel-config.ts).
 */
export type ConfigPath<Config> = {
  [K in keyof Config & string]-?: NonNullable<Config[K]> extends Record<string, unknown>
    ? `${K}.${keyof NonNullable<Config[K]> & string}`
    : K
}[keyof Config & string]

export interface ChannelAdapter {
  readonly kind: ChannelKind
  /** Parses an already-verified payload; throws a validation AtlasError that says what is wrong. */
  parse(payload: unknown, context?: ParseContext): ParsedWebhook | Promise<ParsedWebhook>
  /** Sends one message. Must be safe to call again with the same message id after a crash. */
  send(message: OutboundMessage, channelConfig: Record<string, unknown>): Promise<SendResult>
  /** Downloads media the provider holds (at most 10 MB); channels whose webhooks carry the bytes have none. */
  fetchMedia?(media: MediaRef, channelConfig: Record<string, unknown>): Promise<FetchedMedia>
}
