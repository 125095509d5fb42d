import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { type FakeTranscriptionApi, startFakeTranscriptionApi } from '../../testing/fake-transcription-api.ts'
import { isTransient, type TranscriptionOptions, transcribe } from './index.ts'

let api: FakeTranscriptionApi
let options: TranscriptionOptions
const VOICE = new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...Array(512).fill(1)])

beforeAll(async () => {
  api = await startFakeTranscriptionApi()
  options = {
    baseURL: api.url,
    apiKey: 'sk-test',
    model: 'whisper-1',
    filename: 'voice.ogg',
    mimeType: 'audio/ogg; codecs=opus',
    timeoutMs: 2000,
  }
})
afterAll(() => api.close())
beforeEach(() => {
  api.requests.length = 0
})

async function failure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

describe('transcription', () => {
  it('uploads the audio as multipart with the model and returns the text', async () => {
    api.enqueue({ text: ' Where is my order? ' })
    expect(await transcribe(VOICE, options)).toEqual({ text: 'Where is my order?' })
    const [request] = api.requests
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe('/v1/audio/transcriptions')
    expect(request!.headers.authorization).toBe('Bearer sk-test')
    expect(request!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(request!.fields).toEqual({ model: 'whisper-1', response_format: 'json' })
    expect(request!.file).toEqual({ name: 'voice.ogg', type: 'audio/ogg; codecs=opus', bytes: VOICE })
  })

  it('names the file after its MIME type when no usable filename is given, and passes a language hint', async () => {
    await transcribe(VOICE, { ...options, filename: undefined, language: 'de' })
    await transcribe(VOICE, { ...options, filename: '1003383421387256', mimeType: 'audio/mpeg' })
    expect(api.requests.map((r) => r.file!.name)).toEqual(['audio.ogg', '1003383421387256.mp3'])
    expect(api.requests[0]!.fields.language).toBe('de')
  })

  it.each([
    [{ status: 429, message: 'Rate limit reached for whisper-1' }, 'model_rate_limited', true],
    [{ status: 503, message: 'The server is overloaded' }, 'model_unavailable', true],
    [
      { status: 429, message: 'You exceeded your current quota', code: 'insufficient_quota' },
      'config_invalid',
      false,
    ],
    [{ status: 401, message: 'Incorrect API key provided' }, 'config_invalid', false],
    [{ status: 400, message: 'Invalid file format.' }, 'bad_request', false],
    [{ raw: '<html>oops</html>' }, 'model_malformed_output', false],
    [{ disconnect: true as const }, 'model_unavailable', true],
  ])('maps %j to %s (transient: %s)', async (reply, code, transient) => {
    api.enqueue(reply)
    const error = await failure(transcribe(VOICE, options))
    expect(error.code).toBe(code)
    expect(isTransient(error)).toBe(transient)
    if ('message' in reply) expect(error.message).toContain(reply.message)
  })

  it('gives up after its timeout', async () => {
    api.enqueue({ delayMs: 1000 })
    const error = await failure(transcribe(VOICE, { ...options, timeoutMs: 100 }))
    expect(error.code).toBe('model_timeout')
    expect(error.message).toContain('did not answer within 100 ms')
    expect(isTransient(error)).toBe(true)
  })

  it('refuses empty audio and bad options before calling out', async () => {
    expect((await failure(transcribe(new Uint8Array(0), options))).message).toContain('empty')
    const bad = await failure(transcribe(VOICE, { ...options, baseURL: 'not a url', model: '' }))
    expect(bad.code).toBe('config_invalid')
    expect(bad.message).toContain('baseURL: must be an http(s) URL')
    expect(bad.message).toContain('model')
    expect(api.requests).toHaveLength(0)
  })
})
