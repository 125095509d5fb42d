// Delivers one team notification through one channel: email (SMTP), WhatsApp (Cloud API) or a signed
// outgoing webhook. Failures are AtlasErrors whose `details.transient` (read with `isTransient`) tells
// the caller's job to retry (network, timeout, 5xx, 429) or to give up at once (4xx, bad config).
import { createHmac } from 'node:crypto'
import { EmailAddress, normalizeMessageId, parseMailbox } from '../../adapters/email/addresses.ts'
import { emailSendConfig } from '../../adapters/email/config.ts'
import { sendMail } from '../../adapters/email/send.ts'
import { connectionFailure, providerError } from '../../adapters/shared/provider-error.ts'
import { safeEqual } from '../../adapters/shared/safe-equal.ts'
import type { OutboundMessage } from '../../adapters/types.ts'
import { sendWhatsAppMessage } from '../../adapters/whatsapp/send.ts'
import type { AtlasError } from '../../common/errors.ts'

export const NOTIFICATION_KINDS = [
  'new_conversation',
  'escalation',
  'sla_warning',
  'sla_breach',
  'ticket_created',
  'low_csat',
  'customer_waiting',
  'churn_risk',
  'save_step',
  'knowledge_gap_digest',
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

export const NOTIFICATION_CHANNELS = ['dashboard', 'email', 'whatsapp', 'webhook'] as const
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number]

export interface TeamNotification {
  /** A uuid: the idempotency key of the send (the email's Message-ID, the webhook's X-Atlas-Delivery). */
  id: string
  tenantId: string
  kind: NotificationKind
  title: string
  body: string
  /** Absolute dashboard link, e.g. https://desk.example/app/tickets/TKT-10042 */
  url: string | null
  ticketNumber: string | null
  createdAt: Date
  data: Record<string, unknown>
}

/** Where one notification goes. The dashboard is not a target: it shows the stored rows itself. */
export type NotificationTarget =
  | {
      channel: 'email'
      to: string
      /** An email send config as `emailSendConfig` accepts it: `{ smtpUrl | host…, from, timeoutMs? … }`. */
      smtp: unknown
    }
  | {
      channel: 'whatsapp'
      /** E.164 digits. */
      to: string
      /** The tenant's WhatsApp channel config as `whatsAppSendConfig` accepts it. */
      whatsapp: unknown
      /**
       * Business-initiated messages outside the 24-hour window need an approved template: when set, the
       * template is sent with body parameters [title, body (at most 1000 characters), url]; otherwise text.
       */
      template?: { name: string; language: string } | null
    }
  | { channel: 'webhook'; url: string; secret: string }

export interface DeliveryReceipt {
  channel: NotificationChannel
  /** Email: our Message-ID (without brackets); WhatsApp: the wamid; webhook: none. */
  providerMessageId: string | null
}

export interface DeliverOptions {
  /** The fetch the webhook is posted with (tests, proxies); WhatsApp goes through the adapter's client. */
  fetch?: typeof fetch
  /** The webhook's timeout (default 10 s); email and WhatsApp use the `timeoutMs` of their own config. */
  timeoutMs?: number
}

export const WEBHOOK_USER_AGENT = 'AtlasDesk-Webhooks/1'
const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000
/** The part of a receiver's answer kept for operators when it refuses a delivery. */
const ERROR_SNIPPET_BYTES = 500

export async function deliverNotification(
  notification: TeamNotification,
  target: NotificationTarget,
  options: DeliverOptions = {},
): Promise<DeliveryReceipt> {
  switch (target.channel) {
    case 'email':
      return { channel: 'email', providerMessageId: await deliverEmail(notification, target) }
    case 'whatsapp':
      return { channel: 'whatsapp', providerMessageId: await deliverWhatsApp(notification, target) }
    case 'webhook':
      await deliverWebhook(notification, target, options)
      return { channel: 'webhook', providerMessageId: null }
    default: {
      // Targets are often read back from stored settings, so an unknown channel can reach us at run time.
      const channel = (target as { channel?: unknown }).channel
      throw badConfig(
        'notifications',
        `Notifications cannot be delivered to the channel ${JSON.stringify(channel)}: use email, whatsapp or webhook`,
      )
    }
  }
}

// --- email ---------------------------------------------------------------------------------------

