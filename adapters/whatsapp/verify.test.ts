import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { signBody, verifySubscription, verifyWhatsApp } from './verify.ts'

const APP_SECRET = '6b1c1f0e8d5a4b3c2d1e0f9a8b7c6d5e'
const BODY = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })

function app(appSecret: Parameters<typeof verifyWhatsApp>[0]['appSecret'] = APP_SECRET) {
  const hono = new Hono()
  hono.post('/webhook', verifyWhatsApp({ appSecret }), async (c) =>
    // The handler sees the exact body, and can still read it again through Hono.
    c.json({ rawBody: c.get('rawBody'), json: await c.req.json() }),
  )
  return hono
}

const post = (body: string | Uint8Array, headers: Record<string, string>) =>
  app().request('/webhook', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })

describe('WhatsApp webhook signature', () => {
  it('passes a correctly signed body on to the handler, unchanged', async () => {
    const response = await post(BODY, { 'x-hub-signature-256': signBody(APP_SECRET, BODY) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ rawBody: BODY, json: JSON.parse(BODY) })
  })

  it('checks the exact bytes: non-ASCII bodies and upper-case hex digits', async () => {
    const body = JSON.stringify({ text: 'Grüße 👋' })
    const signature = `sha256=${signBody(APP_SECRET, body).slice(7).toUpperCase()}`
    const response = await post(body, { 'x-hub-signature-256': signature })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { rawBody: string }).rawBody).toBe(body)
  })

  it.each([
    [
      'a forged signature (for another body)',
      { 'x-hub-signature-256': signBody(APP_SECRET, '{"forged":true}') },
      'does not match',
    ],
    [
      'a signature made with the wrong secret',
      { 'x-hub-signature-256': signBody('not-the-app-secret', BODY) },
      'does not match',
    ],
    ['no signature header', {}, 'Missing X-Hub-Signature-256'],
    [
      'the old SHA-1 header only',
      { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' },
      'Missing',
    ],
    ['a malformed header', { 'x-hub-signature-256': 'sha256=nothex' }, 'Malformed'],
    ['a truncated digest', { 'x-hub-signature-256': signBody(APP_SECRET, BODY).slice(0, 40) }, 'Malformed'],
    [
      'a bare digest without sha256=',
      { 'x-hub-signature-256': signBody(APP_SECRET, BODY).slice(7) },
      'Malformed',
    ],
  ])('answers 401 to %s', async (_name, headers, expected) => {
    const response = await post(BODY, headers)
    expect(response.status).toBe(401)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('unauthorized')
    expect(body.error.message).toContain(expected)
  })

  it('answers 400 to a correctly signed body that is not UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])
    const response = await post(bytes, { 'x-hub-signature-256': signBody(APP_SECRET, bytes) })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_request')
  })

  it('looks the secret up per request, and refuses when there is none', async () => {
    const secrets: Record<string, string> = { a: APP_SECRET }
    const hono = new Hono()
    hono.post('/:key', verifyWhatsApp({ appSecret: (c) => secrets[c.req.param('key') ?? ''] }), (c) =>
      c.text('ok'),
    )
    const signed = { 'x-hub-signature-256': signBody(APP_SECRET, BODY) }
    expect((await hono.request('/a', { method: 'POST', body: BODY, headers: signed })).status).toBe(200)
    const unknown = await hono.request('/b', { method: 'POST', body: BODY, headers: signed })
    expect(unknown.status).toBe(401)
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('No secret')
  })

  it('refuses to start with an empty app secret', () => {
    expect(() => verifyWhatsApp({ appSecret: '' })).toThrow(AtlasError)
  })
})

describe('WhatsApp subscription handshake', () => {
  const query = {
    'hub.mode': 'subscribe',
    'hub.verify_token': 'my-verify-token',
    'hub.challenge': '1158201444',
  }

  it('answers the challenge when the token matches', () => {
    expect(verifySubscription(query, 'my-verify-token')).toBe('1158201444')
  })

  it.each([
    [{ ...query, 'hub.verify_token': 'guess' }, 'hub.verify_token does not match'],
    [{ ...query, 'hub.mode': 'unsubscribe' }, 'hub.mode must be "subscribe"'],
    [{ 'hub.mode': 'subscribe', 'hub.challenge': '1' }, 'hub.verify_token'],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-token' }, 'hub.challenge'],
    [{}, 'hub.mode'],
  ])('refuses %j with a forbidden error', (bad, expected) => {
    try {
      verifySubscription(bad, 'my-verify-token')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(AtlasError)
      expect((error as AtlasError).status).toBe(403)
      expect((error as AtlasError).message).toContain(expected)
    }
  })

  it('works as a Hono GET route', async () => {
    const hono = new Hono()
    hono.get('/webhook', (c) => c.text(verifySubscription(c.req.query(), 'my-verify-token')))
    const response = await hono.request(`/webhook?${new URLSearchParams(query)}`)
    expect(await response.text()).toBe('1158201444')
  })
})
