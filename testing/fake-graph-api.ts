// A fake Meta Graph API for tests: a real HTTP server on 127.0.0.1 speaking the Cloud API and Send
// API wire formats (WhatsApp messages and media, Messenger/Instagram `me/messages`), checking the
// access token like Graph does, and recording every request so tests can assert what was sent.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeGraphRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  body: string
  /** The body parsed as JSON, or undefined. */
  json: unknown
  /** The HTTP status it was answered with; undefined while pending, or when the connection was dropped. */
  status?: number | undefined
}

/** Graph's error object, answered with the given HTTP status. */
export interface FakeGraphError {
  status: number
  code: number
  message: string
  subcode?: number
  type?: string
  details?: string
  isTransient?: boolean
}

export type FakeGraphReply =
  | { status: number; json?: unknown; body?: string | Uint8Array; headers?: Record<string, string> }
  | { graphError: FakeGraphError }
  | { disconnect: true }
  | { delayMs: number; then?: FakeGraphReply }
  /** Graph's normal answer, after `latencyMs` (a slow provider). */
  | { latencyMs: number }
  /** Decides per request; `undefined` gives Graph's normal answer. */
  | ((request: FakeGraphRequest) => FakeGraphReply | undefined)

export interface FakeMedia {
  bytes: Uint8Array
  mimeType: string
  /** What Graph claims the size is (defaults to the real size): lets a test send more than it says. */
  reportedSize?: number | undefined
  /** Omit Content-Length on the download (chunked), as a streaming server may. */
  chunked?: boolean | undefined
}

export interface FakeGraphApi {
  /** The graphBase to configure: `http://127.0.0.1:<port>`. */
  readonly url: string
  /** The token Graph accepts (bearer or `access_token` query); anything else gets error 190. */
  readonly accessToken: string
  readonly requests: FakeGraphRequest[]
  /** Answers the next requests with these, in order, before the default behaviour. */
  enqueue(...replies: FakeGraphReply[]): void
  /**
   * An outage until `up()`: every request gets `reply` (a 503, a dropped connection …), or with
   * `'refuse'` the port stops listening, so senders see ECONNREFUSED.
   */
  down(reply: FakeGraphReply | 'refuse'): Promise<void>
  /** Ends an outage: the same port listens again and answers normally. */
  up(): Promise<void>
  addMedia(id: string, media: FakeMedia): void
  close(): Promise<void>
}

