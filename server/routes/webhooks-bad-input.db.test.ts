// Bad input through the running app, per channel: hundreds of malformed bodies (correctly signed, so
// they reach the parser), forged and missing signatures, wrong content types and oversized bodies.
// Every one gets a 4xx with a JSON error that says what is wrong, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { malformedMime, postmarkMalformedCases } from '../../adapters/email/malformed-cases.ts'
import { eml, POSTMARK } from '../../adapters/email/test-fixtures.ts'
import { single as MENTION, mentionsMalformedCases } from '../../adapters/mentions/malformed-cases.ts'
import { valid as META_VALID, metaMalformedCases } from '../../adapters/meta/malformed-cases.ts'
import { signBody } from '../../adapters/shared/hmac-signature.ts'
import type { Malformed } from '../../adapters/shared/malformed-payloads.ts'
import { valid as WHATSAPP_VALID, whatsappMalformedCases } from '../../adapters/whatsapp/malformed-cases.ts'
import { valid as WIDGET_VALID, widgetMalformedCases } from '../../adapters/widget/malformed-cases.ts'
import { startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { storedCounts } from '../../testing/webhooks.ts'

const META_SECRET = 'meta-app-secret-bad-input'
const EMAIL_SECRET = 'email-secret-bad-input'
const MENTIONS_SECRET = 'mentions-secret-bad-input'

let t: TestRuntime
let before: Awaited<ReturnType<typeof storedCounts>>

beforeAll(async () => {
  t = await startTestRuntime({
    env: {
      ATLAS_DEMO_META_APP_SECRET: META_SECRET,
      ATLAS_DEMO_EMAIL_WEBHOOK_SECRET: EMAIL_SECRET,
      ATLAS_DEMO_MENTIONS_SECRET: MENTIONS_SECRET,
    },
  })
  before = await storedCounts(t)
})
afterAll(async () => {
  await t?.stop()
})

function rawBody(payload: unknown): string | Uint8Array {
  if (typeof payload === 'string' || payload instanceof Uint8Array) return payload
  // The generator's 5000-deep values overflow JSON.stringify's recursion: write those as text.
  const deep: string[] = []
  const text = JSON.stringify(payload, (_key, value: unknown) => {
    const depth = nesting(value)
    if (depth < 1000) return value
    deep.push(
      Array.isArray(value)
        ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
        : `${'{"nested":'.repeat(depth)}{"leaf":true}${'}'.repeat(depth)}`,
    )
    return `__deep_${deep.length - 1}__`
  })
  return text.replace(/"__deep_(\d+)__"/g, (_, i: string) => deep[Number(i)]!)
}

/** How deep the generator's chain (`{ nested: … }` or `[[…]]`) goes here, counted without recursion. */
function nesting(value: unknown): number {
  let depth = 0
  let current = value
  while (current !== null && typeof current === 'object') {
    const keys = Object.keys(current)
    if (keys.length !== 1 || (!Array.isArray(current) && keys[0] !== 'nested')) break
    current = (current as Record<string, unknown>)[keys[0]!]
    depth++
  }
  return depth
}

interface Channel {
  name: string
  path: string
  /** The same route for a channel that does not exist. */
  unknownPath: string
  contentType: string
  cases: Malformed[]
  /** A valid body, to forge and oversize. */
  valid: unknown
  /** Headers that authenticate this body. */
  auth(body: string | Uint8Array): Record<string, string>
  /** Headers a forger would send instead (none: the widget is public, its key is in every page). */
  forged: Array<(body: string | Uint8Array) => Record<string, string>>
}

const hmac = (header: string, secret: string) => ({
  auth: (body: string | Uint8Array) => ({ [header]: signBody(secret, body) }),
  forged: [
    () => ({}),
    (body: string | Uint8Array) => ({ [header]: signBody('wrong-secret', body) }),
    (body: string | Uint8Array) => ({ [header]: signBody(secret, `${body} `) }),
    () => ({ [header]: 'sha256=' }),
    () => ({ [header]: `sha1=${'0'.repeat(40)}` }),
    () => ({ [header]: `sha256=${'z'.repeat(64)}` }),
    () => ({ [header]: `sha256=${'0'.repeat(63)}` }),
    (body: string | Uint8Array) => ({
      [header]: signBody(secret, body).toUpperCase().replace('SHA256', 'md5'),
    }),
    () => ({ [header]: 'x'.repeat(10_000) }),
    (body: string | Uint8Array) => ({ 'X-Other-Signature': signBody(secret, body) }),
  ],
})

const basic = (secret: string) => ({
  auth: () => ({ authorization: `Basic ${Buffer.from(`inbound:${secret}`).toString('base64')}` }),
  forged: [
    () => ({}),
    () => ({ authorization: `Basic ${Buffer.from('inbound:wrong').toString('base64')}` }),
    () => ({ authorization: `Basic ${Buffer.from(`${secret}:`).toString('base64')}` }),
    () => ({ authorization: `Bearer ${secret}` }),
    () => ({ authorization: 'Basic !!!' }),
    () => ({ authorization: `Basic ${Buffer.from(secret).toString('base64')}` }),
    () => ({ authorization: `Basic ${Buffer.from(`inbound:${secret} `).toString('base64')}` }),
    () => ({ authorization: 'Basic' }),
    () => ({ authorization: `Basic ${'A'.repeat(10_000)}` }),
    () => ({ authorization: `Digest username="inbound"` }),
  ],
})

const CHANNELS: Channel[] = [
  {
    name: 'chat widget',
    path: '/v1/widget/demo/messages',
    unknownPath: '/v1/widget/no-such-widget/messages',
    contentType: 'application/json',
    cases: widgetMalformedCases(),
    valid: WIDGET_VALID,
    auth: () => ({}),
    forged: [],
  },
  {
    name: 'WhatsApp',
    path: '/webhooks/whatsapp/whatsapp',
    unknownPath: '/webhooks/whatsapp/no-such-channel',
    contentType: 'application/json',
    cases: whatsappMalformedCases(),
    valid: WHATSAPP_VALID,
    ...hmac('X-Hub-Signature-256', META_SECRET),
  },
  {
    name: 'Messenger',
    path: '/webhooks/meta/messenger',
    unknownPath: '/webhooks/meta/no-such-channel',
    contentType: 'application/json',
    cases: metaMalformedCases('messenger'),
    valid: META_VALID.messenger,
    ...hmac('X-Hub-Signature-256', META_SECRET),
  },
  {
    name: 'Instagram',
    path: '/webhooks/meta/instagram',
    unknownPath: '/webhooks/meta/no-such-channel',
    contentType: 'application/json',
    cases: metaMalformedCases('instagram'),
    valid: META_VALID.instagram,
    ...hmac('X-Hub-Signature-256', META_SECRET),
  },
  {
    name: 'email (Postmark JSON)',
    path: '/webhooks/email/email',
    unknownPath: '/webhooks/email/no-such-channel',
    contentType: 'application/json',
    cases: postmarkMalformedCases(),
    valid: POSTMARK,
    ...basic(EMAIL_SECRET),
  },
  {
    name: 'email (raw MIME)',
    path: '/webhooks/email/email',
    unknownPath: '/webhooks/email/no-such-channel',
    contentType: 'message/rfc822',
    cases: malformedMime(),
    valid: eml('plain'),
    ...basic(EMAIL_SECRET),
  },
  {
    name: 'mentions',
    path: '/webhooks/mentions/mentions',
    unknownPath: '/webhooks/mentions/no-such-channel',
    contentType: 'application/json',
    cases: mentionsMalformedCases(),
    valid: MENTION,
    ...hmac('X-Atlas-Signature', MENTIONS_SECRET),
  },
]

async function post(
  channel: Channel,
  body: string | Uint8Array,
  headers: Record<string, string>,
  contentType = channel.contentType,
) {
  const response = await t.app.request(channel.path, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  })
  const text = await response.text()
  let json: { error?: { code?: string; message?: string } } = {}
  try {
    json = JSON.parse(text)
  } catch {
    // Checked below: every refusal must be JSON.
  }
  return { status: response.status, json, text }
}

