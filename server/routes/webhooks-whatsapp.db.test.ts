// WhatsApp end to end: Meta's real envelope posted, signed, to the running app; the agent's reply
// going out through a local server speaking the Cloud API; statuses coming back; redeliveries stored
// once; the 24-hour window closing through its timer job; voice notes and media.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { envelope, PHONE_NUMBER_ID, WA_ID } from '../../adapters/whatsapp/test-fixtures.ts'
import { silentLogger } from '../../common/logger.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { type FakeTranscriptionApi, startFakeTranscriptionApi } from '../../testing/fake-transcription-api.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import {
  conversationOf,
  conversationView,
  outboundOf,
  postSigned,
  settled,
  storedCounts,
  unixNow,
} from '../../testing/webhooks.ts'
import { JOB_SCHEMA } from '../jobs/job-store.ts'
import { UNTRANSCRIBED } from '../jobs/media.ts'
import { QUEUES } from '../jobs/queues.ts'
import { windowHandler } from '../jobs/window.ts'

const APP_SECRET = 'whatsapp-app-secret-for-tests'
const VERIFY_TOKEN = 'verify-me-please'
const PATH = '/webhooks/whatsapp/whatsapp'

let graph: FakeGraphApi
let transcription: FakeTranscriptionApi
let t: TestRuntime
let seq = 0

function env(extra: Record<string, string> = {}) {
  return {
    ATLAS_DEMO_META_APP_SECRET: APP_SECRET,
    ATLAS_DEMO_META_VERIFY_TOKEN: VERIFY_TOKEN,
    ATLAS_DEMO_GRAPH_BASE: graph.url,
    ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    ATLAS_DEMO_WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    ...extra,
  }
}

beforeAll(async () => {
  graph = await startFakeGraphApi()
  transcription = await startFakeTranscriptionApi()
  t = await startTestRuntime({
    env: env({ ATLAS_TRANSCRIPTION_URL: transcription.url, ATLAS_TRANSCRIPTION_API_KEY: 'sk-test' }),
  })
})
afterAll(async () => {
  await t?.stop()
  await graph?.close()
  await transcription?.close()
})

/** A customer's message as WhatsApp sends it now, from a number of the test's choosing. */
function inbound(message: Record<string, unknown>, from = WA_ID, name = 'Sheena Nelson') {
  const id = `wamid.test.${++seq}.${Date.now()}`
  const body = envelope({ messages: [{ from, id, timestamp: String(unixNow()), ...message }] })
  body.entry[0]!.changes[0]!.value.contacts = [{ profile: { name }, wa_id: from }]
  return { id, body }
}

const text = (body: string, from?: string, name?: string) =>
  inbound({ type: 'text', text: { body } }, from, name)

function statuses(...updates: Array<{ id: string; status: string; errors?: unknown[] }>) {
  return envelope({
    statuses: updates.map((u) => ({ recipient_id: WA_ID, timestamp: String(unixNow()), ...u })),
  })
}

const sentTo = (to: string) =>
  graph.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === `/v21.0/${PHONE_NUMBER_ID}/messages` &&
      (r.json as { to?: string }).to === to,
  )

describe('the WhatsApp webhook handshake', () => {
  it('answers the challenge to the right verify token, 403 otherwise', async () => {
    const ok = await t.app.request(
      `${PATH}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    )
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('1158201444')
    const wrong = await t.app.request(`${PATH}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)
    expect(wrong.status).toBe(403)
    expect(await wrong.json()).toMatchObject({ error: { code: 'forbidden' } })
    const unknown = await t.app.request('/webhooks/whatsapp/nope?hub.mode=subscribe')
    expect(unknown.status).toBe(404)
  })
})