/** The mail a notification becomes (nodemailer's message fields); exported for tests and previews. */
export function composeNotificationEmail(
  notification: TeamNotification,
  to: string,
  config: { from: string; replyTo?: string | undefined },
) {
  const address = EmailAddress.safeParse(to)
  if (!address.success) throw permanent('smtp', `"${to.slice(0, 80)}" is not an email address`)
  const domain = parseMailbox(config.from)!.address.split('@').pop()!.toLowerCase()
  // Derived from the notification id alone, so a retried send is the same message to mail clients;
  // the prefix keeps it apart from the Message-IDs of customer replies (`<message id>@domain`).
  const localPart = `notification.${notification.id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 200)}`
  return {
    from: config.from,
    to: address.data,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    subject: `[Atlas Desk] ${oneLine(notification.title)}`,
    text: notification.url ? `${notification.body}\n\nOpen: ${notification.url}` : notification.body,
    messageId: `<${localPart}@${domain}>`,
    headers: {
      'X-Atlas-Notification': notification.kind,
      // RFC 3834: out-of-office replies and other auto-responders must not answer a machine's mail.
      'Auto-Submitted': 'auto-generated',
    },
  }
}

async function deliverEmail(
  notification: TeamNotification,
  target: Extract<NotificationTarget, { channel: 'email' }>,
): Promise<string | null> {
  const config = emailSendConfig(target.smtp)
  const mail = composeNotificationEmail(notification, target.to, config)
  await sendMail(config, mail)
  return normalizeMessageId(mail.messageId)
}

// --- WhatsApp ------------------------------------------------------------------------------------

/** The most of the body a template parameter carries (Meta caps a template body at 1024 characters). */
export const TEMPLATE_BODY_LIMIT = 1000

/** The outbound message a notification becomes on WhatsApp; exported for tests and previews. */
export function notificationWhatsAppMessage(
  notification: TeamNotification,
  to: string,
  template?: { name: string; language: string } | null,
): OutboundMessage {
  const base = { id: notification.id, citations: [], to: { kind: 'whatsapp' as const, value: to } }
  if (template) {
    const parameters = [
      notification.title,
      truncate(notification.body.trim(), TEMPLATE_BODY_LIMIT),
      notification.url ?? '',
    ].map(templateParameter)
    return { ...base, body: '', template: { name: template.name, language: template.language, parameters } }
  }
  const lines = [`*${oneLine(notification.title)}*`, notification.body.trim()]
  if (notification.url) lines.push(notification.url)
  return { ...base, body: lines.join('\n') }
}

async function deliverWhatsApp(
  notification: TeamNotification,
  target: Extract<NotificationTarget, { channel: 'whatsapp' }>,
): Promise<string | null> {
  const message = notificationWhatsAppMessage(notification, target.to, target.template)
  // The adapter's own client: config parsing, Graph error mapping (transient or not) and timeouts.
  const { providerMessageId } = await sendWhatsAppMessage(message, target.whatsapp)
  return providerMessageId
}

/**
 * The Cloud API refuses a template parameter that is empty or holds new lines, tabs or more than four
 * consecutive spaces (error 132018, or a 400 for an empty one): such a send would fail for good.
 */
