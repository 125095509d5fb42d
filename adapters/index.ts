// Adapters by channel kind. Channels without an adapter yet cannot receive or send.
import type { z } from 'zod'
import { EMAIL_SECRET_FIELDS } from './email/config.ts'
import { EmailConfigSchema, emailAdapter } from './email/index.ts'
import { MENTIONS_SECRET_FIELDS } from './mentions/config.ts'
import { MentionsConfigSchema, mentionsAdapter } from './mentions/index.ts'
import { META_SECRET_FIELDS } from './meta/config.ts'
import {
  InstagramConfigSchema,
  instagramAdapter,
  MessengerConfigSchema,
  messengerAdapter,
} from './meta/index.ts'
import type { ChannelAdapter, ChannelKind } from './types.ts'
import { WHATSAPP_SECRET_FIELDS } from './whatsapp/config.ts'
import { WhatsAppConfigSchema, whatsappAdapter } from './whatsapp/index.ts'
import { widgetAdapter } from './widget/index.ts'

const adapters: Partial<Record<ChannelKind, ChannelAdapter>> = {
  widget: widgetAdapter,
  whatsapp: whatsappAdapter,
  email: emailAdapter,
  messenger: messengerAdapter,
  instagram: instagramAdapter,
  mentions: mentionsAdapter,
}

/** What `channels.config` must hold per kind (credentials, webhook secrets); the widget needs nothing. */
const configSchemas: Partial<Record<ChannelKind, z.ZodType>> = {
  whatsapp: WhatsAppConfigSchema,
  email: EmailConfigSchema,
  messenger: MessengerConfigSchema,
  instagram: InstagramConfigSchema,
  mentions: MentionsConfigSchema,
}

/** The config fields of each kind that hold secrets (dotted paths): stored encrypted, all others readable. */
const secretFields: Record<ChannelKind, readonly string[]> = {
  widget: [],
  whatsapp: WHATSAPP_SECRET_FIELDS,
  email: EMAIL_SECRET_FIELDS,
  messenger: META_SECRET_FIELDS,
  instagram: META_SECRET_FIELDS,
  mentions: MENTIONS_SECRET_FIELDS,
}

export function adapterFor(kind: ChannelKind): ChannelAdapter | undefined {
  return adapters[kind]
}

/** Validate with `parseInput(schema, config, 'channel config', 'config_invalid')` before storing a channel. */
export function configSchemaFor(kind: ChannelKind): z.ZodType | undefined {
  return configSchemas[kind]
}

export function secretFieldsFor(kind: ChannelKind): readonly string[] {
  return secretFields[kind] ?? []
}

export type * from './types.ts'
export { IDENTITY_FOR_CHANNEL } from './types.ts'
