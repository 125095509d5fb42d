// Social mentions end to end: a signed mention posted to the running app lands in the Community view
// (apart from private tickets), classified; the reply is drafted, never sent on the bot's own say;
// once a person approves it goes to the channel's reply endpoint (a local server here, signed the
// same way), and the tool's status report comes back.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signBody } from '../../adapters/shared/hmac-signature.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import {
  conversationOf,
  conversationView,
  outboundOf,
  postSigned,
  storedCounts,
} from '../../testing/webhooks.ts'

const SECRET = 'mentions-webhook-secret-for-tests'
const PATH = '/webhooks/mentions/mentions'
const HEADER = 'X-Atlas-Signature'

let replies: Server
const posted: Array<{ headers: IncomingHttpHeaders; body: string }> = []
let t: TestRuntime
let seq = 0

beforeAll(async () => {
  // The listening tool's reply endpoint: posts the reply, answers with its id at the source.
  replies = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      posted.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ id: `reply-${posted.length}` }))
    })
  })
  await new Promise<void>((resolve) => replies.listen(0, '127.0.0.1', resolve))
  t = await startTestRuntime({
    env: {
      ATLAS_DEMO_MENTIONS_SECRET: SECRET,
      ATLAS_DEMO_MENTIONS_REPLY_URL: `http://127.0.0.1:${(replies.address() as AddressInfo).port}/replies`,
    },
  })
})
afterAll(async () => {
  await t?.stop()
  await new Promise((resolve) => replies?.close(resolve))
})

function mention(text: string, handle = `user${++seq}`) {
  const id = `${Date.now()}${++seq}`
  return {
    id,
    body: {
      source: 'twitter',
      id,
      url: `https://x.com/${handle}/status/${id}`,
      author: { handle: `@${handle}`, name: handle },
      text,
      postedAt: new Date().toISOString(),
    },
  }
}

describe('a public mention end to end', () => {
  it('shows in the Community view, drafted for approval; approved, it goes to the reply endpoint and its status comes back', async () => {
    const { id, body } = mention('@quillstack how do I reset my password? the link never arrives', 'samsmith')
    const response = await postSigned(t, PATH, body, SECRET, HEADER)
    expect(response.status).toBe(200)
    const conversationId = await conversationOf(t, `twitter:${id}`)

    const v = await eventually(async () => {
      const view = await conversationView(t, conversationId)
      return view.decision ? view : undefined
    })
    // Drafted for a person, never posted by the bot.
    expect(v.decision).toMatchObject({ action: 'review' })
    expect(v.draft!.body).toContain('Forgot password?')
    expect(await outboundOf(t, conversationId)).toHaveLength(0)
    expect(posted).toHaveLength(0)

    const community = (await (await t.api('GET', '/v1/conversations?view=community')).json()) as {
      conversations: Array<{ id: string; community?: string }>
    }
    const listed = community.conversations.find((c) => c.id === conversationId)
    expect(listed?.community).toBe('question')
    const inbox = (await (await t.api('GET', '/v1/conversations')).json()) as {
      conversations: Array<{ id: string }>
    }
    expect(inbox.conversations.map((c) => c.id)).not.toContain(conversationId)

    // A person edits the draft for a public audience and sends it.
    const approve = await t.api('POST', `/v1/tickets/${v.ticket!.number}/draft/send`, {
      text: 'Hi Sam! Check your spam folder, or DM us your email and we will send a new link.',
    })
    expect(approve.status).toBe(200)
    const sent = await eventually(async () => posted[0])
    expect(sent.headers['x-atlas-signature']).toBe(signBody(SECRET, sent.body))
    expect(JSON.parse(sent.body)).toMatchObject({
      source: 'twitter',
      inReplyTo: id,
      inReplyToUrl: body.url,
      author: { handle: 'samsmith' },
      text: 'Hi Sam! Check your spam folder, or DM us your email and we will send a new link.',
    })
    const [reply] = await eventually(async () => {
      const rows = await outboundOf(t, conversationId)
      return rows[0]?.deliveryStatus === 'sent' ? rows : undefined
    })
    expect(reply!.providerMessageId).toBe('twitter:reply-1')

    const status = await postSigned(
      t,
      PATH,
      { statuses: [{ source: 'twitter', id: 'reply-1', status: 'delivered', at: new Date().toISOString() }] },
      SECRET,
      HEADER,
    )
    expect(await status.json()).toMatchObject({ statuses: { applied: 1 } })
    expect((await outboundOf(t, conversationId))[0]!.deliveryStatus).toBe('delivered')
  })

  it('stores a mention delivered three times once', async () => {
    const { id, body } = mention('@quillstack love the new editor, great work!')
    for (let i = 0; i < 3; i++) expect((await postSigned(t, PATH, body, SECRET, HEADER)).status).toBe(200)
    const conversationId = await conversationOf(t, `twitter:${id}`)
    await eventually(async () => ((await conversationView(t, conversationId)).decision ? true : undefined))
    const v = await conversationView(t, conversationId)
    expect(v.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1)
    expect(v.messages.filter((m) => m.direction === 'outbound')).toHaveLength(0)
  })

  it('refuses unsigned and forged mentions, storing nothing', async () => {
    const before = await storedCounts(t)
    const { body } = mention('@quillstack forged')
    expect((await postSigned(t, PATH, body, 'some-other-secret-value', HEADER)).status).toBe(401)
    const unsigned = await t.app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(unsigned.status).toBe(401)
    expect(await storedCounts(t)).toEqual(before)
  })
})
