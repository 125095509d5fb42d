import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import type { OutboundMessage } from '../types.ts'
import { instagramAdapter, isTransient, messengerAdapter } from './index.ts'

let graph: FakeGraphApi
let config: Record<string, unknown>

beforeAll(async () => {
  graph = await startFakeGraphApi('EAAPage-token')
  config = { pageAccessToken: graph.accessToken, graphBase: graph.url, timeoutMs: 2000 }
})
afterAll(() => graph.close())
beforeEach(() => {
  graph.requests.length = 0
})

const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: 'msg-1',
  body: 'We are open 10–4 on Sundays.',
  citations: [{ title: 'Opening hours', url: 'https://shop.example.com/hours' }],
  to: { kind: 'messenger', value: '6912345678901234' },
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

const outsideWindow = {
  graphError: {
    status: 400,
    code: 10,
    subcode: 2018278,
    message: '(#10) This message is sent outside of allowed window.',
  },
}

describe('Messenger send', () => {
  it('posts to me/messages with the page token in the query and returns the message id', async () => {
    const result = await messengerAdapter.send(message(), config)
    expect(result.providerMessageId).toMatch(/^m_/)
    const [request] = graph.requests
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe('/v21.0/me/messages')
    expect(request!.query).toEqual({ access_token: 'EAAPage-token' })
    expect(request!.json).toEqual({
      recipient: { id: '6912345678901234' },
      messaging_type: 'RESPONSE',
      message: {
        text: 'We are open 10–4 on Sundays.\n\nSources:\n- Opening hours: https://shop.example.com/hours',
      },
    })
  })

  it('sends attachments by URL after the text', async () => {
    await messengerAdapter.send(
      message({
        citations: [],
        attachments: [{ filename: 'map.png', mimeType: 'image/png', url: 'https://cdn.example.com/map.png' }],
      }),
      config,
    )
    expect(graph.requests.map((r) => (r.json as { message: unknown }).message)).toEqual([
      { text: 'We are open 10–4 on Sundays.' },
      {
        attachment: { type: 'image', payload: { url: 'https://cdn.example.com/map.png', is_reusable: true } },
      },
    ])
  })

  it('refuses a reply outside the 24-hour window as permanent', async () => {
    graph.enqueue(outsideWindow)
    const error = await failure(messengerAdapter.send(message(), config))
    expect(isTransient(error)).toBe(false)
    expect(error.code).toBe('window_closed')
    expect(error.message).toContain('outside the 24-hour messaging window')
    expect(graph.requests).toHaveLength(1)
  })

  it('resends it tagged HUMAN_AGENT when the channel allows', async () => {
    graph.enqueue(outsideWindow)
    await messengerAdapter.send(message(), { ...config, humanAgentTag: true })
    expect(graph.requests.map((r) => r.json)).toMatchObject([
      { messaging_type: 'RESPONSE' },
      { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
    ])
  })

  it('a 5xx is transient; an expired token is a configuration problem', async () => {
    graph.enqueue({
      graphError: { status: 500, code: 2, message: 'Service temporarily unavailable', isTransient: true },
    })
    expect(isTransient(await failure(messengerAdapter.send(message(), config)))).toBe(true)
    const expired = await failure(messengerAdapter.send(message(), { ...config, pageAccessToken: 'old' }))
    expect(expired.code).toBe('config_invalid')
    // The token travels in the query string: it must never appear in an error.
    expect(expired.message).not.toContain('old')
    expect(JSON.stringify(expired.details)).not.toContain('access_token')
  })

  it('refuses what the Send API cannot deliver', async () => {
    const wrongKind = await failure(
      messengerAdapter.send(message({ to: { kind: 'instagram', value: '1' } }), config),
    )
    expect(wrongKind.message).toContain('cannot send to a instagram identity')
    const template = await failure(
      messengerAdapter.send(message({ template: { name: 't', language: 'en', parameters: [] } }), config),
    )
    expect(template.message).toContain('no message templates')
    expect(graph.requests).toHaveLength(0)
  })
})

describe('Instagram send', () => {
  it('uses the same endpoint and splits text at 1000 UTF-8 bytes', async () => {
    const body = 'Grüße! '.repeat(300)
    await instagramAdapter.send(
      message({ body, citations: [], to: { kind: 'instagram', value: '1254459154682919' } }),
      config,
    )
    expect(graph.requests.length).toBeGreaterThan(2)
    for (const request of graph.requests) {
      expect(request.path).toBe('/v21.0/me/messages')
      const json = request.json as { recipient: { id: string }; message: { text: string } }
      expect(json.recipient.id).toBe('1254459154682919')
      expect(Buffer.byteLength(json.message.text)).toBeLessThanOrEqual(1000)
    }
  })

  it('uses the Instagram outside-window subcode for the HUMAN_AGENT retry too', async () => {
    graph.enqueue({
      graphError: { status: 400, code: 10, subcode: 2534022, message: 'outside of allowed window' },
    })
    await instagramAdapter.send(message({ to: { kind: 'instagram', value: '125' } }), {
      ...config,
      humanAgentTag: true,
    })
    expect((graph.requests[1]!.json as { tag: string }).tag).toBe('HUMAN_AGENT')
  })
})
