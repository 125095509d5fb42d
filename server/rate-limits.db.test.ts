// Rate limits through the app, on a clock the test moves: per client address (from the connection,
// or X-Forwarded-For behind a trusted proxy), per tenant (its API keys and sessions together), per
// webhook channel (never per address: providers post from shared ones). Over the limit is a 429 with
// Retry-After and the usual error body; the bucket refills as the window passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRuntime, type TestRuntime } from '../testing/runtime.ts'
import { createApp } from './app.ts'
import { loadConfig } from './config.ts'

let t: TestRuntime
let app: ReturnType<typeof createApp>
let now = 1_000_000

beforeAll(async () => {
  t = await startTestRuntime({
    env: {
      ATLAS_RATE_LIMIT_PER_IP: '5',
      ATLAS_RATE_LIMIT_PER_TENANT: '8',
      ATLAS_RATE_LIMIT_WEBHOOKS: '4',
      ATLAS_TRUST_PROXY: 'true',
    },
  })
  app = createApp(t.runtime, { now: () => now })
})
afterAll(async () => {
  await t?.stop()
})

const from = (address: string, path = '/widget.js') =>
  app.request(path, { headers: { 'x-forwarded-for': address } })

async function expectLimited(response: Response, retryAfter: number) {
  expect(response.status).toBe(429)
  expect(response.headers.get('retry-after')).toBe(String(retryAfter))
  const body = (await response.json()) as { error: { code: string; message: string; details: unknown } }
  expect(body.error.code).toBe('rate_limited')
  expect(body.error.message).toMatch(/Too many requests .* per server process; retry after \d+ s/)
  expect(body.error.details).toEqual({ retryAfterSeconds: retryAfter })
}

describe('per client address', () => {
  it('answers 429 with Retry-After past the limit, and serves again once the window passes', async () => {
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.7')).status).toBe(200)
    // Five a minute: the next token is 12 seconds away.
    await expectLimited(await from('203.0.113.7'), 12)
    await expectLimited(await from('203.0.113.7', '/v1/openapi.json'), 12)
    // Another client is not affected.
    expect((await from('203.0.113.8')).status).toBe(200)
    now += 11_000
    await expectLimited(await from('203.0.113.7'), 1)
    now += 1_000
    expect((await from('203.0.113.7')).status).toBe(200)
    await expectLimited(await from('203.0.113.7'), 12)
    // A whole window later, the whole allowance is back.
    now += 60_000
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.7')).status).toBe(200)
    await expectLimited(await from('203.0.113.7'), 12)
  })

  it('behind a trusted proxy, counts the address the proxy saw, not what the client claims', async () => {
    for (let i = 0; i < 5; i++)
      expect((await from(`10.9.9.${i}, 198.51.100.20`)).status, 'spoofed first entries').toBe(200)
    await expectLimited(await from('10.9.9.99, 198.51.100.20'), 12)
  })

  it('uses the connection when no proxy says otherwise, and never limits health checks', async () => {
    const socket = { incoming: { socket: { remoteAddress: '198.51.100.77' } } }
    for (let i = 0; i < 5; i++) expect((await app.request('/widget.js', {}, socket)).status).toBe(200)
    await expectLimited(await app.request('/widget.js', {}, socket), 12)
    for (let i = 0; i < 10; i++) expect((await app.request('/healthz', {}, socket)).status).toBe(200)
  })
})

describe('per tenant', () => {
  it('counts API keys and sessions of one tenant together, and recovers', async () => {
    now += 120_000
    const key = { authorization: `Bearer ${t.apiKey}` }
    for (let i = 0; i < 6; i++) expect((await app.request('/v1/channels', { headers: key })).status).toBe(200)
    const login = await app.request('/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@quillstack.example', password: 'atlas-demo-admin' }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    for (let i = 0; i < 2; i++)
      expect((await app.request('/v1/today', { headers: { cookie } })).status).toBe(200)
    // Eight a minute: the ninth waits 60/8 = 7.5 s, said as 8.
    await expectLimited(await app.request('/v1/channels', { headers: key }), 8)
    await expectLimited(await app.request('/v1/conversations', { headers: { cookie } }), 8)
    // Auth-less requests are not the tenant's: still a 401.
    expect((await app.request('/v1/channels')).status).toBe(401)
    // The dashboard's pages read through the API in-process; those reads are not counted again.
    now += 60_000
    for (let i = 0; i < 3; i++) expect((await app.request('/app', { headers: { cookie } })).status).toBe(200)
    for (let i = 0; i < 8; i++) expect((await app.request('/v1/channels', { headers: key })).status).toBe(200)
    await expectLimited(await app.request('/v1/channels', { headers: key }), 8)
    now += 8_000
    expect((await app.request('/v1/channels', { headers: key })).status).toBe(200)
  })
})

describe('per webhook channel', () => {
  it('has its own allowance per channel, whatever the address', async () => {
    const post = (path: string) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: '{}',
      })
    // Unsigned: refused by the channel, but counted.
    for (let i = 0; i < 4; i++) expect((await post('/webhooks/whatsapp/whatsapp')).status).toBe(401)
    await expectLimited(await post('/webhooks/whatsapp/whatsapp'), 15)
    expect((await post('/webhooks/meta/messenger')).status).toBe(401)
    now += 15_000
    expect((await post('/webhooks/whatsapp/whatsapp')).status).toBe(401)
  })
})

describe('configuration', () => {
  it('has generous defaults and refuses nonsense', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      perIp: 1200,
      perTenant: 6000,
      perWebhookChannel: 12_000,
      trustProxy: false,
    })
    expect(loadConfig({ ATLAS_RATE_LIMIT_PER_IP: '0' }).rateLimits.perIp).toBe(0)
    expect(() => loadConfig({ ATLAS_RATE_LIMIT_PER_IP: '-1' })).toThrow(/ATLAS_RATE_LIMIT_PER_IP/)
    expect(() => loadConfig({ ATLAS_RATE_LIMIT_PER_TENANT: 'lots' })).toThrow(/ATLAS_RATE_LIMIT_PER_TENANT/)
    expect(() => loadConfig({ ATLAS_MAX_BODY_BYTES: '10' })).toThrow(/ATLAS_MAX_BODY_BYTES/)
  })
})
