/**
 * HMAC-SHA256 webhook signatures (`<header>: sha256=<hex>`) as Hono middleware: Meta signs WhatsApp,
 * Messenger and Instagram webhooks this way (`X-Hub-Signature-256`, keyed with the app secret), and
 * the mentions webhook uses the same scheme (`X-Atlas-Signature`). The raw body is read once, the
 * signature checked over its exact bytes in constant time, and the body handed on as `rawBody`.
 *
 * @example
 * ```ts
 * app.post(
 *   '/webhooks/whatsapp/:key',
 *   limitBody(1024 * 1024),
 *   verifyHmacSignature({ header: 'X-Hub-Signature-256', secret: (c) => secretFor(c.req.param('key')) }),
 *   async (c) => {
 *     const parsed = await whatsappAdapter.parse(c.get('rawBody'))
 *     return c.json({ received: parsed.messages.length })
 *   },
 * )
 * ```
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { AtlasError, type ErrorCode } from '../../common/errors.ts'

/** What a verified request carries on to its handler. */
export interface RawBodyVariables {
  /** The request body exactly as signed, decoded as UTF-8. */
  rawBody: string
}

/** A fixed secret, or one looked up per request (the channel named in the URL); undefined: none configured. */
export type SecretSource = string | ((c: Context) => string | undefined | Promise<string | undefined>)

export interface HmacSignatureOptions {
  /** The header carrying `sha256=<hex>`, e.g. `X-Hub-Signature-256`. */
  header: string
  secret: SecretSource
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i

/** The header value a sender computes: `sha256=` and the hex HMAC-SHA256 of the body. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

export function verifyHmacSignature(
  options: HmacSignatureOptions,
): MiddlewareHandler<{ Variables: RawBodyVariables }> {
  if (typeof options.secret === 'string' && options.secret.length === 0) {
    // An empty key lets anyone compute a valid signature: refuse to start rather than accept forgeries.
    throw new AtlasError('config_invalid', `The secret for ${options.header} must not be empty`)
  }
  const header = options.header
  return async function hmacSignature(c, next) {
    const secret = typeof options.secret === 'string' ? options.secret : await options.secret(c)
    if (!secret)
      return reject(c, 'unauthorized', `No secret is configured to verify ${header} for this webhook`)
    const provided = c.req.header(header)
    if (!provided)
      return reject(c, 'unauthorized', `Missing ${header} header: sign the raw body as sha256=<hex>`)
    const match = SIGNATURE.exec(provided.trim())
    if (!match)
      return reject(c, 'unauthorized', `Malformed ${header} header: expected sha256=<64 hex digits>`)
    // Read the bytes once (Hono caches them for later c.req.text()/json()); the signature covers them exactly.
    const body = new Uint8Array(await c.req.arrayBuffer())
    const expected = createHmac('sha256', secret).update(body).digest()
    if (!timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'))) {
      return reject(c, 'unauthorized', `The ${header} signature does not match the body`)
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body)
    } catch {
      return reject(c, 'bad_request', 'The request body is not valid UTF-8')
    }
    c.set('rawBody', text)
    await next()
  }
}

function reject(c: Context, code: ErrorCode, message: string): Response {
  const error = new AtlasError(code, message)
  return c.json({ error: { code: error.code, message: error.message } }, error.status as 400 | 401)
}
