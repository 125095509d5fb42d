// Delivery of team notifications against real local servers: SMTP (testing/fake-smtp.ts), the Graph
// API (testing/fake-graph-api.ts) and a node:http webhook receiver, asserting the exact wire format.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isTransient } from '../../adapters/shared/provider-error.ts'
import { AtlasError } from '../../common/errors.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { type FakeSmtp, startFakeSmtp } from '../../testing/fake-smtp.ts'
import {
  deliverNotification,
  type NotificationTarget,
  type TeamNotification,
  verifyWebhookSignature,
} from './deliver.ts'

const notification = (over: Partial<TeamNotification> = {}): TeamNotification => ({
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  tenantId: 'acme',
  kind: 'escalation',
  title: 'Sam Smith asked for a person',
  body: 'Sam cannot log in after resetting the password.\nThe assistant handed over after two tries.',
  url: 'https://desk.example/app/tickets/TKT-10042',
  ticketNumber: 'TKT-10042',
  createdAt: new Date('2025-06-08T14:03:11.250Z'),
  data: { conversationId: 'c0a8012e-0000-4000-8000-000000000001', priority: 'high' },
  ...over,
})

async function failure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

describe('email', () => {
  let smtp: FakeSmtp
  let target: Extract<NotificationTarget, { channel: 'email' }>

  beforeAll(async () => {
    smtp = await startFakeSmtp({ auth: { user: 'desk', pass: 's3cret' } })
    target = {
      channel: 'email',
      to: 'dana@acme.example',
      smtp: { smtpUrl: smtp.url, from: 'Atlas Desk <alerts@acme.example>', timeoutMs: 5000 },
    }
  })
  afterAll(() => smtp.close())
  beforeEach(() => {
    smtp.messages.length = 0
  })

  it('sends the subject, body with the link, a stable Message-ID and the kind header', async () => {
    const first = await deliverNotification(notification(), target)
    const second = await deliverNotification(notification(), target)
    expect(first).toEqual({
      channel: 'email',
      providerMessageId: 'notification.7c9e6679-7425-40de-944b-e07fc1f90ae7@acme.example',
    })
    // A retried send is the same message: mail clients collapse it by Message-ID.
    expect(second).toEqual(first)
    expect(smtp.messages).toHaveLength(2)
    const ids = smtp.messages.map((m) => m.parsed.messageId)
    expect(ids).toEqual([
      '<notification.7c9e6679-7425-40de-944b-e07fc1f90ae7@acme.example>',
      '<notification.7c9e6679-7425-40de-944b-e07fc1f90ae7@acme.example>',
    ])

    const [received] = smtp.messages
    expect(received!.user).toBe('desk')
    expect(received!.envelope).toEqual({ from: 'alerts@acme.example', to: ['dana@acme.example'] })
    expect(received!.raw).toMatch(/^X-Atlas-Notification: escalation\r$/m)
    const mail = received!.parsed
    expect(mail.subject).toBe('[Atlas Desk] Sam Smith asked for a person')
    expect(mail.headers.get('x-atlas-notification')).toBe('escalation')
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mail.from!.value).toEqual([{ address: 'alerts@acme.example', name: 'Atlas Desk' }])
    expect(mail.text!.replace(/\n$/, '')).toBe(
      'Sam cannot log in after resetting the password.\nThe assistant handed over after two tries.\n\nOpen: https://desk.example/app/tickets/TKT-10042',
    )
  })

  it('leaves the link out when there is none, and keeps the subject on one line', async () => {
    await deliverNotification(
      notification({ kind: 'knowledge_gap_digest', title: 'Weekly gaps:\r\n3 topics', url: null }),
      target,
    )
    const mail = smtp.messages[0]!.parsed
    expect(mail.subject).toBe('[Atlas Desk] Weekly gaps: 3 topics')
    expect(mail.text).not.toContain('Open:')
    expect(mail.headers.get('x-atlas-notification')).toBe('knowledge_gap_digest')
  })

  it('a 451 from the server is transient, a 550 permanent', async () => {
    smtp.refuse({ stage: 'rcpt', code: 451, message: 'Try again later' })
    const later = await failure(deliverNotification(notification(), target))
    expect(isTransient(later)).toBe(true)
    expect(later.details).toMatchObject({ provider: 'smtp', status: 451 })

    smtp.refuse({ stage: 'rcpt', code: 550, message: 'No such user' })
    const refused = await failure(deliverNotification(notification(), target))
    expect(isTransient(refused)).toBe(false)
    expect(refused.code).toBe('bad_request')
    expect(refused.message).toContain('No such user')
  })

  it('a refused login is a configuration problem, an unreachable server transient', async () => {
    const badLogin = await failure(
      deliverNotification(notification(), {
        ...target,
        smtp: { smtpUrl: `smtp://desk:wrong@127.0.0.1:${smtp.port}`, from: 'alerts@acme.example' },
      }),
    )
    expect(badLogin.code).toBe('config_invalid')
    expect(isTransient(badLogin)).toBe(false)

    const down = await failure(
      deliverNotification(notification(), {
        ...target,
        smtp: { smtpUrl: 'smtp://127.0.0.1:9', from: 'alerts@acme.example', timeoutMs: 2000 },
      }),
    )
    expect(isTransient(down)).toBe(true)
  })

  it('refuses a bad config or recipient before connecting', async () => {
    const config = await failure(
      deliverNotification(notification(), { ...target, smtp: { from: 'not an address' } }),
    )
    expect(config.code).toBe('config_invalid')
    expect(config.message).toContain('from: must be an address')
    expect(isTransient(config)).toBe(false)

    const recipient = await failure(deliverNotification(notification(), { ...target, to: 'dana' }))
    expect(recipient.message).toContain('"dana" is not an email address')
    expect(isTransient(recipient)).toBe(false)
    expect(smtp.messages).toHaveLength(0)
  })
})

