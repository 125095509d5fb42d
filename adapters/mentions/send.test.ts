import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { isTransient } from '../shared/provider-error.ts'
import type { OutboundMessage } from '../types.ts'
import { mentionsAdapter, signBody } from './index.ts'

const SECRET = 'mentions-secret-0123456789'
const REPLY: OutboundMessage = {
  id: 'msg-1',
  body: 'Sorry about that! We have sent you a DM.',
  citations: [],
  to: { kind: 'social', value: 'twitter:samsmith' },
  replyTo: { providerMessageId: 'twitter:1765012345678901234', url: 'https://x.com/samsmith/status/1' },
}

interface Received {
  headers: IncomingMessage['headers']
  body: string
}

let received: Received[] = []
let answer: (res: ServerResponse) => void = (res) => res.end()
let server: ReturnType<typeof createServer>
let replyUrl = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      answer(res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  replyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/replies`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function json(status: number, body: unknown) {
  return (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
}

async function failure(config: Record<string, unknown>): Promise<AtlasError> {
  const error = await mentionsAdapter.send(REPLY, config).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

describe('mentions send', () => {
  it('posts an approved reply to replyUrl, signed, and keeps the posted reply id', async () => {
    received = []
    answer = json(201, { id: '1765099999999999999', url: 'https://x.com/acme/status/1765099999999999999' })
    const result = await mentionsAdapter.send(REPLY, { webhookSecret: SECRET, replyUrl })
    expect(result).toEqual({ providerMessageId: 'twitter:1765099999999999999' })
    expect(received).toHaveLength(1)
    const [request] = received
    expect(request!.headers['x-atlas-signature']).toBe(signBody(SECRET, request!.body))
    expect(request!.headers['idempotency-key']).toBe('msg-1')
    expect(JSON.parse(request!.body)).toEqual({
      id: 'msg-1',
      source: 'twitter',
      inReplyTo: '1765012345678901234',
      inReplyToUrl: 'https://x.com/samsmith/status/1',
      author: { handle: 'samsmith' },
      text: 'Sorry about that! We have sent you a DM.',
    })
  })

  it('without replyUrl refuses for good, saying a person posts it from the source tool', async () => {
    const error = await failure({ webhookSecret: SECRET })
    expect(error.code).toBe('forbidden')
    expect(error.message).toContain('posted by a person from the source tool (twitter)')
    expect(isTransient(error)).toBe(false)
  })

  it('retries a busy endpoint and not a refusal', async () => {
    answer = json(503, { error: 'busy' })
    expect(isTransient(await failure({ webhookSecret: SECRET, replyUrl }))).toBe(true)
    answer = json(400, { error: 'text too long' })
    const refused = await failure({ webhookSecret: SECRET, replyUrl })
    expect(isTransient(refused)).toBe(false)
    expect(refused.message).toContain('HTTP 400')
  })

  it('does not retry a success without a reply id: it may have been posted', async () => {
    answer = json(200, { ok: true })
    const error = await failure({ webhookSecret: SECRET, replyUrl })
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain('{"id": "<posted reply id>"}')
  })

  it('refuses a channel configured without a proper secret', async () => {
    const error = await failure({ webhookSecret: 'short', replyUrl })
    expect(error.code).toBe('config_invalid')
  })
})
