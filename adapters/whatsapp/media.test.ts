import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { isTransient } from './index.ts'
import { downloadWhatsAppMedia } from './media.ts'

let graph: FakeGraphApi
let config: Record<string, unknown>
const OGG = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0x00, 0x02, ...Array(2000).fill(7)])

beforeAll(async () => {
  graph = await startFakeGraphApi()
  config = { phoneNumberId: '106540352242922', accessToken: graph.accessToken, graphBase: graph.url }
  graph.addMedia('1003383421387256', { bytes: OGG, mimeType: 'audio/ogg; codecs=opus' })
  graph.addMedia('2000', {
    bytes: new Uint8Array(4096),
    mimeType: 'image/jpeg',
    reportedSize: 100,
    chunked: true,
  })
})
afterAll(() => graph.close())
beforeEach(() => {
  graph.requests.length = 0
})

async function failure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

describe('WhatsApp media download', () => {
  it('asks Graph for the URL, then downloads the bytes with the same token', async () => {
    const media = await downloadWhatsAppMedia('1003383421387256', config)
    expect(media.bytes).toEqual(OGG)
    expect(media.mimeType).toBe('audio/ogg; codecs=opus')
    expect(media.size).toBe(OGG.byteLength)
    expect(graph.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/v21.0/1003383421387256', `Bearer ${graph.accessToken}`],
      ['GET', '/whatsapp_business/attachments/', `Bearer ${graph.accessToken}`],
    ])
  })

  it('refuses media Graph says is over the limit, without downloading it', async () => {
    const error = await failure(downloadWhatsAppMedia('1003383421387256', config, { maxBytes: 1000 }))
    expect(error.code).toBe('payload_too_large')
    expect(error.message).toBe('WhatsApp media 1003383421387256 is 2006 bytes, over the 1000-byte limit')
    expect(isTransient(error)).toBe(false)
    expect(graph.requests).toHaveLength(1)
  })

  it('stops reading a download that grows past the limit', async () => {
    const error = await failure(downloadWhatsAppMedia('2000', config, { maxBytes: 1000 }))
    expect(error.code).toBe('payload_too_large')
    expect(error.message).toContain('larger than the 1000-byte limit')
  })

  it('reports an unknown media id as a permanent error', async () => {
    const error = await failure(downloadWhatsAppMedia('999', config))
    expect(error.code).toBe('bad_request')
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain("Object with ID '999' does not exist")
  })

  it('treats an expired download link as worth retrying', async () => {
    graph.enqueue({
      status: 200,
      json: {
        url: `${graph.url}/whatsapp_business/attachments/?mid=gone`,
        mime_type: 'image/jpeg',
        file_size: 10,
      },
    })
    const error = await failure(downloadWhatsAppMedia('1003383421387256', config))
    expect(isTransient(error)).toBe(true)
    expect(error.message).toContain('the link expired')
  })

  it('refuses a media id that could change the request path', async () => {
    const error = await failure(downloadWhatsAppMedia('../me/messages', config))
    expect(error.code).toBe('bad_request')
    expect(graph.requests).toHaveLength(0)
  })
})