export async function startFakeGraphApi(accessToken = 'EAAG-test-token'): Promise<FakeGraphApi> {
  const queue: FakeGraphReply[] = []
  const requests: FakeGraphRequest[] = []
  const media = new Map<string, FakeMedia>()
  let sequence = 0
  let url = ''
  let outage: FakeGraphReply | undefined

  function sendGraphError(res: ServerResponse, error: FakeGraphError) {
    sendJson(res, error.status, {
      error: {
        message: error.message,
        type: error.type ?? 'OAuthException',
        code: error.code,
        ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
        ...(error.details ? { error_data: { messaging_product: 'whatsapp', details: error.details } } : {}),
        ...(error.isTransient !== undefined ? { is_transient: error.isTransient } : {}),
        fbtrace_id: `AbCdEf${sequence}`,
      },
    })
  }

  async function answer(
    reply: FakeGraphReply | undefined,
    request: FakeGraphRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (reply === undefined) return defaultAnswer(request, req, res)
    if (typeof reply === 'function') return answer(reply(request), request, req, res)
    if ('disconnect' in reply) {
      req.socket.destroy()
      return
    }
    if ('latencyMs' in reply) {
      await waitUnlessClosed(req, reply.latencyMs)
      if (req.socket.destroyed) return
      return defaultAnswer(request, req, res)
    }
    if ('delayMs' in reply) {
      await waitUnlessClosed(req, reply.delayMs)
      if (req.socket.destroyed) return
      return answer(reply.then ?? { status: 200, json: {} }, request, req, res)
    }
    if ('graphError' in reply) return sendGraphError(res, reply.graphError)
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
    res.end(reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)))
  }

  function tokenOf(req: IncomingMessage, query: Record<string, string>): string | undefined {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
    return bearer?.[1] ?? query.access_token
  }

  function defaultAnswer(request: FakeGraphRequest, req: IncomingMessage, res: ServerResponse) {
    if (tokenOf(req, request.query) !== accessToken) {
      return sendGraphError(res, {
        status: 401,
        code: 190,
        message: 'Invalid OAuth access token - Cannot parse access token',
      })
    }
    const download = /^\/whatsapp_business\/attachments\/$/.test(request.path)
    if (download && request.method === 'GET') return sendMedia(res, request.query.mid)
    const messages = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(request.path)
    if (messages && request.method === 'POST') return sendMessageAnswer(request, messages[1]!, res)
    const object = /^\/v\d+\.\d+\/([^/]+)$/.exec(request.path)
    if (object && request.method === 'GET') return sendMediaInfo(res, object[1]!)
    return sendGraphError(res, {
      status: 400,
      code: 100,
      message: `Unknown path components: ${request.path}`,
    })
  }

  function sendMessageAnswer(request: FakeGraphRequest, node: string, res: ServerResponse) {
    const body = request.json as Record<string, unknown> | undefined
    sequence++
    if (body?.messaging_product === 'whatsapp') {
      if (typeof body.to !== 'string' || typeof body.type !== 'string' || !(body.type in body)) {
        return sendGraphError(res, {
          status: 400,
          code: 100,
          message: '(#100) Invalid parameter',
          details: 'The parameter to, type or its object is missing',
        })
      }
      return sendJson(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [
          {
            id: `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI${sequence}`,
            ...(body.type === 'template' ? { message_status: 'accepted' } : {}),
          },
        ],
      })
    }
    const recipient = (body?.recipient as { id?: unknown } | undefined)?.id
    if (node !== 'me' || typeof recipient !== 'string' || typeof body?.message !== 'object') {
      return sendGraphError(res, {
        status: 400,
        code: 100,
        message: '(#100) param recipient must be non-empty.',
      })
    }
    return sendJson(res, 200, { recipient_id: recipient, message_id: `m_fake-mid-${sequence}` })
  }

  function sendMediaInfo(res: ServerResponse, id: string) {
    const item = media.get(id)
    if (!item) {
      return sendGraphError(res, {
        status: 400,
        code: 100,
        subcode: 33,
        type: 'GraphMethodException',
        message: `Unsupported get request. Object with ID '${id}' does not exist`,
      })
    }
    sendJson(res, 200, {
      messaging_product: 'whatsapp',
      url: `${url}/whatsapp_business/attachments/?mid=${id}&ext=1700000000&hash=ATtest`,
      mime_type: item.mimeType,
      sha256: 'b1946ac92492d2347c6235b4d2611184',
      file_size: item.reportedSize ?? item.bytes.byteLength,
      id,
    })
  }

  function sendMedia(res: ServerResponse, id: string | undefined) {
    const item = id ? media.get(id) : undefined
    if (!item) {
      res.writeHead(404, { 'content-type': 'text/html' })
      res.end('<html>Not found</html>')
      return
    }
    const headers: Record<string, string> = { 'content-type': item.mimeType }
    if (!item.chunked) headers['content-length'] = String(item.bytes.byteLength)
    res.writeHead(200, headers)
    if (item.chunked) {
      // Several writes, so the client reads it as a stream of chunks.
      const step = Math.max(1, Math.ceil(item.bytes.byteLength / 4))
      for (let at = 0; at < item.bytes.byteLength; at += step) res.write(item.bytes.subarray(at, at + step))
    } else {
      res.write(item.bytes)
    }
    res.end()
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const parsed = new URL(req.url ?? '/', 'http://localhost')
    let json: unknown
    try {
      json = body ? JSON.parse(body) : undefined
    } catch {
      json = undefined
    }
    const request: FakeGraphRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      body,
      json,
    }
    requests.push(request)
    res.once('finish', () => {
      request.status = res.statusCode
    })
    const scripted = outage ?? queue.shift()
    if (scripted) await answer(scripted, request, req, res)
    else defaultAnswer(request, req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  url = `http://127.0.0.1:${port}`
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })

  return {
    url,
    accessToken,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    addMedia: (id, item) => media.set(id, item),
    async down(reply) {
      if (reply !== 'refuse') {
        outage = reply
        return
      }
      outage = undefined
      if (server.listening) await stopListening()
    },
    async up() {
      outage = undefined
      if (!server.listening) {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject)
          server.listen(port, '127.0.0.1', () => {
            server.off('error', reject)
            resolve()
          })
        })
      }
    },
    close: async () => {
      if (server.listening) await stopListening()
    },
  }
}

/** Waits `ms`, or less if the client hangs up first (nobody would read the answer). */
function waitUnlessClosed(req: IncomingMessage, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const closed = () => {
      clearTimeout(timer)
      resolve()
    }
    // Keep-alive sockets carry many requests: each takes its listener off again.
    const timer = setTimeout(() => {
      req.socket.off('close', closed)
      resolve()
    }, ms)
    req.socket.once('close', closed)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
  res.end(JSON.stringify(body))
}
