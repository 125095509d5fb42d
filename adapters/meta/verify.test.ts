import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { messengerAdapter } from './index.ts'
import { MESSENGER, pageWebhook } from './test-fixtures.ts'
import { signBody, verifyMeta, verifySubscription } from './verify.ts'

const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
const BODY = JSON.stringify(pageWebhook(MESSENGER.text))

function app() {
  const hono = new Hono()
  hono.post('/webhooks/messenger', verifyMeta({ appSecret: APP_SECRET }), async (c) => {
    const parsed = await messengerAdapter.parse(c.get('rawBody'))
    return c.json({ messages: parsed.messages.length })
  })
  return hono
}

const post = (headers: Record<string, string>) =>
  app().request('/webhooks/messenger', { method: 'POST', body: BODY, headers })

describe('Messenger/Instagram webhook signature', () => {
  it('accepts a body signed with the app secret and hands it to the parser', async () => {
    const response = await post({ 'X-Hub-Signature-256': signBody(APP_SECRET, BODY) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ messages: 1 })
  })

  it.each([
    ['forged', { 'X-Hub-Signature-256': signBody(APP_SECRET, `${BODY} `) }],
    ['signed with the wrong secret', { 'X-Hub-Signature-256': signBody('another-app-secret', BODY) }],
    ['missing', {}],
    ['SHA-1 only', { 'X-Hub-Signature': 'sha1=4a2e1d3c5b6a79808f7e6d5c4b3a29180f7e6d5c' }],
  ])('answers 401 when the signature is %s', async (_name, headers) => {
    const response = await post(headers)
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
  })
})

describe('Messenger/Instagram subscription handshake', () => {
  it('answers the challenge for the right token and refuses a wrong one', () => {
    const query = {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'tok',
      'hub.challenge': 'CHALLENGE_ACCEPTED',
    }
    expect(verifySubscription(query, 'tok')).toBe('CHALLENGE_ACCEPTED')
    expect(() => verifySubscription({ ...query, 'hub.verify_token': 'nope' }, 'tok')).toThrow(AtlasError)
  })
})
