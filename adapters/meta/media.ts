// Downloading what a customer attached on Messenger or Instagram: the webhook carries a signed CDN
// link (valid for a while, no token needed), fetched with a size limit before and while reading.

import { connectionFailure, providerError, providerFetch, readLimited } from '../shared/provider-error.ts'
import type { FetchedMedia } from '../types.ts'
import { DEFAULT_MEDIA_LIMIT } from '../whatsapp/media.ts'
import { LABEL, type MetaKind, metaSendConfig } from './config.ts'

export async function downloadMetaAttachment(
  url: string,
  channelConfig: unknown,
  kind: MetaKind,
  options: { maxBytes?: number } = {},
): Promise<FetchedMedia> {
  const config = metaSendConfig(channelConfig, kind)
  const maxBytes = options.maxBytes ?? DEFAULT_MEDIA_LIMIT
  let link: URL
  try {
    link = new URL(url)
  } catch {
    throw providerError('bad_request', `${LABEL[kind]} attachment link is not a URL`, {
      provider: kind,
      transient: false,
    })
  }
  if (link.protocol !== 'https:' && link.protocol !== 'http:') {
    throw providerError('bad_request', `${LABEL[kind]} attachment link must be http(s)`, {
      provider: kind,
      transient: false,
    })
  }
  const fetchOptions = {
    provider: kind,
    what: `Downloading a ${LABEL[kind]} attachment`,
    timeoutMs: config.timeoutMs,
  }
  const response = await providerFetch(link, {}, fetchOptions)
  if (!response.ok) {
    await response.body?.cancel()
    const status = response.status
    throw providerError(
      status === 429 || status >= 500 ? 'unavailable' : 'bad_request',
      `Downloading a ${LABEL[kind]} attachment failed with HTTP ${status}${status === 403 || status === 404 || status === 410 ? ' (the link expired)' : ''}`,
      { provider: kind, transient: status === 429 || status >= 500, status },
    )
  }
  const tooLarge = () =>
    providerError(
      'payload_too_large',
      `${LABEL[kind]} attachment is larger than the ${maxBytes}-byte limit`,
      {
        provider: kind,
        transient: false,
        maxBytes,
      },
    )
  const bytes = await readLimited(response, maxBytes, tooLarge).catch((error: unknown) => {
    throw connectionFailure(error, fetchOptions)
  })
  const mimeType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim()
  return { bytes, mimeType }
}