function templateParameter(text: string): string {
  const flat = text
    .replace(/\s*[\r\n\t]+\s*/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim()
  return flat.length > 0 ? flat : '-'
}

// --- webhook -------------------------------------------------------------------------------------

/**
 * The JSON a webhook receives. Headers: `X-Atlas-Event: <kind>`, `X-Atlas-Delivery: <id>` (the same
 * on every retry of one notification: receivers deduplicate by it), `X-Atlas-Timestamp: <unix seconds>`
 * and `X-Atlas-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the secret>`.
 *
 * Receivers verify it as with Stripe's scheme: recompute the HMAC over the timestamp header, a dot and
 * the raw body bytes as received (before any JSON parsing), compare in constant time, and reject a
 * timestamp more than five minutes from their clock, which stops a captured request from being
 * replayed later. `verifyWebhookSignature` does exactly this.
 */
export interface WebhookPayload {
  id: string
  kind: NotificationKind
  title: string
  body: string
  url: string | null
  ticketNumber: string | null
  /** ISO 8601. */
  createdAt: string
  data: Record<string, unknown>
}

async function deliverWebhook(
  notification: TeamNotification,
  target: Extract<NotificationTarget, { channel: 'webhook' }>,
  options: DeliverOptions,
): Promise<void> {
  const url = webhookUrl(target.url)
  if (!target.secret) {
    // An empty key lets anyone compute a valid signature: receivers could not trust any delivery.
    throw badConfig('webhook', 'The webhook has no secret to sign deliveries with')
  }
  if (Number.isNaN(notification.createdAt.getTime())) {
    throw permanent('webhook', `Notification ${notification.id} has an invalid createdAt date`)
  }
  const payload: WebhookPayload = {
    id: notification.id,
    kind: notification.kind,
    title: notification.title,
    body: notification.body,
    url: notification.url,
    ticketNumber: notification.ticketNumber,
    createdAt: notification.createdAt.toISOString(),
    data: notification.data,
  }
  const raw = JSON.stringify(payload)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS
  // Only the origin in messages: a webhook's path or query often carries a token.
  const call = { provider: 'webhook', what: `The webhook at ${url.origin}`, timeoutMs }
  const post = options.fetch ?? fetch
  let response: Response
  let snippet: string
  try {
    response = await post(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'x-atlas-event': notification.kind,
        'x-atlas-delivery': notification.id,
        'x-atlas-timestamp': timestamp,
        'x-atlas-signature': webhookSignature(timestamp, raw, target.secret),
      },
      body: raw,
      // A redirect is not followed: fetch would turn the POST into a GET, and the receiver's real
      // address belongs in the configuration (it also keeps a redirect from steering us elsewhere).
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    // Read (a little of) the answer within the same timeout, so the connection is released.
    snippet = await readSnippet(response)
  } catch (error) {
    throw connectionFailure(error, call)
  }
  if (response.status >= 200 && response.status < 300) return
  throw webhookRefusal(response, snippet, call.what)
}

function webhookUrl(value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw badConfig('webhook', 'The webhook URL is not a valid URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badConfig(
      'webhook',
      `The webhook URL must be http(s): https://… (or http://…), not ${url.protocol}…`,
    )
  }
  return url
}

function webhookRefusal(response: Response, snippet: string, what: string): AtlasError {
  const status = response.status
  const transient = status === 408 || status === 429 || status >= 500
  const retryAfter = Number(response.headers.get('retry-after'))
  const details = {
    provider: 'webhook',
    transient,
    status,
    providerMessage: snippet || undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  }
  const said = snippet ? `: ${snippet.slice(0, 200)}` : ''
  if (transient) {
    return providerError(
      'unavailable',
      `${what} failed (temporarily, retry later) with HTTP ${status}${said}`,
      details,
    )
  }
  if (status >= 300 && status < 400) {
    return providerError(
      'config_invalid',
      `${what} answered HTTP ${status} (a redirect${response.headers.get('location') ? ` to ${response.headers.get('location')}` : ''}): configure the final URL`,
      details,
    )
  }
  if (status === 401 || status === 403) {
    return providerError(
      'config_invalid',
      `${what} refused the delivery with HTTP ${status}: check that it verifies with the same secret${said}`,
      details,
    )
  }
  return providerError('bad_request', `${what} refused the delivery with HTTP ${status}${said}`, details)
}

/** The first bytes of an answer as text; the rest is discarded unread. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size >= ERROR_SNIPPET_BYTES) {
      await reader.cancel()
      break
    }
  }
  return Buffer.concat(chunks).subarray(0, ERROR_SNIPPET_BYTES).toString('utf8').replace(/\s+/g, ' ').trim()
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`: the X-Atlas-Signature header. */
function webhookSignature(timestamp: string, rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`
}

/**
 * What a receiver does with a delivery: true when `signature` is the HMAC of `<timestamp>.<rawBody>`
 * under `secret` and the timestamp lies within `toleranceSeconds` of `now` (either way, for clock skew).
 * `rawBody` must be the body exactly as received, not re-serialized JSON.
 */
export function verifyWebhookSignature(
  rawBody: string,
  headers: { timestamp: string; signature: string },
  secret: string,
  now: Date = new Date(),
  toleranceSeconds = 300,
): boolean {
  if (!secret) return false
  const timestamp = headers.timestamp.trim()
  if (!/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const provided = headers.signature.trim().toLowerCase()
  if (!/^sha256=[0-9a-f]{64}$/.test(provided)) return false
  return safeEqual(webhookSignature(timestamp, rawBody, secret), provided)
}

// --- shared --------------------------------------------------------------------------------------

/** A header or first line: line breaks would end the header (or break WhatsApp's bold). */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

/** At most `max` code points, the last an ellipsis when cut. */
function truncate(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

function permanent(provider: string, message: string): AtlasError {
  return providerError('bad_request', message, { provider, transient: false })
}

function badConfig(provider: string, message: string): AtlasError {
  return providerError('config_invalid', message, { provider, transient: false })
}
