// The WhatsApp Cloud API channel: signed webhooks in, Cloud API messages out, media downloads.
import { providerError } from '../shared/provider-error.ts'
import type { ChannelAdapter } from '../types.ts'
import { downloadWhatsAppMedia } from './media.ts'
import { parseWhatsAppWebhook } from './parse.ts'
import { sendWhatsAppMessage } from './send.ts'

export const whatsappAdapter: ChannelAdapter = {
  kind: 'whatsapp',
  parse: (payload) => parseWhatsAppWebhook(payload),
  send: (message, channelConfig) => sendWhatsAppMessage(message, channelConfig),
  fetchMedia: async (media, channelConfig) => {
    if (!media.mediaId) {
      throw providerError('bad_request', 'WhatsApp media is fetched by its media id', {
        provider: 'whatsapp',
        transient: false,
      })
    }
    return downloadWhatsAppMedia(media.mediaId, channelConfig)
  },
}

export { isTransient } from '../shared/provider-error.ts'
export {
  type WhatsAppConfig,
  WhatsAppConfigSchema,
  type WhatsAppSendConfig,
  WhatsAppSendConfigSchema,
} from './config.ts'
export { DEFAULT_MEDIA_LIMIT, type DownloadedMedia, downloadWhatsAppMedia } from './media.ts'
export { parseWhatsAppWebhook, WhatsAppWebhookSchema } from './parse.ts'
export { buildRequests, sendWhatsAppMessage } from './send.ts'
export { type RawBodyVariables, signBody, verifySubscription, verifyWhatsApp } from './verify.ts'