describe('a WhatsApp message end to end', () => {
  it('is stored, answered through the Cloud API, and its delivery and read statuses come back', async () => {
    const from = '15550001001'
    const { id, body } = text('How do I reset my password?', from, 'Dana Reyes')
    const response = await postSigned(t, PATH, body, APP_SECRET)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ received: 1, duplicates: 0 })

    const conversationId = await conversationOf(t, id)
    const v = await settled(t, conversationId)
    expect(v.messages[0]).toMatchObject({
      direction: 'inbound',
      kind: 'text',
      body: 'How do I reset my password?',
    })
    expect(v.decision).toMatchObject({ action: 'auto', reason: 'answered_from_library' })
    expect(v.conversation.inbox).toBe('active')
    expect(new Date(v.conversation.windowExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000)

    // What the Cloud API received: a text to the customer's number, with our bearer token.
    const [sent] = sentTo(from)
    expect(sent!.headers.authorization).toBe(`Bearer ${graph.accessToken}`)
    expect(sent!.json).toMatchObject({ messaging_product: 'whatsapp', to: from, type: 'text' })
    expect((sent!.json as { text: { body: string } }).text.body).toContain('Forgot password?')

    const [reply] = await outboundOf(t, conversationId)
    expect(reply!.deliveryStatus).toBe('sent')
    expect(reply!.providerMessageId).toMatch(/^wamid\./)

    for (const status of ['delivered', 'read']) {
      const update = await postSigned(
        t,
        PATH,
        statuses({ id: reply!.providerMessageId!, status }),
        APP_SECRET,
      )
      expect(update.status).toBe(200)
      expect(await update.json()).toMatchObject({ statuses: { applied: 1 } })
    }
    const after = await conversationView(t, conversationId)
    expect(after.messages.find((m) => m.id === reply!.id)!.deliveryStatus).toBe('read')
    // A late "delivered" after "read" does not move it back.
    await postSigned(t, PATH, statuses({ id: reply!.providerMessageId!, status: 'delivered' }), APP_SECRET)
    expect((await outboundOf(t, conversationId))[0]!.deliveryStatus).toBe('read')
  })

  it('stores a webhook delivered three times once, and answers once', async () => {
    const from = '15550001002'
    const { id, body } = text('How do I invite a teammate?', from)
    const answers = []
    for (let i = 0; i < 3; i++) {
      const response = await postSigned(t, PATH, body, APP_SECRET)
      expect(response.status).toBe(200)
      answers.push(await response.json())
    }
    expect(answers.map((a) => (a as { duplicates: number }).duplicates)).toEqual([0, 1, 1])
    const conversationId = await conversationOf(t, id)
    await settled(t, conversationId)
    // And once more after the reply went out.
    await postSigned(t, PATH, body, APP_SECRET)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const v = await settled(t, conversationId)
    expect(v.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1)
    expect(v.messages.filter((m) => m.direction === 'outbound')).toHaveLength(1)
    expect(sentTo(from)).toHaveLength(1)
  })

  it('refuses unsigned and forged requests with 401 and stores nothing', async () => {
    const before = await storedCounts(t)
    const { body } = text('forged', '15550001003')
    const raw = JSON.stringify(body)
    const unsigned = await t.app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    })
    expect(unsigned.status).toBe(401)
    expect(await unsigned.json()).toMatchObject({
      error: { code: 'unauthorized', message: /Missing X-Hub-Signature-256/ },
    })
    const forged = await postSigned(t, PATH, body, 'not-the-app-secret')
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ error: { message: /does not match/ } })
    expect(await storedCounts(t)).toEqual(before)
  })

  it('a failed status after sending hands the ticket to a person, saying why', async () => {
    const from = '15550001004'
    const { id, body } = text('How do I reset my password?', from)
    await postSigned(t, PATH, body, APP_SECRET)
    const conversationId = await conversationOf(t, id)
    await settled(t, conversationId)
    const [reply] = await outboundOf(t, conversationId)
    const failed = statuses({
      id: reply!.providerMessageId!,
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
    })
    expect((await postSigned(t, PATH, failed, APP_SECRET)).status).toBe(200)
    const v = await eventually(async () => {
      const view = await conversationView(t, conversationId)
      return view.ticket?.owner === 'human' ? view : undefined
    })
    const message = v.messages.find((m) => m.id === reply!.id)!
    expect(message.deliveryStatus).toBe('failed')
    expect(message.deliveryError).toMatch(/131026|undeliverable/i)
  })
})

