import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import type { OutboundMessage } from '../types.ts'
import { isTransient } from './index.ts'
import { sendWhatsAppMessage } from './send.ts'

let graph: FakeGraphApi
let config: Record<string, unknown>

beforeAll(async () => {
  graph = await startFakeGraphApi()
  config = {
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

const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11',
  body: 'You can reset your password from Settings → Security.',
  citations: [],
  to: { kind: 'whatsapp', value: '16505551234' },
  ...over,
})

async function failure(promise: Promise<unknown>): Promise<AtlasError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AtlasError)
    return error as AtlasError
  }
  throw new Error('expected the send to fail')
}

describe('WhatsApp send', () => {
  it('posts a text message with the bearer token and returns the wamid', async () => {
    const result = await sendWhatsAppMessage(
      message({ citations: [{ title: 'Resetting your password', url: 'https://help.example.com/reset' }] }),
      config,
    )
    expect(result.providerMessageId).toMatch(/^wamid\./)
    expect(graph.requests).toHaveLength(1)
    const [request] = graph.requests
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe('/v21.0/106540352242922/messages')
    expect(request!.headers.authorization).toBe(`Bearer ${graph.accessToken}`)
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      biz_opaque_callback_data: '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11',
      type: 'text',
      text: {
        body: 'You can reset your password from Settings → Security.\n\nSources:\n- Resetting your password: https://help.example.com/reset',
        preview_url: false,
      },
    })
  })

  it('sends an approved template with body parameters', async () => {
    await sendWhatsAppMessage(
      message({ template: { name: 'ticket_update', language: 'en_US', parameters: ['Sam', '#1042'] } }),
      { ...config, apiVersion: 'v22.0' },
    )
    const [request] = graph.requests
    expect(request!.path).toBe('/v22.0/106540352242922/messages')
    expect(request!.json).toMatchObject({
      type: 'template',
      template: {
        name: 'ticket_update',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Sam' },
              { type: 'text', text: '#1042' },
            ],
          },
        ],
      },
    })
  })

  it('sends media by link, the text as the caption of the first', async () => {
    const result = await sendWhatsAppMessage(
      message({
        body: 'Here is the label',
        attachments: [
          { filename: 'label.png', mimeType: 'image/png', url: 'https://cdn.example.com/label.png' },
          { filename: 'terms.pdf', mimeType: 'application/pdf', url: 'https://cdn.example.com/terms.pdf' },
          { filename: 'hello.mp3', mimeType: 'audio/mpeg', url: 'https://cdn.example.com/hello.mp3' },
          { filename: 'how-to.mp4', mimeType: 'video/mp4', url: 'https://cdn.example.com/how-to.mp4' },
        ],
      }),
      config,
    )
    expect(graph.requests.map((r) => r.json)).toMatchObject([
      { type: 'image', image: { link: 'https://cdn.example.com/label.png', caption: 'Here is the label' } },
      { type: 'document', document: { link: 'https://cdn.example.com/terms.pdf', filename: 'terms.pdf' } },
      { type: 'audio', audio: { link: 'https://cdn.example.com/hello.mp3' } },
      { type: 'video', video: { link: 'https://cdn.example.com/how-to.mp4' } },
    ])
    // The reply is known by the id of its first message.
    expect(result.providerMessageId).toMatch(/^wamid\./)
  })

  it('sends the text first when the first attachment cannot carry it (audio)', async () => {
    await sendWhatsAppMessage(
      message({
        attachments: [{ filename: 'a.ogg', mimeType: 'audio/ogg', url: 'https://cdn.example.com/a.ogg' }],
      }),
      config,
    )
    expect(graph.requests.map((r) => (r.json as { type: string }).type)).toEqual(['text', 'audio'])
  })

  it('splits a text longer than 4096 characters', async () => {
    const paragraph = `${'word '.repeat(300).trim()}.`
    await sendWhatsAppMessage(message({ body: Array(5).fill(paragraph).join('\n\n') }), config)
    const bodies = graph.requests.map((r) => (r.json as { text: { body: string } }).text.body)
    // Five paragraphs of ~1500 characters: two fit in a message, the fifth goes alone.
    expect(bodies.length).toBe(3)
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(4096)
    expect(bodies.join('\n\n')).toBe(Array(5).fill(paragraph).join('\n\n'))
  })

  it('accepts a phone identity with a plus sign', async () => {
    await sendWhatsAppMessage(message({ to: { kind: 'phone', value: '+1 650-555-1234' } }), config)
    expect((graph.requests[0]!.json as { to: string }).to).toBe('16505551234')
  })
})