function expectRefused(what: string, result: Awaited<ReturnType<typeof post>>) {
  expect(result.status, `${what}: ${result.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400)
  expect(result.status, `${what}: ${result.text.slice(0, 300)}`).toBeLessThan(500)
  expect(result.json.error?.code, what).toBeTypeOf('string')
  expect(result.json.error?.message?.length ?? 0, what).toBeGreaterThan(10)
}

describe.each(CHANNELS)('$name webhook: bad input through the app', (channel) => {
  it(`refuses every generated malformed body (correctly authenticated) with a clear 4xx`, async () => {
    expect(channel.cases.length).toBeGreaterThanOrEqual(200)
    const statuses = new Map<number, number>()
    for (const item of channel.cases) {
      const body = rawBody(item.payload)
      const result = await post(channel, body, channel.auth(body))
      expectRefused(item.name, result)
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1)
    }
    // Mostly the parser's 422/400; oversized bodies stop at the limit with 413.
    expect([...statuses.keys()].every((s) => [400, 413, 415, 422].includes(s))).toBe(true)
  })

  it('refuses a body over the limit with 413 before reading it, and an unknown channel with 404', async () => {
    const huge = new Uint8Array(40 * 1024 * 1024).fill(0x20)
    const tooLarge = await post(channel, huge, channel.auth(huge))
    expectRefused('oversized', tooLarge)
    expect(tooLarge.status).toBe(413)
    const body = rawBody(channel.valid)
    const unknown = await t.app.request(channel.unknownPath, {
      method: 'POST',
      headers: { 'content-type': channel.contentType, ...channel.auth(body) },
      body,
    })
    expect(unknown.status).toBe(404)
  })

  it('stored nothing', async () => {
    expect(await storedCounts(t)).toEqual(before)
  })
})

// The widget is public by design (its key is in every page); every other channel has a secret.
describe.each(CHANNELS.filter((c) => c.forged.length > 0))('$name webhook: credentials', (channel) => {
  it('refuses forged, missing and malformed credentials with 401, storing nothing', async () => {
    const body = rawBody(channel.valid)
    for (const [i, forge] of channel.forged.entries()) {
      const result = await post(channel, body, forge(body))
      expectRefused(`forgery ${i}`, result)
      expect(result.status, `forgery ${i}`).toBe(401)
    }
    expect(await storedCounts(t)).toEqual(before)
  })
})

describe('content types', () => {
  it('email refuses a body that is neither raw MIME nor JSON', async () => {
    const email = CHANNELS.find((c) => c.name === 'email (raw MIME)')!
    const result = await post(email, eml('plain'), email.auth(''), 'text/plain')
    expectRefused('text/plain email', result)
    expect(result.status).toBe(415)
  })

  it('a WhatsApp channel id used on the Meta route is not found', async () => {
    const body = JSON.stringify(META_VALID.messenger)
    const response = await t.app.request('/webhooks/meta/whatsapp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Hub-Signature-256': signBody(META_SECRET, body) },
      body,
    })
    expect(response.status).toBe(404)
    expect(await storedCounts(t)).toEqual(before)
  })
})
