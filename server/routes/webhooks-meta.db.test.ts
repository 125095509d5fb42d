// Messenger and Instagram end to end: Meta's `page` and `instagram` envelopes posted, signed, to the
// running app; replies out through a local server speaking the Send API; delivery and read receipts
// (by mid and by watermark) coming back; echoes ignored; redeliveries stored once.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IG_ACCOUNT_ID, PAGE_ID } from '../../adapters/meta/test-fixtures.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { conversations } from '../../drizzle/schema/conversations.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import {
  conversationOf,
  conversationView,
  outboundOf,
  postSigned,
  settled,
  storedCounts,
} from '../../testing/webhooks.ts'

const APP_SECRET = 'meta-app-secret-for-tests'
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

let graph: FakeGraphApi
let cdn: Server
let cdnUrl = ''
let t: TestRuntime
let seq = 0

beforeAll(async () => {
  graph = await startFakeGraphApi()
  // Meta's CDN: attachment links work without a token.
  cdn = createServer((req, res) => {
    if (req.url === '/photo.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG.byteLength) })
      res.end(PNG)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve))
  cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`
  t = await startTestRuntime({
    env: {
      ATLAS_DEMO_META_APP_SECRET: APP_SECRET,
      ATLAS_DEMO_GRAPH_BASE: graph.url,
      ATLAS_DEMO_PAGE_ACCESS_TOKEN: graph.accessToken,
    },
  })
})
afterAll(async () => {
  await t?.stop()
  await graph?.close()
  await new Promise((resolve) => cdn?.close(resolve))
})

const KINDS = [
  { kind: 'messenger', object: 'page', account: PAGE_ID },
  { kind: 'instagram', object: 'instagram', account: IG_ACCOUNT_ID },
] as const

function webhook(object: string, account: string, ...messaging: unknown[]) {
  return { object, entry: [{ id: account, time: Date.now(), messaging }] }
}

function customerMessage(account: string, sender: string, message: Record<string, unknown>) {
  const mid = `m_test_${++seq}_${Date.now()}`
  return {
    mid,
    event: {
      sender: { id: sender },
      recipient: { id: account },
      timestamp: Date.now(),
      message: { mid, ...message },
    },
  }
}

const sentTo = (recipient: string) =>
  graph.requests.filter(
    (r) =>
      r.path === '/v21.0/me/messages' &&
      (r.json as { recipient?: { id?: string } }).recipient?.id === recipient,
  )

describe.each(KINDS)('$kind end to end', ({ kind, object, account }) => {
  const path = `/webhooks/meta/${kind}`

  it('answers the subscription handshake', async () => {
    const ok = await t.app.request(
      `${path}?hub.mode=subscribe&hub.verify_token=demo-verify-token&hub.challenge=42`,
    )
    expect(await ok.text()).toBe('42')
  })

  it('a direct message is stored, answered through the Send API, and receipts come back', async () => {
    const sender = `${kind === 'messenger' ? '69' : '12'}0000000000${++seq}`
    const { mid, event } = customerMessage(account, sender, { text: 'How do I reset my password?' })
    const response = await postSigned(t, path, webhook(object, account, event), APP_SECRET)
    expect(response.status).toBe(200)
    const conversationId = await conversationOf(t, mid)
    const v = await settled(t, conversationId)
    expect(v.messages[0]).toMatchObject({ direction: 'inbound', body: 'How do I reset my password?' })
    expect(v.decision).toMatchObject({ action: 'auto' })

    const [sent] = sentTo(sender)
    expect(sent!.query.access_token).toBe(graph.accessToken)
    expect(sent!.json).toMatchObject({ recipient: { id: sender }, messaging_type: 'RESPONSE' })
    expect((sent!.json as { message: { text: string } }).message.text).toContain('Forgot password?')
    const [reply] = await outboundOf(t, conversationId)
    expect(reply!.providerMessageId).toMatch(/^m_fake-mid-/)

    const from = { sender: { id: sender }, recipient: { id: account }, timestamp: Date.now() }
    if (kind === 'messenger') {
      // Messenger: a delivery receipt names the mids; a read receipt only gives a watermark.
      await postSigned(
        t,
        path,
        webhook(object, account, {
          ...from,
          delivery: { mids: [reply!.providerMessageId], watermark: Date.now() },
        }),
        APP_SECRET,
      )
      expect((await outboundOf(t, conversationId))[0]!.deliveryStatus).toBe('delivered')
      const read = await postSigned(
        t,
        path,
        webhook(object, account, { ...from, read: { watermark: Date.now() + 1000 } }),
        APP_SECRET,
      )
      expect(await read.json()).toMatchObject({ statuses: { applied: 1 } })
    } else {
      // Instagram names the message read.
      await postSigned(
        t,
        path,
        webhook(object, account, { ...from, read: { mid: reply!.providerMessageId } }),
        APP_SECRET,
      )
    }
    expect((await outboundOf(t, conversationId))[0]!.deliveryStatus).toBe('read')
  })

  it('redelivered three times: one message, one reply; echoes of our own messages are ignored', async () => {
    const sender = `${kind === 'messenger' ? '69' : '12'}0000000000${++seq}`
    const { mid, event } = customerMessage(account, sender, { text: 'How do I invite a teammate?' })
    const body = webhook(object, account, event)
    for (let i = 0; i < 3; i++) expect((await postSigned(t, path, body, APP_SECRET)).status).toBe(200)
    const conversationId = await conversationOf(t, mid)
    await settled(t, conversationId)
    const [reply] = await outboundOf(t, conversationId)
    // Meta echoes what the page sent.
    const echo = {
      sender: { id: account },
      recipient: { id: sender },
      timestamp: Date.now(),
      message: { mid: reply!.providerMessageId, is_echo: true, text: reply!.body },
    }
    const echoed = await postSigned(t, path, webhook(object, account, echo), APP_SECRET)
    expect(await echoed.json()).toMatchObject({ received: 0, ignored: 1 })
    await postSigned(t, path, body, APP_SECRET)
    const v = await settled(t, conversationId)
    expect(v.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1)
    expect(v.messages.filter((m) => m.direction === 'outbound')).toHaveLength(1)
    expect(sentTo(sender)).toHaveLength(1)
  })

  it('a photo is fetched from the CDN link for the operator, and a person looks at it', async () => {
    const sender = `${kind === 'messenger' ? '69' : '12'}0000000000${++seq}`
    const { mid, event } = customerMessage(account, sender, {
      attachments: [{ type: 'image', payload: { url: `${cdnUrl}/photo.png` } }],
    })
    await postSigned(t, path, webhook(object, account, event), APP_SECRET)
    const conversationId = await conversationOf(t, mid)
    const v = await eventually(async () => {
      const view = await conversationView(t, conversationId)
      return view.ticket?.owner === 'human' && view.messages[0]?.attachments[0]?.url ? view : undefined
    })
    const file = await t.api('GET', v.messages[0]!.attachments[0]!.url!)
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG)
    expect(sentTo(sender)).toHaveLength(0)
  })

  it('refuses a forged signature, and a payload of the other Meta product, storing nothing', async () => {
    const before = await storedCounts(t)
    const { event } = customerMessage(account, '999', { text: 'hello' })
    const forged = await postSigned(t, path, webhook(object, account, event), 'wrong-secret')
    expect(forged.status).toBe(401)
    const other = kind === 'messenger' ? 'instagram' : 'page'
    const wrongObject = await postSigned(t, path, webhook(other, account, event), APP_SECRET)
    expect(wrongObject.status).toBe(422)
    expect(await wrongObject.json()).toMatchObject({
      error: { code: 'validation_failed', message: /object/ },
    })
    expect(await storedCounts(t)).toEqual(before)
  })
})

describe('the Messenger window', () => {
  it('refuses a late reply after 24 hours; with the human-agent tag, a person may answer for 7 days', async () => {
    const sender = `6900000000009${++seq}`
    const { mid, event } = customerMessage(PAGE_ID, sender, { text: 'How do I invite a teammate?' })
    await postSigned(t, '/webhooks/meta/messenger', webhook('page', PAGE_ID, event), APP_SECRET)
    const conversationId = await conversationOf(t, mid)
    const v = await settled(t, conversationId)
    const db = t.runtime.database.db
    // Two days later.
    await db
      .update(conversations)
      .set({ windowExpiresAt: new Date(Date.now() - 24 * 3600_000) })
      .where(eq(conversations.id, conversationId))
    const late = await t.api('POST', `/v1/tickets/${v.ticket!.number}/reply`, { text: 'Sorry for the wait!' })
    expect(late.status).toBe(409)
    expect(await late.json()).toMatchObject({
      error: { code: 'window_closed', message: expect.stringContaining("Only the customer's next message") },
    })

    const [channel] = await db.select().from(channels).where(eq(channels.key, 'messenger'))
    await db
      .update(channels)
      .set({ config: { ...channel!.config, humanAgentTag: true } })
      .where(eq(channels.id, channel!.id))
    try {
      graph.enqueue({
        graphError: {
          status: 400,
          code: 10,
          subcode: 2018278,
          message: '(#10) This message is sent outside of allowed window.',
        },
      })
      const tagged = await t.api('POST', `/v1/tickets/${v.ticket!.number}/reply`, {
        text: 'Sorry for the wait!',
      })
      expect(tagged.status).toBe(200)
      const [refused, resent] = await eventually(async () => {
        const sent = sentTo(sender)
        return sent.length >= 3 ? sent.slice(1) : undefined
      })
      expect(refused!.json).toMatchObject({ messaging_type: 'RESPONSE' })
      expect(resent!.json).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })
      await eventually(async () => {
        const rows = await outboundOf(t, conversationId)
        return rows.at(-1)?.deliveryStatus === 'sent' ? true : undefined
      })
    } finally {
      await db.update(channels).set({ config: channel!.config }).where(eq(channels.id, channel!.id))
    }
  })
})
