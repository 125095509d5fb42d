// Replies by email through SMTP (nodemailer). Our own Message-ID `<{message.id}@{domain of from}>`
// makes a resend after a crash the same message (mail clients collapse duplicates by Message-ID) and
// lets the customer's reply thread back to it; In-Reply-To and References continue the thread.
import { createTransport, type Transporter } from 'nodemailer'
import { providerError } from '../shared/provider-error.ts'
import { withSources } from '../shared/text.ts'
import type { OutboundMessage, SendResult } from '../types.ts'
import { EmailAddress, normalizeMessageId, normalizeReferences, parseMailbox } from './addresses.ts'
import { type EmailSendConfig, emailSendConfig } from './config.ts'

/** The mail a message becomes: nodemailer's message fields. */
export function composeEmail(message: OutboundMessage, config: EmailSendConfig) {
  const to = recipient(message)
  const domain = parseMailbox(config.from)!.address.split('@').pop()!.toLowerCase()
  const localPart = message.id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 200)
  const threading = message.threading
  const inReplyTo = normalizeMessageId(threading?.inReplyTo)
  // RFC 5322 §3.6.4: the parent's References followed by the parent's Message-ID.
  const references = normalizeReferences(
    [...(threading?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].map((id) => `<${id}>`),
  )
  return {
    from: config.from,
    to,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    subject: subjectFor(threading?.subject, config.defaultSubject),
    text: withSources(message.body, message.citations),
    messageId: `<${localPart}@${domain}>`,
    ...(inReplyTo ? { inReplyTo: `<${inReplyTo}>` } : {}),
    ...(references.length > 0 ? { references: references.map((id) => `<${id}>`) } : {}),
    attachments: (message.attachments ?? []).map((a) => {
      if (a.content) return { filename: a.filename, contentType: a.mimeType, content: Buffer.from(a.content) }
      if (a.url && /^https:\/\//.test(a.url))
        return { filename: a.filename, contentType: a.mimeType, href: a.url }
      throw permanent(`The attachment ${a.filename} has neither content nor an https URL`)
    }),
  }
}

export async function sendEmailMessage(
  message: OutboundMessage,
  channelConfig: unknown,
): Promise<SendResult> {
  const config = emailSendConfig(channelConfig)
  const mail = composeEmail(message, config)
  await sendMail(config, mail)
  return { providerMessageId: normalizeMessageId(mail.messageId) }
}

/**
 * Sends one mail through the configured SMTP server. Failures become provider errors that say whether
 * another attempt may succeed; team notifications (server/notifications) send through here too.
 */
export async function sendMail(config: EmailSendConfig, mail: Parameters<Transporter['sendMail']>[0]) {
  const timeouts = {
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  }
  // With a URL, nodemailer reads the connection from it and the other keys (timeouts) from the object.
  const transport = createTransport(
    config.smtpUrl
      ? { url: config.smtpUrl, ...timeouts }
      : { host: config.host, port: config.port, secure: config.secure, auth: config.auth, ...timeouts },
  )
  try {
    await transport.sendMail(mail)
  } catch (error) {
    throw smtpFailure(error)
  } finally {
    transport.close()
  }
}

function subjectFor(subject: string | undefined, fallback: string): string {
  const clean = (subject ?? '').replace(/[\r\n]+/g, ' ').trim()
  if (!clean) return fallback
  return /^(re|aw|sv|antw|réf|rif)\s*:/i.test(clean) ? clean : `Re: ${clean}`
}

function recipient(message: OutboundMessage): string {
  if (message.to.kind !== 'email') {
    throw permanent(`Email cannot send to a ${message.to.kind} identity; it needs an email address`)
  }
  const address = EmailAddress.safeParse(message.to.value)
  if (!address.success) throw permanent(`"${message.to.value.slice(0, 80)}" is not an email address`)
  return address.data
}

/** nodemailer's errors carry an SMTP `responseCode` (4xx: try later, 5xx: refused) and a `code`. */
function smtpFailure(error: unknown) {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string }
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined
  const said = (e.response ?? e.message ?? String(error)).slice(0, 500)
  const details = { provider: 'smtp', status, providerCode: e.code, providerMessage: said }
  if (
    e.code === 'EAUTH' ||
    e.code === 'ENOAUTH' ||
    e.code === 'ETLS' ||
    e.code === 'EREQUIRETLS' ||
    e.code === 'ECONFIG'
  ) {
    return providerError(
      'config_invalid',
      `The SMTP server refused our login or TLS settings: ${said}`,
      { ...details, transient: false },
      error,
    )
  }
  // 4xx replies, 503 (bad sequence) and connection trouble pass; other 5xx replies are final.
  const transient = status !== undefined ? status < 500 || status === 503 : true
  return providerError(
    transient ? 'unavailable' : 'bad_request',
    transient
      ? `The SMTP server could not take the message now: ${said}`
      : `The SMTP server refused the message: ${said}`,
    { ...details, transient },
    error,
  )
}

function permanent(message: string) {
  return providerError('bad_request', message, { provider: 'smtp', transient: false })
}
