/**
 * WhatsApp Cloud API webhook verification: Meta signs each POST with
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`.
 * Forged, missing or malformed signatures get 401 `{ error: { code: 'unauthorized', message } }`;
 * a verified request carries the exact body on as `c.get('rawBody')`. The GET subscription
 * handshake is `verifySubscription(c.req.query(), verifyToken)`.
 *
 * @example
 * ```ts
 * app.get('/webhooks/whatsapp', (c) => c.text(verifySubscription(c.req.query(), config.verifyToken)))
 * app.post('/webhooks/whatsapp', verifyWhatsApp({ appSecret: config.appSecret }), async (c) => {
 *   const { messages, statuses } = await whatsappAdapter.parse(c.get('rawBody'))
 *   // store them, then answer 200 quickly: Meta retries anything else
 *   return c.json({ ok: true })
 * })
 * ```
 */
import type { MiddlewareHandler } from 'hono'
import { type RawBodyVariables, type SecretSource, verifyHmacSignature } from '../shared/hmac-signature.ts'

export const WHATSAPP_SIGNATURE_HEADER = 'X-Hub-Signature-256'

export function verifyWhatsApp(options: { appSecret: SecretSource }): MiddlewareHandler<{
  Variables: RawBodyVariables
}> {
  return verifyHmacSignature({ header: WHATSAPP_SIGNATURE_HEADER, secret: options.appSecret })
}

export { type RawBodyVariables, type SecretSource, signBody } from '../shared/hmac-signature.ts'
export { verifySubscription } from '../shared/subscription.ts'