describe('the 24-hour customer-service window', () => {
  it('closes through its timer job: Expired, free text refused, a template accepted, the reply reactivates', async () => {
    const from = '15550001005'
    const { id, body } = text('How do I reset my password?', from, 'Ola Nordmann')
    await postSigned(t, PATH, body, APP_SECRET)
    const conversationId = await conversationOf(t, id)
    const answered = await settled(t, conversationId)
    const expiresAt = new Date(answered.conversation.windowExpiresAt!)

    // The window job pg-boss holds for this conversation, run 24 hours and a second later.
    const [job] = await t.runtime.database.query<{ data: { conversationId: string; expiresAt: string } }>(
      `select data from ${JOB_SCHEMA}.job where name = $1 and data->>'conversationId' = $2`,
      [QUEUES.window, conversationId],
    )
    expect(new Date(job!.data.expiresAt)).toEqual(expiresAt)
    const context = {
      database: t.runtime.database,
      host: t.runtime.host,
      outbox: t.runtime.jobs.outbox,
      logger: silentLogger,
    }
    const tooEarly = windowHandler(context, () => new Date(expiresAt.getTime() - 60_000))
    await expect(tooEarly({ data: job!.data } as never)).rejects.toThrow(/not yet/)
    await windowHandler(context, () => new Date(expiresAt.getTime() + 1000))({ data: job!.data } as never)

    const [expired] = await t.runtime.database.db
      .select({ inbox: conversations.inbox })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
    expect(expired!.inbox).toBe('expired')
    const listed = await t.api('GET', '/v1/conversations?inbox=expired&channel=whatsapp')
    expect(
      ((await listed.json()) as { conversations: Array<{ id: string }> }).conversations.map((c) => c.id),
    ).toContain(conversationId)

    // Time has passed for the window check too: move the stored window into the past.
    await t.runtime.database.db
      .update(conversations)
      .set({ windowExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(conversations.id, conversationId))
    const ticket = answered.ticket!.number
    const refused = await t.api('POST', `/v1/tickets/${ticket}/reply`, { text: 'Are you still there?' })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({
      error: { code: 'window_closed', message: expect.stringContaining('Send an approved template') },
    })

    const templates = await t.api('GET', '/v1/channels/whatsapp/templates')
    expect(
      ((await templates.json()) as { templates: Array<{ name: string }> }).templates.map((x) => x.name),
    ).toContain('follow_up')
    const before = sentTo(from).length
    const template = await t.api('POST', `/v1/tickets/${ticket}/template`, {
      name: 'follow_up',
      parameters: ['Ola'],
    })
    expect(template.status).toBe(200)
    const sentTemplate = await eventually(async () => sentTo(from)[before])
    expect(sentTemplate.json).toMatchObject({
      type: 'template',
      template: {
        name: 'follow_up',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ola' }] }],
      },
    })
    const outgoing = await conversationView(t, conversationId)
    expect(outgoing.conversation.inbox).toBe('outgoing')
    expect(outgoing.messages.at(-1)!.body).toBe(
      'Hi Ola, this is Quillstack support following up on your question. Reply here and we will pick it up.',
    )

    // The customer answers: the window opens again and the conversation is active.
    const back = text('Yes, thanks, all good now', from)
    await postSigned(t, PATH, back.body, APP_SECRET)
    const reopened = await eventually(async () => {
      const v = await conversationView(t, conversationId)
      return v.conversation.inbox === 'active' &&
        v.messages.some((m) => m.body === 'Yes, thanks, all good now')
        ? v
        : undefined
    })
    expect(new Date(reopened.conversation.windowExpiresAt!).getTime()).toBeGreaterThan(
      Date.now() + 23 * 3600_000,
    )
  })
})

describe('voice notes and media', () => {
  it('a voice note is downloaded, transcribed, noted for the team, and answered from its transcript', async () => {
    const from = '15550001006'
    graph.addMedia('9001', { bytes: new Uint8Array([79, 103, 103, 83, 1, 2, 3]), mimeType: 'audio/ogg' })
    transcription.enqueue({ text: 'How do I reset my password?' })
    const { id, body } = inbound(
      { type: 'audio', audio: { id: '9001', mime_type: 'audio/ogg; codecs=opus', voice: true } },
      from,
    )
    expect((await postSigned(t, PATH, body, APP_SECRET)).status).toBe(200)
    const conversationId = await conversationOf(t, id)
    const v = await settled(t, conversationId)
    const voice = v.messages.find((m) => m.direction === 'inbound')!
    expect(voice).toMatchObject({ kind: 'audio', body: 'How do I reset my password?' })
    expect(voice.attachments).toEqual([
      expect.objectContaining({ kind: 'audio', url: expect.stringMatching(/^\/v1\/attachments\//) }),
    ])
    expect(v.messages.find((m) => m.direction === 'internal')!.body).toBe(
      'Voice note transcript: How do I reset my password?',
    )
    expect(v.decision).toMatchObject({ action: 'auto' })
    const [request] = transcription.requests.slice(-1)
    expect(request!.file!.bytes).toEqual(new Uint8Array([79, 103, 103, 83, 1, 2, 3]))
    // The operator can listen to it.
    const file = await t.api('GET', voice.attachments[0]!.url!)
    expect(file.status).toBe(200)
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([79, 103, 103, 83, 1, 2, 3]))
  })

  it('a photo without a caption is fetched for the operator and handed to a person', async () => {
    const from = '15550001007'
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9])
    graph.addMedia('9002', { bytes: jpeg, mimeType: 'image/jpeg' })
    const { id, body } = inbound({ type: 'image', image: { id: '9002', mime_type: 'image/jpeg' } }, from)
    await postSigned(t, PATH, body, APP_SECRET)
    const conversationId = await conversationOf(t, id)
    const v = await eventually(async () => {
      const view = await conversationView(t, conversationId)
      const photo = view.messages[0]
      return view.ticket?.owner === 'human' && photo?.attachments[0]?.url ? view : undefined
    })
    expect(v.messages[0]!.body).toBe('[image]')
    const file = await t.api('GET', v.messages[0]!.attachments[0]!.url!)
    expect(file.headers.get('content-type')).toBe('image/jpeg')
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(jpeg)
    expect(sentTo(from)).toHaveLength(0)
    // Another tenant's key cannot read it; a made-up id is a 404.
    const missing = await t.api('GET', '/v1/attachments/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    const anonymous = await t.app.request(v.messages[0]!.attachments[0]!.url!)
    expect(anonymous.status).toBe(401)
  })
})

describe('voice notes without a transcription provider', () => {
  let plain: TestRuntime
  beforeAll(async () => {
    plain = await startTestRuntime({ env: env() })
  })
  afterAll(async () => {
    await plain?.stop()
  })

  it('say so in the thread and ask a person, never a silent drop', async () => {
    graph.addMedia('9003', { bytes: new Uint8Array([1, 2, 3]), mimeType: 'audio/ogg' })
    const { id, body } = inbound(
      { type: 'audio', audio: { id: '9003', mime_type: 'audio/ogg', voice: true } },
      '15550001008',
    )
    expect((await postSigned(plain, PATH, body, APP_SECRET)).status).toBe(200)
    const conversationId = await conversationOf(plain, id)
    const v = await eventually(async () => {
      const view = await conversationView(plain, conversationId)
      return view.ticket?.owner === 'human' ? view : undefined
    })
    expect(v.messages.find((m) => m.direction === 'inbound')!.body).toBe(UNTRANSCRIBED)
    expect(v.ticket!.status).toBe('pending')
    const [row] = await plain.runtime.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
    expect(row!.n).toBe(1)
  })
})