describe('WhatsApp', () => {
  let graph: FakeGraphApi
  let whatsapp: Record<string, unknown>

  beforeAll(async () => {
    graph = await startFakeGraphApi()
    whatsapp = {
      phoneNumberId: '106540352242922',
      accessToken: graph.accessToken,
      graphBase: graph.url,
      timeoutMs: 2000,
    }
  })
  afterAll(() => graph.close())
  beforeEach(() => {
    graph.requests.length = 0
  })

  const target = (over: object = {}): NotificationTarget => ({
    channel: 'whatsapp',
    to: '16505551234',
    whatsapp,
    ...over,
  })

  it('sends a text message: bold title, body, link', async () => {
    const receipt = await deliverNotification(notification(), target())
    expect(receipt.channel).toBe('whatsapp')
    expect(receipt.providerMessageId).toMatch(/^wamid\./)
    expect(graph.requests).toHaveLength(1)
    const [request] = graph.requests
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe('/v21.0/106540352242922/messages')
    expect(request!.headers.authorization).toBe(`Bearer ${graph.accessToken}`)
    expect(request!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      biz_opaque_callback_data: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      type: 'text',
      text: {
        body: '*Sam Smith asked for a person*\nSam cannot log in after resetting the password.\nThe assistant handed over after two tries.\nhttps://desk.example/app/tickets/TKT-10042',
        preview_url: false,
      },
    })
  })

  it('sends the approved template with [title, body, url] as body parameters', async () => {
    const receipt = await deliverNotification(
      notification(),
      target({ template: { name: 'team_alert', language: 'en_US' } }),
    )
    expect(receipt.providerMessageId).toMatch(/^wamid\./)
    expect(graph.requests[0]!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      biz_opaque_callback_data: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      type: 'template',
      template: {
        name: 'team_alert',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Sam Smith asked for a person' },
              // Template parameters may not hold line breaks (Graph error 132018).
              {
                type: 'text',
                text: 'Sam cannot log in after resetting the password. The assistant handed over after two tries.',
              },
              { type: 'text', text: 'https://desk.example/app/tickets/TKT-10042' },
            ],
          },
        ],
      },
    })
  })

  it('cuts a long body to 1000 characters and never sends an empty parameter', async () => {
    await deliverNotification(
      notification({ body: 'x'.repeat(1500), url: null }),
      target({ template: { name: 'team_alert', language: 'en' } }),
    )
    const parameters = (
      graph.requests[0]!.json as { template: { components: [{ parameters: { text: string }[] }] } }
    ).template.components[0].parameters.map((p) => p.text)
    expect([...parameters[1]!]).toHaveLength(1000)
    expect(parameters[1]!.endsWith('…')).toBe(true)
    expect(parameters[2]).toBe('-')
  })

  it('a 500 from Graph is transient', async () => {
    graph.enqueue({ graphError: { status: 500, code: 1, message: 'An unknown error occurred' } })
    const error = await failure(deliverNotification(notification(), target()))
    expect(isTransient(error)).toBe(true)
    expect(error.details).toMatchObject({ provider: 'whatsapp', status: 500 })
  })

  it('a 400 from Graph is permanent', async () => {
    graph.enqueue({
      graphError: {
        status: 400,
        code: 132001,
        message: '(#132001) Template name does not exist in the translation',
      },
    })
    const error = await failure(
      deliverNotification(notification(), target({ template: { name: 'missing', language: 'en' } })),
    )
    expect(isTransient(error)).toBe(false)
    expect(error.details).toMatchObject({ provider: 'whatsapp', status: 400, providerCode: 132001 })
  })

  it('refuses a bad channel config or number without calling Graph', async () => {
    const config = await failure(
      deliverNotification(notification(), target({ whatsapp: { ...whatsapp, phoneNumberId: 'x' } })),
    )
    expect(config.code).toBe('config_invalid')
    expect(isTransient(config)).toBe(false)
    const number = await failure(deliverNotification(notification(), target({ to: 'dana' })))
    expect(isTransient(number)).toBe(false)
    expect(graph.requests).toHaveLength(0)
  })
})

