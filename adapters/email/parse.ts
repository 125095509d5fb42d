// Inbound email, as raw MIME (`message/rfc822`) or Postmark's inbound JSON, into one normalized
// message: the sender's address as identity, RFC 5322 threading, the new text without quoted history
// or signature (`fullText` keeps everything), attachments with their content. Auto-replies, bounces
// and bulk mail are counted in `ignored`: answering them would start a mail loop.
import { AtlasError } from '../../common/errors.ts'
import type { NormalizedInbound, ParseContext, ParsedWebhook } from '../types.ts'
import type { InboundEmail } from './inbound-email.ts'
import { readMime } from './mime.ts'
import { readPostmark } from './postmark.ts'
import { stripReply } from './strip-reply.ts'

export async function parseEmail(payload: unknown, context: ParseContext = {}): Promise<ParsedWebhook> {
  const email =
    format(payload, context.contentType) === 'mime' ? await readMime(payload) : readPostmark(payload)
  // A bounce of one of our replies is a delivery update; other automatic mail is never answered.
  if (email.deliveryReport) return { messages: [], statuses: [email.deliveryReport], ignored: 0 }
  if (email.automatic) return { messages: [], statuses: [], ignored: 1 }
  return { messages: [normalize(email)], statuses: [], ignored: 0 }
}

/** The content type decides; without one, a JSON object (or text starting with `{`) is Postmark's. */
function format(payload: unknown, contentType: string | undefined): 'mime' | 'postmark' {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'message/rfc822') return 'mime'
  if (type === 'application/json' || type.endsWith('+json')) return 'postmark'
  if (type !== '') {
    throw new AtlasError(
      'unsupported_media_type',
      `Send raw email as message/rfc822, or Postmark's inbound JSON as application/json (got "${type.slice(0, 100)}")`,
    )
  }
  if (typeof payload === 'string') return payload.trimStart().startsWith('{') ? 'postmark' : 'mime'
  if (payload instanceof Uint8Array || payload instanceof ArrayBuffer) {
    const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(payload)
    const first = bytes.find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)
    return first === 0x7b ? 'postmark' : 'mime'
  }
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) return 'postmark'
  throw new AtlasError(
    'bad_request',
    'An email must be raw MIME (a string or bytes) or a Postmark inbound JSON object',
  )
}

function normalize(email: InboundEmail): NormalizedInbound {
  const stripped = stripReply(email.strippedReply ?? email.text)
  const startsThread = email.inReplyTo === null && email.references.length === 0
  // A new request written only in the subject line ("Refund for order 1042") is still a request.
  const text = stripped.text || (startsThread ? email.subject : '')
  return {
    providerMessageId: email.messageId,
    kind: 'email',
    text,
    fullText: email.text,
    contact: {
      identity: { kind: 'email', value: email.from.address.toLowerCase() },
      email: email.from.address.toLowerCase(),
      ...(email.from.name ? { name: email.from.name } : {}),
    },
    metadata: { subject: email.subject, ...email.metadata },
    ...(email.attachments.length > 0 ? { attachments: email.attachments } : {}),
    replyToProviderId: email.inReplyTo,
    threading: {
      messageId: email.messageId,
      inReplyTo: email.inReplyTo,
      references: email.references,
      subject: email.subject,
    },
    ...(email.date ? { sentAt: email.date } : {}),
  }
}
