import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { mentionsAdapter } from './index.ts'
import { TWEET } from './test-fixtures.ts'
import { signBody, verifyMentions } from './verify.ts'

const SECRET = 'mentions-secret-5f2a9c'
const BODY = JSON.stringify(TWEET)

const app = new Hono()
app.post('/webhooks/mentions', verifyMentions({ secret: SECRET }), async (c) => {
  const parsed = await mentionsAdapter.parse(c.get('rawBody'))
  return c.json({ ids: parsed.messages.map((m) => m.providerMessageId) })
})

const post = (headers: Record<string, string>) =>
  app.request('/webhooks/mentions', {
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json', ...headers },
  })

describe('mentions webhook signature', () => {
  it('accepts a body signed with the channel secret', async () => {
    const response = await post({ 'X-Atlas-Signature': signBody(SECRET, BODY) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ids: ['twitter:1765012345678901234'] })
  })

  it.each([
    ['forged', { 'X-Atlas-Signature': signBody(SECRET, BODY.replace('late', 'early')) }],
    ['signed with the wrong secret', { 'X-Atlas-Signature': signBody('some-other-secret', BODY) }],
    ['missing', {}],
    ['sent in the Meta header instead', { 'X-Hub-Signature-256': signBody(SECRET, BODY) }],
  ])('answers 401 when the signature is %s', async (_name, headers) => {
    const response = await post(headers)
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
  })
})
