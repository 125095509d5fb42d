// Downloading a WhatsApp media id (voice notes, images, documents customers send): Graph first answers
// `{ url, mime_type, file_size }`, then the short-lived URL gives the bytes, with the same bearer token.
// A size limit is enforced before and while reading.
import { z } from 'zod'
import { graphRequest, graphUrl } from '../shared/graph.ts'
import { connectionFailure, providerError, providerFetch, readLimited } from '../shared/provider-error.ts'
import { whatsAppSendConfig } from './config.ts'

export const DEFAULT_MEDIA_LIMIT = 10 * 1024 * 1024

export interface DownloadedMedia {
  bytes: Uint8Array
  mimeType: string
  size: number
  /** The hash WhatsApp reports for the file, when it does. */
  sha256?: string | undefined
}

const MediaInfo = z.object({
  url: z.url({ protocol: /^https?$/ }),
  mime_type: z.string().min(1).max(255),
  file_size: z.number().int().nonnegative().optional(),
  sha256: z.string().max(128).optional(),
})

const MediaId = /^[A-Za-z0-9_.-]{1,256}$/

export async function downloadWhatsAppMedia(
  mediaId: string,
  channelConfig: unknown,
  options: { maxBytes?: number } = {},
): Promise<DownloadedMedia> {
  const config = whatsAppSendConfig(channelConfig)
  const maxBytes = options.maxBytes ?? DEFAULT_MEDIA_LIMIT
  if (!MediaId.test(mediaId)) {
    throw providerError('bad_request', `"${mediaId.slice(0, 40)}" is not a WhatsApp media id`, {
      provider: 'whatsapp',
      transient: false,
    })
  }
  const tooLarge = (size?: number) =>
    providerError(
      'payload_too_large',
      `WhatsApp media ${mediaId} is ${size === undefined ? 'larger than' : `${size} bytes, over`} the ${maxBytes}-byte limit`,
      { provider: 'whatsapp', transient: false, ...(size === undefined ? {} : { size }), maxBytes },
    )
  const info = await graphRequest({
    provider: 'whatsapp',
    what: `WhatsApp media ${mediaId}`,
    method: 'GET',
    url: graphUrl(config.graphBase, config.apiVersion, mediaId),
    bearer: config.accessToken,
    timeoutMs: config.timeoutMs,
    schema: MediaInfo,
  })
  if (info.file_size !== undefined && info.file_size > maxBytes) throw tooLarge(info.file_size)

  const fetchOptions = {
    provider: 'whatsapp',
    what: `Downloading WhatsApp media ${mediaId}`,
    timeoutMs: config.timeoutMs,
  }
  const response = await providerFetch(
    new URL(info.url),
    { headers: { authorization: `Bearer ${config.accessToken}` } },
    fetchOptions,
  )
  if (!response.ok) {
    await response.body?.cancel()
    const status = response.status
    // The download URL lives for minutes: 404/410 means ask Graph again, which a retry does.
    const transient = status === 429 || status >= 500 || status === 404 || status === 410
    const refused = status === 401 || status === 403
    throw providerError(
      transient ? 'unavailable' : refused ? 'config_invalid' : 'bad_request',
      `Downloading WhatsApp media ${mediaId} failed with HTTP ${status}${status === 404 || status === 410 ? ' (the link expired)' : ''}`,
      { provider: 'whatsapp', transient, status },
    )
  }
  const bytes = await readLimited(response, maxBytes, () => tooLarge()).catch((error: unknown) => {
    throw connectionFailure(error, fetchOptions)
  })
  return { bytes, mimeType: info.mime_type, size: bytes.byteLength, sha256: info.sha256 }
}
