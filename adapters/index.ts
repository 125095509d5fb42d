// Adapters by channel kind. Channels without an adapter yet cannot receive or send.
import type { z } from 'zod'
import { EmailConfigSchema, emailAdapter } from './email/index.ts'
import { MentionsConfigSchema, mentionsAdapter } from './mentions/index.ts'
import {
  InstagramConfigSchema,
  instagramAdapter,
  MessengerConfigSchema,
  messengerAdapter,
} from './meta/index.ts'
import type { ChannelAdapter, ChannelKind } from './types.ts'
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

export function adapterFor(kind: ChannelKind): ChannelAdapter | undefined {
  return adapters[kind]
}

/** Validate with `parseInput(schema, config, 'channel config', 'config_invalid')` before storing a channel. */
export function configSchemaFor(kind: ChannelKind): z.ZodType | undefined {
  return configSchemas[kind]
}

export type * from './types.ts'
export { IDENTITY_FOR_CHANNEL } from './types.ts'
