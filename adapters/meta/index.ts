// Messenger and Instagram direct messages: one adapter per kind over the same Meta webhook and Send API.
import type { ChannelAdapter } from '../types.ts'
import type { MetaKind } from './config.ts'
import { parseMetaWebhook } from './parse.ts'
import { sendMetaMessage } from './send.ts'

export function createMetaAdapter(kind: MetaKind): ChannelAdapter {
  return {
    kind,
    parse: (payload) => parseMetaWebhook(payload, kind),
    send: (message, channelConfig) => sendMetaMessage(message, channelConfig, kind),
  }
}

export const messengerAdapter = createMetaAdapter('messenger')
export const instagramAdapter = createMetaAdapter('instagram')

export { isTransient } from '../shared/provider-error.ts'
export {
  InstagramConfigSchema,
  MessengerConfigSchema,
  type MetaConfig,
  MetaConfigSchema,
  type MetaKind,
  type MetaSendConfig,
  MetaSendConfigSchema,
} from './config.ts'
export {
  InstagramWebhookSchema,
  MessengerWebhookSchema,
  type MetaParsedWebhook,
  parseMetaWebhook,
  type ReadWatermark,
} from './parse.ts'
export { buildMessages, sendMetaMessage, TEXT_LIMITS } from './send.ts'
export { type RawBodyVariables, signBody, verifyMeta, verifySubscription } from './verify.ts'
