/**
 * Mentions webhook verification: the sender signs the raw body with the channel's `webhookSecret`,
 * `X-Atlas-Signature: sha256=<hex HMAC-SHA256>` (the same scheme and code as Meta's
 * X-Hub-Signature-256). Forged, missing or malformed signatures get 401 with a JSON error.
 *
 * @example
 * ```ts
 * app.post('/webhooks/mentions/:key', verifyMentions({ secret: (c) => secretFor(c.req.param('key')) }), async (c) => {
 *   const { messages } = await mentionsAdapter.parse(c.get('rawBody'))
 *   return c.json({ received: messages.length })
 * })
 * ```
 */
import type { MiddlewareHandler } from 'hono'
import { type RawBodyVariables, type SecretSource, verifyHmacSignature } from '../shared/hmac-signature.ts'

export const MENTIONS_SIGNATURE_HEADER = 'X-Atlas-Signature'

export function verifyMentions(options: {
  secret: SecretSource
}): MiddlewareHandler<{ Variables: RawBodyVariables }> {
  return verifyHmacSignature({ header: MENTIONS_SIGNATURE_HEADER, secret: options.secret })
}

export { type RawBodyVariables, signBody } from '../shared/hmac-signature.ts'
