// Sending through the Messenger Platform Send API (`POST {graphBase}/{apiVersion}/me/messages`, the
// page token as `access_token`), which serves Instagram direct messages too. Text is split at the
// provider's limit; attachments go by URL, one per message. Outside the 24-hour window a reply is
// refused, unless the channel allows the HUMAN_AGENT tag (see config).
import { z } from 'zod'
import type { AtlasError } from '../../common/errors.ts'
import { graphRequest, graphUrl } from '../shared/graph.ts'
import { providerError } from '../shared/provider-error.ts'
import { type LengthUnit, splitText, withSources } from '../shared/text.ts'
import type { OutboundAttachment, OutboundMessage, SendResult } from '../types.ts'
import { LABEL, type MetaKind, type MetaSendConfig, metaSendConfig } from './config.ts'

/** Messenger caps a text at 2000 characters, Instagram at 1000 bytes. */
export const TEXT_LIMITS: Record<MetaKind, { max: number; unit: LengthUnit }> = {
  messenger: { max: 2000, unit: 'characters' },
  instagram: { max: 1000, unit: 'utf8-bytes' },
}

/** Graph's subcodes for "outside the allowed window" (Messenger, Instagram). */
const OUTSIDE_WINDOW = new Set([2018278, 2534022])

const SendResponse = z.object({ recipient_id: z.string().optional(), message_id: z.string().min(1) })

export type SendApiMessage =
  | { text: string }
  | { attachment: { type: string; payload: Record<string, unknown> } }

export async function sendMetaMessage(
  message: OutboundMessage,
  channelConfig: unknown,
  kind: MetaKind,
): Promise<SendResult> {
  const config = metaSendConfig(channelConfig, kind)
  const recipient = recipientId(message, kind)
  let first: string | null = null
  for (const part of buildMessages(message, kind)) {
    const id = await sendOne(config, kind, recipient, part)
    first ??= id
  }
  return { providerMessageId: first }
}

async function sendOne(config: MetaSendConfig, kind: MetaKind, recipient: string, message: SendApiMessage) {
  const url = graphUrl(config.graphBase, config.apiVersion, 'me/messages')
  url.searchParams.set('access_token', config.pageAccessToken)
  const post = (tagged: boolean) =>
    graphRequest({
      provider: kind,
      what: `${LABEL[kind]} Send API`,
      method: 'POST',
      url,
      body: {
        recipient: { id: recipient },
        messaging_type: tagged ? 'MESSAGE_TAG' : 'RESPONSE',
        ...(tagged ? { tag: 'HUMAN_AGENT' } : {}),
        message,
      },
      timeoutMs: config.timeoutMs,
      schema: SendResponse,
    })
  try {
    return (await post(false)).message_id
  } catch (error) {
    if (!config.humanAgentTag || !outsideWindow(error)) throw error
    return (await post(true)).message_id
  }
}

function outsideWindow(error: unknown): boolean {
  return OUTSIDE_WINDOW.has((error as AtlasError).details?.providerSubcode as number)
}

/** The Send API messages a reply becomes: its text (split at the limit), then one per attachment. */
export function buildMessages(message: OutboundMessage, kind: MetaKind): SendApiMessage[] {
  const { max, unit } = TEXT_LIMITS[kind]
  const parts: SendApiMessage[] = splitText(withSources(message.body, message.citations), max, unit).map(
    (text) => ({ text }),
  )
  for (const attachment of message.attachments ?? [])
    parts.push({ attachment: attachmentOf(attachment, kind) })
  if (parts.length === 0) throw permanent(kind, 'The message has no text or attachment to send')
  return parts
}

function attachmentOf(attachment: OutboundAttachment, kind: MetaKind) {
  if (!attachment.url)
    throw permanent(kind, `${LABEL[kind]} sends attachments by URL: ${attachment.filename} has none`)
  const mime = attachment.mimeType.toLowerCase()
  const type = ['image', 'video', 'audio'].find((t) => mime.startsWith(`${t}/`)) ?? 'file'
  return { type, payload: { url: attachment.url, is_reusable: true } }
}

function recipientId(message: OutboundMessage, kind: MetaKind): string {
  if (message.template) throw permanent(kind, `${LABEL[kind]} has no message templates; send text instead`)
  if (message.to.kind !== kind) {
    throw permanent(
      kind,
      `${LABEL[kind]} cannot send to a ${message.to.kind} identity; it needs the sender id`,
    )
  }
  if (!/^\d{1,64}$/.test(message.to.value)) {
    throw permanent(kind, `"${message.to.value.slice(0, 40)}" is not a ${LABEL[kind]} sender id`)
  }
  return message.to.value
}

function permanent(kind: MetaKind, message: string) {
  return providerError('bad_request', message, { provider: kind, transient: false })
}
