// What both inbound formats (raw MIME, Postmark JSON) are read into before normalization.
import type { DeliveryUpdate, InboundAttachment } from '../types.ts'

export interface InboundEmail {
  from: { address: string; name?: string | undefined }
  subject: string
  /** Normalized RFC 5322 ids (no angle brackets). */
  messageId: string | null
  inReplyTo: string | null
  references: string[]
  /** The whole text body (from HTML when there is no text part). */
  text: string
  /** A reply already stripped by the provider (Postmark's StrippedTextReply), if any. */
  strippedReply?: string | undefined
  date?: Date | undefined
  attachments: InboundAttachment[]
  /** Auto-replies, bounces and bulk mail: answering them would start a mail loop. */
  automatic: boolean
  /** A delivery status notification about a message we sent (RFC 3464), when this is one. */
  deliveryReport?: DeliveryUpdate | undefined
  /** Provider fields worth keeping on the conversation. */
  metadata: Record<string, unknown>
}

/** Larger than Postmark's 35 MB inbound limit. */
export const MAX_EMAIL_BYTES = 40 * 1024 * 1024

/** RFC 3834 and common practice: headers that mark mail no person wrote. */
export function isAutomatic(header: (name: string) => string | undefined, fromAddress: string): boolean {
  const autoSubmitted = header('auto-submitted')?.trim().toLowerCase()
  if (autoSubmitted && autoSubmitted !== 'no') return true
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined) return true
  const precedence = header('precedence')?.trim().toLowerCase()
  // Not `list`: a support address that is itself a group (Google Groups) marks every message so.
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'auto_reply') return true
  if (/^(mailer-daemon|postmaster)@/i.test(fromAddress)) return true
  return (
    /multipart\/report/i.test(header('content-type') ?? '') &&
    /delivery-status/i.test(header('content-type') ?? '')
  )
}

export function attachmentKind(mimeType: string): InboundAttachment['kind'] {
  const type = mimeType.toLowerCase()
  if (type.startsWith('image/')) return 'image'
  if (type.startsWith('audio/')) return 'audio'
  if (type.startsWith('video/')) return 'video'
  return 'file'
}