interface ReceivedWebhook {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

interface WebhookReply {
  status: number
  body?: string
  headers?: Record<string, string>
  delayMs?: number
}

describe('webhook', () => {
  const secret = 'whsec_5f2b9c1e8a7d4f3b'
  const received: ReceivedWebhook[] = []
  const replies: WebhookReply[] = []
  let url: string
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    received.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    })
    const reply = replies.shift() ?? { status: 204 }
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, reply.delayMs)
        req.socket.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      if (req.socket.destroyed) return
    }
    res.writeHead(reply.status, reply.headers)
    res.end(reply.body ?? '')
  })

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/atlas?token=abc`
  })
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  beforeEach(() => {
    received.length = 0
    replies.length = 0
  })

  const target = (over: object = {}): NotificationTarget => ({ channel: 'webhook', url, secret, ...over })

  it('posts the JSON payload with the event, delivery, timestamp and signature headers', async () => {
    const before = Math.floor(Date.now() / 1000)
    const receipt = await deliverNotification(notification(), target())
    const after = Math.floor(Date.now() / 1000)
    expect(receipt).toEqual({ channel: 'webhook', providerMessageId: null })
    expect(received).toHaveLength(1)
    const [request] = received
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe('/hooks/atlas?token=abc')
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.headers['user-agent']).toBe('AtlasDesk-Webhooks/1')
    expect(request!.headers['x-atlas-event']).toBe('escalation')
    expect(request!.headers['x-atlas-delivery']).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7')
    const timestamp = Number(request!.headers['x-atlas-timestamp'])
    expect(timestamp).toBeGreaterThanOrEqual(before)
    expect(timestamp).toBeLessThanOrEqual(after)
    expect(request!.headers['x-atlas-signature']).toMatch(/^sha256=[0-9a-f]{64}$/)
    expect(JSON.parse(request!.body)).toEqual({
      id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      kind: 'escalation',
      title: 'Sam Smith asked for a person',
      body: 'Sam cannot log in after resetting the password.\nThe assistant handed over after two tries.',
      url: 'https://desk.example/app/tickets/TKT-10042',
      ticketNumber: 'TKT-10042',
      createdAt: '2025-06-08T14:03:11.250Z',
      data: { conversationId: 'c0a8012e-0000-4000-8000-000000000001', priority: 'high' },
    })
  })

  it('the signature verifies, and a tampered body, wrong secret or stale timestamp does not', async () => {
    await deliverNotification(notification(), target())
    const [request] = received
    const headers = {
      timestamp: request!.headers['x-atlas-timestamp'] as string,
      signature: request!.headers['x-atlas-signature'] as string,
    }
    const sentAt = new Date(Number(headers.timestamp) * 1000)
    expect(verifyWebhookSignature(request!.body, headers, secret)).toBe(true)
    expect(verifyWebhookSignature(request!.body, headers, secret, new Date(sentAt.getTime() + 299_000))).toBe(
      true,
    )

    const tampered = request!.body.replace('"priority":"high"', '"priority":"low"')
    expect(tampered).not.toBe(request!.body)
    expect(verifyWebhookSignature(tampered, headers, secret)).toBe(false)
    expect(verifyWebhookSignature(request!.body, headers, 'whsec_someone_else_1234')).toBe(false)
    expect(verifyWebhookSignature(request!.body, headers, '')).toBe(false)
    // A captured request replayed six minutes later, or dated ahead to outlive the window.
    expect(verifyWebhookSignature(request!.body, headers, secret, new Date(sentAt.getTime() + 301_000))).toBe(
      false,
    )
    expect(verifyWebhookSignature(request!.body, headers, secret, new Date(sentAt.getTime() - 301_000))).toBe(
      false,
    )
    expect(
      verifyWebhookSignature(request!.body, headers, secret, new Date(sentAt.getTime() + 600_000), 900),
    ).toBe(true)
    // The timestamp is signed: moving it forward breaks the signature.
    const moved = { ...headers, timestamp: String(Number(headers.timestamp) + 1) }
    expect(verifyWebhookSignature(request!.body, moved, secret)).toBe(false)
    expect(verifyWebhookSignature(request!.body, { ...headers, signature: 'sha256=abc' }, secret)).toBe(false)
    expect(verifyWebhookSignature(request!.body, { ...headers, timestamp: 'soon' }, secret)).toBe(false)
    // Hex digits in either case, as receivers' libraries print them.
    expect(
      verifyWebhookSignature(
        request!.body,
        { ...headers, signature: `sha256=${headers.signature.slice(7).toUpperCase()}` },
        secret,
      ),
    ).toBe(true)
  })

  it('a retry is the same delivery with a fresh signature', async () => {
    await deliverNotification(notification(), target())
    await deliverNotification(notification(), target())
    expect(received.map((r) => r.headers['x-atlas-delivery'])).toEqual([
      '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    ])
    expect(received[0]!.body).toBe(received[1]!.body)
  })

  it.each([
    [200, true],
    [201, true],
    [202, true],
  ])('HTTP %i is success', async (status) => {
    replies.push({ status, body: '{"ok":true}' })
    await expect(deliverNotification(notification(), target())).resolves.toEqual({
      channel: 'webhook',
      providerMessageId: null,
    })
  })

  it.each([503, 500, 502, 408, 429])('HTTP %i is transient', async (status) => {
    replies.push({ status, body: 'upstream busy', headers: { 'retry-after': '30' } })
    const error = await failure(deliverNotification(notification(), target()))
    expect(isTransient(error)).toBe(true)
    expect(error.code).toBe('unavailable')
    expect(error.details).toMatchObject({
      provider: 'webhook',
      status,
      providerMessage: 'upstream busy',
      retryAfterSeconds: 30,
    })
    // The path and query may carry a token: messages name the origin only.
    expect(error.message).not.toContain('token=abc')
  })

  it.each([404, 400, 410, 422])('HTTP %i is permanent', async (status) => {
    replies.push({ status, body: 'Not Found' })
    const error = await failure(deliverNotification(notification(), target()))
    expect(isTransient(error)).toBe(false)
    expect(error.code).toBe('bad_request')
    expect(error.message).toContain(`HTTP ${status}`)
    expect(error.details).toMatchObject({ provider: 'webhook', transient: false, status })
  })

  it('HTTP 401 is permanent and points at the secret', async () => {
    replies.push({ status: 401, body: 'bad signature' })
    const error = await failure(deliverNotification(notification(), target()))
    expect(isTransient(error)).toBe(false)
    expect(error.code).toBe('config_invalid')
    expect(error.message).toContain('same secret')
  })

  it('a redirect is not followed and is permanent', async () => {
    replies.push({ status: 301, headers: { location: 'https://elsewhere.example/hook' } })
    const error = await failure(deliverNotification(notification(), target()))
    expect(received).toHaveLength(1)
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain('https://elsewhere.example/hook')
  })

  it('a timeout is transient', async () => {
    replies.push({ status: 200, delayMs: 2000 })
    const started = Date.now()
    const error = await failure(deliverNotification(notification(), target(), { timeoutMs: 150 }))
    expect(Date.now() - started).toBeLessThan(1500)
    expect(isTransient(error)).toBe(true)
    expect(error.message).toContain('did not answer within 150 ms')
  })

  it('a receiver that cannot be reached is transient', async () => {
    const error = await failure(
      deliverNotification(notification(), target({ url: 'http://127.0.0.1:9/hook' }), { timeoutMs: 2000 }),
    )
    expect(isTransient(error)).toBe(true)
    expect(error.message).toContain('could not be reached')
  })

  it.each([
    ['ftp://files.example/hook', 'must be http(s)'],
    ['file:///etc/passwd', 'must be http(s)'],
    ['javascript:alert(1)', 'must be http(s)'],
    ['not a url', 'not a valid URL'],
  ])('refuses %s before sending, permanently', async (bad, expected) => {
    const error = await failure(deliverNotification(notification(), target({ url: bad })))
    expect(isTransient(error)).toBe(false)
    expect(error.code).toBe('config_invalid')
    expect(error.message).toContain(expected)
    expect(received).toHaveLength(0)
  })

  it('refuses to sign with an empty secret', async () => {
    const error = await failure(deliverNotification(notification(), target({ secret: '' })))
    expect(isTransient(error)).toBe(false)
    expect(received).toHaveLength(0)
  })

  it('posts through the given fetch', async () => {
    const seen: string[] = []
    const recording: typeof fetch = (input, init) => {
      seen.push(String(input))
      return fetch(input, init)
    }
    await deliverNotification(notification(), target(), { fetch: recording })
    expect(seen).toEqual([url])
    expect(received).toHaveLength(1)
  })
})

describe('deliverNotification', () => {
  it('refuses a channel it does not deliver to, permanently', async () => {
    const error = await failure(
      deliverNotification(notification(), { channel: 'dashboard' } as unknown as NotificationTarget),
    )
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain('"dashboard"')
  })
})
