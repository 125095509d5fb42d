/**
 * Inbound email webhook authentication: HTTP Basic auth whose password is the channel's
 * `webhookSecret` (Postmark, like most inbound-mail services, sends credentials put in the webhook
 * URL: `https://inbound:<secret>@desk.example.com/webhooks/email/<channel>`). The user name is not
 * checked; the password is compared in constant time. Failures answer 401 with a JSON error and a
 * `WWW-Authenticate: Basic` challenge.
 *
 * @example
 * ```ts
 * app.post('/webhooks/email/:key', verifyBasicSecret({ secret: (c) => secretFor(c.req.param('key')) }), async (c) => {
 *   const contentType = c.req.header('content-type')
 *   const payload = contentType?.startsWith('message/rfc822') ? await c.req.arrayBuffer() : await c.req.text()
 *   const parsed = await emailAdapter.parse(payload, { contentType })
 *   return c.json({ received: parsed.messages.length })
 * })
 * ```
 */
import type { Context, MiddlewareHandler } from 'hono'
import { AtlasError } from '../../common/errors.ts'
import type { SecretSource } from '../shared/hmac-signature.ts'
import { safeEqual } from '../shared/safe-equal.ts'

export function verifyBasicSecret(options: { secret: SecretSource }): MiddlewareHandler {
  if (typeof options.secret === 'string' && options.secret.length === 0) {
    throw new AtlasError('config_invalid', 'The webhook secret must not be empty')
  }
  return async function basicSecret(c, next) {
    const secret = typeof options.secret === 'string' ? options.secret : await options.secret(c)
    if (!secret) return reject(c, 'No webhook secret is configured for this channel')
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(c.req.header('authorization') ?? '')
    if (!match) return reject(c, 'Send the webhook secret as the password of HTTP Basic auth')
    const credentials = Buffer.from(match[1]!, 'base64').toString('utf8')
    const colon = credentials.indexOf(':')
    const password = colon === -1 ? '' : credentials.slice(colon + 1)
    if (!safeEqual(password, secret)) return reject(c, 'The webhook secret is not valid')
    await next()
  }
}

function reject(c: Context, message: string): Response {
  c.header('WWW-Authenticate', 'Basic realm="Atlas Desk webhook", charset="UTF-8"')
  return c.json({ error: { code: 'unauthorized', message } }, 401)
}
