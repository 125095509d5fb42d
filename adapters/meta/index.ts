// Messenger and Instagram direct messages: one adapter per kind over the same Meta webhook and Send API.
import { providerError } from '../shared/provider-error.ts'
import type { ChannelAdapter } from '../types.ts'
import { LABEL, type MetaKind } from './config.ts'
import { downloadMetaAttachment } from './media.ts'
import { parseMetaWebhook } from './parse.ts'
import { sendMetaMessage } from './send.ts'

export function createMetaAdapter(kind: MetaKind): ChannelAdapter {
  return {
    kind,
    parse: (payload) => parseMetaWebhook(payload, kind),
    send: (message, channelConfig) => sendMetaMessage(message, channelConfig, kind),
    fetchMedia: async (media, channelConfig) => {
      if (!media.url) {
        throw providerError('bad_request', `${LABEL[kind]} attachments are fetched by their link`, {
          provider: kind,
          transient: false,
        })
      }
      return downloadMetaAttachment(media.url, channelConfig, kind)
    },
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
export { downloadMetaAttachment } from './media.ts'
export {
  InstagramWebhookSchema,
  MessengerWebhookSchema,
  type MetaParsedWebhook,
  parseMetaWebhook,
  type ReadWatermark,
} from './parse.ts'
export { buildMessages, sendMetaMessage, TEXT_LIMITS } from './send.ts'
export { type RawBodyVariables, signBody, verifyMeta, verifySubscription } from './verify.ts'
