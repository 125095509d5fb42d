// A fake OpenAI-compatible transcription endpoint for tests: a real HTTP server on 127.0.0.1 that
// reads the multipart upload of `POST /v1/audio/transcriptions` and answers `{ text }`, an OpenAI
// error object, a delay or a dropped connection, recording what it received.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeTranscriptionRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The text fields of the form (`model`, `response_format`, `language` …). */
  fields: Record<string, string>
  file: { name: string; type: string; bytes: Uint8Array } | undefined
}

export type FakeTranscriptionReply =
  | { text: string }
  | { status: number; message: string; code?: string; type?: string }
  | { raw: string; status?: number }
  | { delayMs: number }
  | { disconnect: true }

export interface FakeTranscriptionApi {
  /** The baseURL to configure, including `/v1`. */
  readonly url: string
  readonly requests: FakeTranscriptionRequest[]
  enqueue(...replies: FakeTranscriptionReply[]): void
  close(): Promise<void>
}

export async function startFakeTranscriptionApi(): Promise<FakeTranscriptionApi> {
  const queue: FakeTranscriptionReply[] = []
  const requests: FakeTranscriptionRequest[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const fields: Record<string, string> = {}
    let file: FakeTranscriptionRequest['file']
    try {
      // Let the platform's own multipart parser read the body, exactly as a server framework would.
      const form = await new Request('http://fake/upload', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      }).formData()
      for (const [key, value] of form) {
        if (typeof value === 'string') fields[key] = value
        else file = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) }
      }
    } catch {
      // Not multipart: recorded with no fields, and answered 400 below.
    }
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, fields, file })
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.url !== '/v1/audio/transcriptions' || req.method !== 'POST') {
      return json(404, {
        error: { message: `Unknown route ${req.method} ${req.url}`, type: 'invalid_request_error' },
      })
    }
    if (!file || !fields.model) {
      return json(400, {
        error: { message: "you must provide a 'file' and a 'model'", type: 'invalid_request_error' },
      })
    }
    const reply = queue.shift() ?? { text: 'Hello, I would like to change my delivery address.' }
    if ('disconnect' in reply) return req.socket.destroy()
    if ('delayMs' in reply) {
      const timer = setTimeout(() => json(200, { text: 'too late' }), reply.delayMs)
      req.socket.once('close', () => clearTimeout(timer))
      return
    }
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' })
      return res.end(reply.raw)
    }
    if ('status' in reply) {
      return json(reply.status, {
        error: {
          message: reply.message,
          type: reply.type ?? 'invalid_request_error',
          param: null,
          code: reply.code ?? null,
        },
      })
    }
    return json(200, { text: reply.text, usage: { type: 'duration', seconds: 3 } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
