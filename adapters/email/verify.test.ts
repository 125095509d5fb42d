import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { verifyBasicSecret } from './verify.ts'

const SECRET = 'whsec-9d2f7c1b4a6e8f03'
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`

function app(secret: Parameters<typeof verifyBasicSecret>[0]['secret'] = SECRET) {
  const hono = new Hono()
  hono.post('/webhooks/email', verifyBasicSecret({ secret }), (c) => c.text('ok'))
  return hono
}

const post = (headers: Record<string, string>, hono = app()) =>
  hono.request('/webhooks/email', { method: 'POST', body: '{}', headers })

describe('email webhook Basic auth', () => {
  it('lets through the right password, whatever the user name', async () => {
    expect((await post({ authorization: basic('inbound', SECRET) })).status).toBe(200)
    expect((await post({ authorization: basic('', SECRET) })).status).toBe(200)
  })

  it.each([
    ['a wrong password', { authorization: basic('inbound', 'whsec-guess') }, 'not valid'],
    ['the secret as the user name', { authorization: basic(SECRET, '') }, 'not valid'],
    ['a forged prefix of the secret', { authorization: basic('inbound', SECRET.slice(0, -1)) }, 'not valid'],
    ['no credentials', {}, 'HTTP Basic auth'],
    ['a bearer token', { authorization: `Bearer ${SECRET}` }, 'HTTP Basic auth'],
  ])('answers 401 with a Basic challenge to %s', async (_name, headers, expected) => {
    const response = await post(headers)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('unauthorized')
    expect(body.error.message).toContain(expected)
  })

  it('looks the secret up per channel (a wrong secret for this channel fails)', async () => {
    const secrets: Record<string, string> = { a: SECRET, b: 'another-channel-secret' }
    const hono = new Hono()
    hono.post('/:key', verifyBasicSecret({ secret: (c) => secrets[c.req.param('key') ?? ''] }), (c) =>
      c.text('ok'),
    )
    const headers = { authorization: basic('inbound', SECRET) }
    expect((await hono.request('/a', { method: 'POST', headers })).status).toBe(200)
    expect((await hono.request('/b', { method: 'POST', headers })).status).toBe(401)
    expect((await hono.request('/c', { method: 'POST', headers })).status).toBe(401)
  })

  it('refuses an empty secret at startup', () => {
    expect(() => verifyBasicSecret({ secret: '' })).toThrow(AtlasError)
  })
})
