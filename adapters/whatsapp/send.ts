// Sending through the WhatsApp Cloud API: `POST {graphBase}/{apiVersion}/{phoneNumberId}/messages`.
// A reply is a text message (sources appended as lines), an approved template (the only thing allowed
// outside the 24-hour window), or media by link with the text as caption. Errors say in
// `details.transient` whether a retry can help (see `isTransient`).
import { z } from 'zod'
import { graphRequest, graphUrl } from '../shared/graph.ts'
import { providerError } from '../shared/provider-error.ts'
import { splitText, withSources } from '../shared/text.ts'
import type { OutboundAttachment, OutboundMessage, SendResult } from '../types.ts'
import { type WhatsAppSendConfig, whatsAppSendConfig } from './config.ts'

/** The Cloud API's limits on a text body and on a media caption. */
export const TEXT_LIMIT = 4096
export const CAPTION_LIMIT = 1024

const SendResponse = z.object({
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
})

type MediaType = 'image' | 'video' | 'audio' | 'document'

/** One request body of the messages endpoint. */
export type WhatsAppRequest = Record<string, unknown> & { type: string }

export async function sendWhatsAppMessage(
  message: OutboundMessage,
  channelConfig: unknown,
): Promise<SendResult> {
  const config = whatsAppSendConfig(channelConfig)
  const requests = buildRequests(message, config)
  const url = graphUrl(config.graphBase, config.apiVersion, `${config.phoneNumberId}/messages`)
  let first: string | null = null
  // One reply may take several requests (long text, several attachments); the first id stands for it.
  for (const body of requests) {
    const response = await graphRequest({
      provider: 'whatsapp',
      what: 'WhatsApp',
      method: 'POST',
      url,
      bearer: config.accessToken,
      body,
      timeoutMs: config.timeoutMs,
      schema: SendResponse,
    })
    first ??= response.messages[0]!.id
  }
  return { providerMessageId: first }
}

/** The request bodies a message becomes, in order. Throws a permanent error for what WhatsApp cannot send. */
export function buildRequests(message: OutboundMessage, config: Pick<WhatsAppSendConfig, 'previewUrl'>) {
  const to = recipient(message)
  const envelope = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    // Echoed back in status webhooks: ties a status to our message even before its wamid is stored.
    biz_opaque_callback_data: message.id.slice(0, 512),
  }
  if (message.template) {
    const { name, language, parameters } = message.template
    const template: Record<string, unknown> = { name, language: { code: language } }
    if (parameters.length > 0) {
      template.components = [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }]
    }
    return [{ ...envelope, type: 'template', template }]
  }
  const text = withSources(message.body, message.citations)
  const media = (message.attachments ?? []).map(mediaObject)
  const requests: WhatsAppRequest[] = []
  const first = media[0]
  const captioned = first && first.type !== 'audio' && [...text].length <= CAPTION_LIMIT && text.length > 0
  if (!captioned) {
    for (const part of text.length > 0 ? splitText(text, TEXT_LIMIT) : []) {
      requests.push({ ...envelope, type: 'text', text: { body: part, preview_url: config.previewUrl } })
    }
  }
  media.forEach(({ type, object }, index) => {
    const withCaption = index === 0 && captioned ? { ...object, caption: text } : object
    requests.push({ ...envelope, type, [type]: withCaption })
  })
  if (requests.length === 0) throw permanent('The message has no text, template or attachment to send')
  return requests
}

function recipient(message: OutboundMessage): string {
  const { kind, value } = message.to
  if (kind !== 'whatsapp' && kind !== 'phone') {
    throw permanent(`WhatsApp cannot send to a ${kind} identity; it needs the contact's WhatsApp id`)
  }
  const digits = value.replace(/^\+/, '').replace(/[\s().-]/g, '')
  if (!/^\d{5,20}$/.test(digits))
    throw permanent(`"${value.slice(0, 40)}" is not a WhatsApp id or phone number`)
  return digits
}

function mediaObject(attachment: OutboundAttachment): { type: MediaType; object: Record<string, unknown> } {
  if (!attachment.url) {
    throw permanent(`WhatsApp sends media by link: ${attachment.filename} has no public URL`)
  }
  const mime = attachment.mimeType.toLowerCase()
  const type: MediaType = mime.startsWith('image/')
    ? 'image'
    : mime.startsWith('video/')
      ? 'video'
      : mime.startsWith('audio/')
        ? 'audio'
        : 'document'
  return {
    type,
    object:
      type === 'document'
        ? { link: attachment.url, filename: attachment.filename }
        : { link: attachment.url },
  }
}

function permanent(message: string) {
  return providerError('bad_request', message, { provider: 'whatsapp', transient: false })
}
