// Raw MIME (`message/rfc822`), parsed with mailparser's simpleParser.
import { type HeaderValue, simpleParser } from 'mailparser'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import {
  cleanName,
  EmailAddress,
  hasControlCharacters,
  normalizeMessageId,
  normalizeReferences,
} from './addresses.ts'
import { readDeliveryReport } from './bounce.ts'
import { attachmentKind, type InboundEmail, isAutomatic, MAX_EMAIL_BYTES } from './inbound-email.ts'

const Sender = z.object({ from: EmailAddress })

export async function readMime(payload: unknown): Promise<InboundEmail> {
  const source = mimeSource(payload)
  let parsed: Awaited<ReturnType<typeof simpleParser>>
  try {
    parsed = await simpleParser(source, { skipTextToHtml: true, skipImageLinks: true })
  } catch (error) {
    throw new AtlasError(
      'bad_request',
      `The email is not a readable MIME message: ${(error as Error).message}`,
    )
  }
  const sender = parsed.from?.value.find((mailbox) => mailbox.address)
  if (!sender?.address) {
    throw new AtlasError('validation_failed', 'Invalid email: from: the message has no sender address', {
      issues: [{ path: 'from', message: 'the message has no sender address' }],
    })
  }
  const { from } = parseInput(Sender, { from: sender.address }, 'email')
  const rawFrom = parsed.headerLines.find((h) => h.key === 'from')?.line ?? ''
  if (!statesAddress(rawFrom, from)) {
    // mailparser recovers `sam smith@example.com` as `smith@example.com`: someone else's identity.
    const reason = 'the sender address is ambiguous or contains control characters'
    throw new AtlasError('validation_failed', `Invalid email: from: ${reason}`, {
      issues: [{ path: 'from', message: reason }],
    })
  }
  const header = (name: string) => headerText(parsed.headers.get(name))
  const messageId = normalizeMessageId(parsed.messageId)
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined
  const deliveryReport = readDeliveryReport(
    source.toString('latin1'),
    header('content-type'),
    messageId,
    date,
  )
  return {
    from: { address: from, name: cleanName(sender.name) },
    subject: (parsed.subject ?? '').trim(),
    messageId,
    inReplyTo: normalizeMessageId(parsed.inReplyTo),
    references: normalizeReferences(parsed.references),
    text: (parsed.text ?? '').replace(/\r\n?/g, '\n').trim(),
    date,
    attachments: parsed.attachments.map((a) => {
      // A malformed part can come back from mailparser without a content type (fuzzing found one).
      const mimeType =
        typeof a.contentType === 'string' && a.contentType ? a.contentType : 'application/octet-stream'
      return {
        kind: attachmentKind(mimeType),
        mimeType,
        ...(a.filename ? { filename: a.filename } : {}),
        size: a.size,
        content: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
      }
    }),
    automatic: isAutomatic(header, from),
    ...(deliveryReport ? { deliveryReport } : {}),
    metadata: {},
  }
}

/**
 * Whether the raw From header states this address on its own: `<address>`, or a mailbox that is just
 * the address (optionally with a comment), at the start of the value or after a comma.
 */
function statesAddress(rawHeader: string, address: string): boolean {
  const value = rawHeader.replace(/^from:/i, '').replace(/\r?\n[ \t]+/g, ' ')
  // RFC 5322 allows no control characters here; a parser that skips them is guessing.
  if (hasControlCharacters(value)) return false
  const local = address.slice(0, address.lastIndexOf('@') + 1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(<|^\\s*|,\\s*)${local}`).test(value)
}

function mimeSource(payload: unknown): Buffer {
  let source: Buffer
  if (typeof payload === 'string') source = Buffer.from(payload, 'utf8')
  else if (payload instanceof Uint8Array)
    source = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  else if (payload instanceof ArrayBuffer) source = Buffer.from(payload)
  else
    throw new AtlasError(
      'bad_request',
      'A message/rfc822 email must be the raw message, as a string or bytes',
    )
  if (source.byteLength > MAX_EMAIL_BYTES) {
    throw new AtlasError('payload_too_large', `The email is larger than ${MAX_EMAIL_BYTES} bytes`)
  }
  if (source.toString('latin1', 0, Math.min(source.byteLength, 4096)).trim().length === 0) {
    throw new AtlasError('bad_request', 'The email is empty')
  }
  return source
}

/** mailparser's header values are strings, or structured (`{ value, params }`) for content types. */
function headerText(value: HeaderValue | undefined): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ')
  if (typeof value === 'object' && 'value' in value) {
    const params = 'params' in value ? Object.entries(value.params ?? {}).map(([k, v]) => `; ${k}=${v}`) : []
    return `${String(value.value)}${params.join('')}`
  }
  return String(value)
}