describe('WhatsApp send: errors', () => {
  it('131047 outside the 24-hour window is permanent and says to use a template', async () => {
    graph.enqueue({
      graphError: {
        status: 400,
        code: 131047,
        message: 'Re-engagement message',
        details:
          'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    })
    const error = await failure(sendWhatsAppMessage(message(), config))
    expect(isTransient(error)).toBe(false)
    expect(error.code).toBe('window_closed')
    expect(error.message).toContain('only an approved template may be sent')
    expect(error.details).toMatchObject({
      provider: 'whatsapp',
      transient: false,
      status: 400,
      providerCode: 131047,
    })
  })

  it('131026 undeliverable is permanent', async () => {
    graph.enqueue({ graphError: { status: 400, code: 131026, message: 'Message Undeliverable.' } })
    const error = await failure(sendWhatsAppMessage(message(), config))
    expect(isTransient(error)).toBe(false)
    expect(error.code).toBe('bad_request')
    expect(error.message).toContain('undeliverable')
  })

  it.each([
    ['HTTP 429', { graphError: { status: 429, code: 130429, message: 'Rate limit hit' } }],
    ['HTTP 500', { graphError: { status: 500, code: 1, message: 'An unknown error occurred' } }],
    ['HTTP 503 without a body', { status: 503, body: '' }],
    [
      'throughput limit sent as HTTP 400',
      { graphError: { status: 400, code: 80007, message: 'Rate limit issues' } },
    ],
    ['a dropped connection', { disconnect: true as const }],
  ])('%s is transient', async (_name, reply) => {
    graph.enqueue(reply)
    const error = await failure(sendWhatsAppMessage(message(), config))
    expect(isTransient(error)).toBe(true)
    expect(error.code).toBe('unavailable')
  })

  it('a timeout is transient', async () => {
    graph.enqueue({ delayMs: 1000 })
    const error = await failure(sendWhatsAppMessage(message(), { ...config, timeoutMs: 100 }))
    expect(isTransient(error)).toBe(true)
    expect(error.message).toContain('did not answer within 100 ms')
  })

  it('a server that cannot be reached is transient', async () => {
    const error = await failure(
      sendWhatsAppMessage(message(), { ...config, graphBase: 'http://127.0.0.1:9' }),
    )
    expect(isTransient(error)).toBe(true)
    expect(error.message).toContain('could not be reached')
  })

  it('a rejected token is a configuration problem, not retried', async () => {
    const error = await failure(sendWhatsAppMessage(message(), { ...config, accessToken: 'expired' }))
    expect(error.code).toBe('config_invalid')
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain('access token has expired')
    expect(error.message).not.toContain('expired"')
  })

  it('a success without a message id is not retried blindly', async () => {
    graph.enqueue({ status: 200, json: { messaging_product: 'whatsapp', messages: [] } })
    const error = await failure(sendWhatsAppMessage(message(), config))
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain('messages')
  })

  it.each([
    [
      { ...message(), to: { kind: 'email' as const, value: 'sam@example.com' } },
      'cannot send to a email identity',
    ],
    [message({ to: { kind: 'whatsapp', value: 'sam' } }), 'is not a WhatsApp id'],
    [
      message({
        attachments: [{ filename: 'x.pdf', mimeType: 'application/pdf', content: new Uint8Array(1) }],
      }),
      'by link',
    ],
    [message({ body: '  ' }), 'nothing'],
  ])('refuses what WhatsApp cannot send, before calling it (%#)', async (bad, expected) => {
    const error = await failure(sendWhatsAppMessage(bad, config))
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain(expected === 'nothing' ? 'no text, template or attachment' : expected)
    expect(graph.requests).toHaveLength(0)
  })

  it('rejects an invalid channel config naming the field', async () => {
    const error = await failure(
      sendWhatsAppMessage(message(), { ...config, phoneNumberId: '+1 555', apiVersion: '21' }),
    )
    expect(error.code).toBe('config_invalid')
    expect(error.message).toContain('phoneNumberId: must be the numeric phone number id')
    expect(error.message).toContain('apiVersion: must look like v21.0')
    expect(error.message).not.toContain(graph.accessToken)
  })
})
