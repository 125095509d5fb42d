// The one small interface every channel adapter implements: parse a provider's payload into
// normalized inbound messages, and send an outbound message. Verification of signatures is a Hono
// middleware per adapter (see each folder). Adapters import nothing from the layers above them.

export type ChannelKind = 'widget' | 'whatsapp' | 'email' | 'messenger' | 'instagram' | 'mentions'
export type IdentityKind = 'visitor' | 'email' | 'phone' | 'whatsapp' | 'messenger' | 'instagram'

/** Which of a contact's identities a channel delivers to. */
export const IDENTITY_FOR_CHANNEL: Record<ChannelKind, IdentityKind> = {
  widget: 'visitor',
  whatsapp: 'whatsapp',
  email: 'email',
  messenger: 'messenger',
  instagram: 'instagram',
  mentions: 'messenger',
}

export interface ContactRef {
  /** How the channel identifies the sender; finds the same contact again next time. */
  identity: { kind: IdentityKind; value: string }
  name?: string | undefined
  email?: string | undefined
  phone?: string | undefined
}

export interface NormalizedInbound {
  /** The provider's id for the message; a redelivery with the same id is stored once. Null when the channel has none. */
  providerMessageId: string | null
  text: string
  contact: ContactRef
  /** Where the message came from (page URL, email subject …), kept on the conversation. */
  metadata: Record<string, unknown>
}

export interface OutboundMessage {
  id: string
  body: string
  citations: ReadonlyArray<{ title: string; url: string | null }>
  /** The recipient as the channel knows them. */
  to: ContactRef['identity']
}

export interface SendResult {
  /** The provider's id for the sent message, when it has one. */
  providerMessageId: string | null
}

export interface ChannelAdapter {
  readonly kind: ChannelKind
  /** Parses an already-verified payload; throws a validation AtlasError that says what is wrong. */
  parse(payload: unknown): NormalizedInbound[]
  /** Sends one message. Must be safe to call again with the same message id after a crash. */
  send(message: OutboundMessage, channelConfig: Record<string, unknown>): Promise<SendResult>
}
