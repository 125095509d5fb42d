/**
 * Messenger and Instagram webhook verification: the same scheme as WhatsApp (Meta signs every POST
 * with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`),
 * so this is the WhatsApp verifier under another name. The GET subscription handshake is
 * `verifySubscription(c.req.query(), verifyToken)`.
 *
 * @example
 * ```ts
 * app.get('/webhooks/messenger', (c) => c.text(verifySubscription(c.req.query(), config.verifyToken)))
 * app.post('/webhooks/messenger', verifyMeta({ appSecret: config.appSecret }), async (c) => {
 *   const parsed = await messengerAdapter.parse(c.get('rawBody'))
 *   return c.text('EVENT_RECEIVED')
 * })
 * ```
 */
export {
  type RawBodyVariables,
  signBody,
  verifySubscription,
  verifyWhatsApp as verifyMeta,
} from '../whatsapp/verify.ts'
