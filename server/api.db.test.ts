// End to end through the Hono app, the host, pg-boss and the real local agent: a widget message
// becomes a triaged ticket with a gated reply, operators act on it, and bad input is refused
// with a clear 4xx and nothing written.
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contacts } from '../drizzle/schema/contacts.ts'
import { conversations, messages } from '../drizzle/schema/conversations.ts'
import { ticketEvents, tickets } from '../drizzle/schema/tickets.ts'
import { testDatabaseKind } from '../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../testing/runtime.ts'

let t: TestRuntime

beforeAll(async () => {
  t = await startTestRuntime()
})
afterAll(async () => {
  await t?.stop()
})

interface ConversationView {
  messages: Array<{
    author: string
    direction: string
    body: string
    citations: Array<{ slug: string }>
    deliveryStatus: string
  }>
  ticket: {
    id: string
    number: string
    status: string
    owner: string
    category: string
    intent: string
    urgency: string
  }
  decision: {
    agent: string
    action: string
    confidence: number
    reason: string
    citations: Array<{ slug: string }>
  } | null
  draft: { id: string; body: string } | null
  audit: Array<{
    seq: number
    type: string
    actor: { kind: string; id: string }
    before: unknown
    after: unknown
  }>
}

let visitorSeq = 0
async function send(text: string, extra: Record<string, unknown> = {}) {
  const visitorId = (extra.visitorId as string | undefined) ?? `visitor-${++visitorSeq}-${Date.now()}`
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId, text, ...extra }),
  })
  expect(response.status).toBe(202)
  const body = (await response.json()) as { conversationId: string; messageId: string; duplicate: boolean }
  return { ...body, visitorId }
}

async function view(conversationId: string): Promise<ConversationView> {
  const response = await t.api('GET', `/v1/conversations/${conversationId}`)
  expect(response.status).toBe(200)
  return (await response.json()) as ConversationView
}

/** Waits until the agent's turn has settled the ticket (decided, and any reply delivered). */
function settled(conversationId: string) {
  return eventually(
    async () => {
      const v = await view(conversationId)
      const inFlight = v.messages.some((m) => m.direction === 'outbound' && m.deliveryStatus === 'queued')
      return v.decision && !inFlight ? v : undefined
    },
    15_000,
    'the agent decision',
  )
}

async function rowCounts() {
  const db = t.runtime.database.db
  const [m] = await db.select({ n: count() }).from(messages)
  const [c] = await db.select({ n: count() }).from(contacts)
  const [v] = await db.select({ n: count() }).from(conversations)
  const [e] = await db.select({ n: count() }).from(ticketEvents)
  return { messages: m!.n, contacts: c!.n, conversations: v!.n, events: e!.n }
}

describe(`a widget message end to end (${testDatabaseKind})`, () => {
  it('a how-to question the Library answers is triaged and answered automatically, with a citation and an audit trail', async () => {
    const { conversationId } = await send('How do I reset my password?', {
      name: 'Dana Reyes',
      page: '/login',
    })
    const v = await settled(conversationId)
    expect(v.ticket).toMatchObject({
      status: 'bot_handled',
      owner: 'bot',
      category: 'how_to',
      intent: 'support',
    })
    expect(v.ticket.number).toMatch(/^TKT-\d{5}$/)
    expect(['low', 'normal', 'high', 'urgent']).toContain(v.ticket.urgency)
    expect(v.decision).toMatchObject({ agent: 'atlas', action: 'auto', reason: 'answered_from_library' })
    expect(v.decision!.confidence).toBeGreaterThanOrEqual(0.75)
    expect(v.decision!.citations.map((c) => c.slug)).toEqual(['reset-password'])

    const reply = v.messages.find((m) => m.author === 'bot')!
    expect(reply.deliveryStatus).toBe('sent')
    expect(reply.body).toMatch(/^Hi Dana,/)
    expect(reply.body).toContain('Forgot password?')
    expect(reply.body).toContain(
      'Source: Reset your password and fix sign-in problems: https://help.quillstack.io/articles/reset-password',
    )
    expect(reply.citations.map((c) => c.slug)).toEqual(['reset-password'])

    expect(v.audit.map((e) => e.type)).toEqual(['CUSTOMER_MESSAGE', 'AGENT_DECIDED', 'REPLY_DELIVERED'])
    expect(v.audit[1]!.actor).toEqual({ kind: 'bot', id: 'atlas' })
    expect(v.audit[1]!.after).toMatchObject({ status: 'bot_handled', category: 'how_to' })
  })

  it('a request to cancel and refund an annual plan is escalated, not answered: email asked, ticket created with a summary', async () => {
    const { conversationId, visitorId } = await send(
      'Please cancel our annual Business plan and refund the rest of the year, we are moving to another tool.',
    )
    const asked = await settled(conversationId)
    // The visitor is anonymous on the widget: Atlas asks where the team can reach them, and answers nothing.
    expect(asked.decision).toMatchObject({ agent: 'atlas', action: 'auto' })
    expect(asked.decision!.reason).toMatch(/^ask_email:needs_human:(refund|cancellation)$/)
    const question = asked.messages.filter((m) => m.direction === 'outbound')
    expect(question).toHaveLength(1)
    expect(question[0]!.body).toMatch(/What email address can they reach you at\?/)
    expect(question[0]!.body).not.toMatch(/refunded|has been cancelled|I've cancelled|I have cancelled/i)

    await send('sure, it is dana@acme.example', { visitorId })
    const v = await eventually(async () => {
      const current = await view(conversationId)
      return current.ticket.status === 'pending' &&
        current.messages.filter((m) => m.direction === 'outbound').length === 2
        ? current
        : undefined
    })
    expect(v.ticket).toMatchObject({ status: 'pending', owner: 'human', category: 'billing_inquiry' })
    expect(v.decision!.action).toBe('escalate')
    expect(v.decision!.reason).toMatch(/^needs_human:(refund|cancellation)$/)
    const notice = v.messages.filter((m) => m.direction === 'outbound')[1]!
    // The notice states only what the same transaction did: the ticket exists, in the billing queue.
    expect(notice.body).toContain(`I've created ticket ${v.ticket.number} for our billing team.`)
    expect(notice.body).toContain('dana@acme.example')
    expect(notice.citations).toEqual([])
    expect(notice.body).not.toMatch(/refunded|has been cancelled|I've cancelled|I have cancelled/i)

    const full = (await (await t.api('GET', `/v1/tickets/${v.ticket.id}`)).json()) as {
      ticket: { queue: string; subject: string }
    }
    expect(full.ticket).toMatchObject({ queue: 'billing' })
    expect(full.ticket.subject).toMatch(/^(Refund|Cancellation): Please cancel our annual Business plan/)
    const note = (await view(conversationId)).messages.find((m) => m.direction === 'internal')!
    expect(note.body).toContain('Contact email: dana@acme.example')
    expect(note.body).toContain('The customer wrote: "Please cancel our annual Business plan')
    const widget = (await (
      await t.app.request(`/v1/widget/demo/conversations/${conversationId}?visitorId=${visitorId}`)
    ).json()) as { messages: Array<{ body: string }> }
    expect(widget.messages.some((m) => m.body.includes('Contact email'))).toBe(false)
    const [contact] = await t.runtime.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.email, 'dana@acme.example'))
    expect(contact).toBeDefined()
  })

  it('stores the same message delivered twice once, by message id or Idempotency-Key', async () => {
    const visitorId = `dup-${Date.now()}`
    const post = (body: object, headers: Record<string, string> = {}) =>
      t.app.request('/v1/widget/demo/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ visitorId, ...body }),
      })
    const first = (await (await post({ text: 'Is there a mobile app?', messageId: 'm-1' })).json()) as {
      messageId: string
    }
    const again = (await (await post({ text: 'Is there a mobile app?', messageId: 'm-1' })).json()) as {
      messageId: string
      duplicate: boolean
    }
    expect(again).toMatchObject({ messageId: first.messageId, duplicate: true })
    const keyed = (await (await post({ text: 'Do you have SSO?' }, { 'idempotency-key': 'k-7' })).json()) as {
      messageId: string
    }
    const keyedAgain = (await (
      await post({ text: 'Do you have SSO?' }, { 'idempotency-key': 'k-7' })
    ).json()) as {
      messageId: string
      duplicate: boolean
    }
    expect(keyedAgain).toMatchObject({ messageId: keyed.messageId, duplicate: true })

    const [conversation] = await t.runtime.database.db
      .select()
      .from(messages)
      .where(eq(messages.id, first.messageId))
    const inbound = await t.runtime.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversation!.conversationId))
    expect(inbound.filter((m) => m.direction === 'inbound').map((m) => m.body)).toEqual([
      'Is there a mobile app?',
      'Do you have SSO?',
    ])
  })

  it('the visitor reads their conversation back through the widget, and no one else can', async () => {
    const visitorId = `reader-${Date.now()}`
    const response = await t.app.request('/v1/widget/demo/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitorId, text: 'How do I export a board to CSV?' }),
    })
    const { conversationId } = (await response.json()) as { conversationId: string }
    const thread = await eventually(async () => {
      const r = await t.app.request(`/v1/widget/demo/conversations/${conversationId}?visitorId=${visitorId}`)
      const body = (await r.json()) as { messages: Array<{ author: string; body: string }> }
      return body.messages.some((m) => m.author === 'bot') ? body : undefined
    })
    expect(thread.messages[0]).toMatchObject({ author: 'customer', body: 'How do I export a board to CSV?' })
    const stranger = await t.app.request(
      `/v1/widget/demo/conversations/${conversationId}?visitorId=someone-else`,
    )
    expect(stranger.status).toBe(404)
  })
})

describe('operators', () => {
  it('take over, reply, hand back, resolve and close — each in the audit trail with the operator', async () => {
    const { conversationId, visitorId } = await send(
      'My automation ran twice and created duplicate cards, can someone look?',
    )
    const v = await settled(conversationId)
    const ref = v.ticket.number
    const operator = { 'x-atlas-operator': 'sam@quillstack.io' }

    const took = await t.api('POST', `/v1/tickets/${ref}/take-over`, undefined, operator)
    expect(took.status).toBe(200)
    expect(await took.json()).toMatchObject({
      ticket: { status: 'in_progress', owner: 'human', assignee: 'sam@quillstack.io' },
    })

    // While a human owns it, the customer's next message waits for the human: no bot turn.
    const followUp = await send('It happened again just now', { visitorId })
    const waiting = await eventually(async () => {
      const current = await view(conversationId)
      return current.audit.some((e) => e.type === 'CUSTOMER_MESSAGE' && e.seq > 3) ? current : undefined
    })
    expect(followUp.conversationId).toBe(conversationId)
    expect(waiting.ticket).toMatchObject({ status: 'in_progress', owner: 'human' })
    expect(waiting.audit.filter((e) => e.type === 'AGENT_DECIDED')).toHaveLength(1)

    const replied = await t.api(
      'POST',
      `/v1/tickets/${ref}/reply`,
      { text: 'Looking into it now.' },
      operator,
    )
    expect(replied.status).toBe(200)
    const afterReply = await eventually(async () => {
      const current = await view(conversationId)
      return current.messages.some((m) => m.author === 'human' && m.deliveryStatus === 'sent')
        ? current
        : undefined
    })
    expect(afterReply.ticket.status).toBe('in_progress')

    expect((await t.api('POST', `/v1/tickets/${ref}/hand-back`, {}, operator)).status).toBe(200)
    const resolved = await t.api('POST', `/v1/tickets/${ref}/status`, { status: 'resolved' }, operator)
    expect(await resolved.json()).toMatchObject({ ticket: { status: 'resolved', owner: 'bot' } })
    const closed = await t.api('POST', `/v1/tickets/${ref}/status`, { status: 'closed' }, operator)
    expect(await closed.json()).toMatchObject({ ticket: { status: 'closed' } })

    const final = await view(conversationId)
    const operatorEvents = final.audit.filter((e) => e.actor.kind === 'human')
    expect(operatorEvents.map((e) => e.type)).toEqual([
      'TAKE_OVER',
      'HUMAN_REPLY',
      'HAND_BACK',
      'RESOLVE',
      'CLOSE',
    ])
    expect(new Set(operatorEvents.map((e) => e.actor.id))).toEqual(new Set(['sam@quillstack.io']))
  })

  it('refuses an action the ticket cannot take with 409 and writes nothing', async () => {
    const { conversationId } = await send('How do I invite a teammate?')
    const v = await settled(conversationId)
    const before = await rowCounts()
    const response = await t.api('POST', `/v1/tickets/${v.ticket.id}/hand-back`)
    expect(response.status).toBe(409)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_transition' } })
    const approve = await t.api('POST', `/v1/tickets/${v.ticket.id}/draft/approve`)
    expect(approve.status).toBe(409)
    expect(await rowCounts()).toEqual(before)
  })
})

describe('drafts awaiting approval (every answer held for review)', () => {
  let review: TestRuntime
  beforeAll(async () => {
    review = await startTestRuntime({ env: { ATLAS_GATE_AUTO: '0.999', ATLAS_GATE_REVIEW: '0.05' } })
  })
  afterAll(async () => {
    await review?.stop()
  })

  async function draftFor(text: string) {
    const response = await review.app.request('/v1/widget/demo/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitorId: `r-${Date.now()}-${Math.random()}`, text }),
    })
    const { conversationId } = (await response.json()) as { conversationId: string }
    const v = await eventually(async () => {
      const r = await review.api('GET', `/v1/conversations/${conversationId}`)
      const body = (await r.json()) as ConversationView
      return body.draft ? body : undefined
    })
    return { conversationId, v }
  }

  it('approve sends the draft as written; send sends the operator’s edit; reject hands it to a person', async () => {
    const approved = await draftFor('How do I turn on two-factor authentication?')
    expect(approved.v.ticket.status).toBe('awaiting_approval')
    expect(approved.v.decision!.action).toBe('review')
    expect(approved.v.messages.filter((m) => m.author === 'bot')).toHaveLength(0)
    const ok = await review.api('POST', `/v1/tickets/${approved.v.ticket.id}/draft/approve`, {})
    expect(await ok.json()).toMatchObject({ ticket: { status: 'bot_handled' } })
    const sent = await eventually(async () => {
      const r = (await (
        await review.api('GET', `/v1/conversations/${approved.conversationId}`)
      ).json()) as ConversationView
      return r.messages.find((m) => m.author === 'bot' && m.deliveryStatus === 'sent')
    })
    expect(sent.body).toBe(approved.v.draft!.body)

    const edited = await draftFor('Can I get an invoice for last month?')
    const response = await review.api('POST', `/v1/tickets/${edited.v.ticket.id}/draft/send`, {
      text: 'Invoices are under Settings → Billing. I have attached last month’s for you.',
    })
    expect(response.status).toBe(200)
    const humanReply = await eventually(async () => {
      const r = (await (
        await review.api('GET', `/v1/conversations/${edited.conversationId}`)
      ).json()) as ConversationView
      return r.messages.find((m) => m.author === 'human')
    })
    expect(humanReply.body).toContain('Settings → Billing')

    const rejected = await draftFor('How do I change my password?')
    const rej = await review.api('POST', `/v1/tickets/${rejected.v.ticket.id}/draft/reject`, {
      reason: 'wrong article',
    })
    expect(await rej.json()).toMatchObject({ ticket: { status: 'pending', owner: 'human' } })
  })
})

describe('bad input gets a clear 4xx and writes nothing', () => {
  const cases: Array<[string, () => Response | Promise<Response>, number, string]> = [
    [
      'malformed JSON',
      () =>
        t.app.request('/v1/widget/demo/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"visitorId": "v", "text": ',
        }),
      400,
      'not valid JSON',
    ],
    [
      'a missing field',
      () =>
        t.app.request('/v1/widget/demo/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"text":"hi"}',
        }),
      422,
      'visitorId',
    ],
    [
      'a wrong type',
      () =>
        t.app.request('/v1/widget/demo/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"visitorId":"v","text":42}',
        }),
      422,
      'text',
    ],
    [
      'text over 4,000 characters',
      () =>
        t.app.request('/v1/widget/demo/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ visitorId: 'v', text: 'x'.repeat(4001) }),
        }),
      422,
      'text',
    ],
    [
      'a body that is not JSON',
      () =>
        t.app.request('/v1/widget/demo/messages', {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'hello',
        }),
      415,
      'application/json',
    ],
    [
      'a body over the size limit',
      () =>
        t.app.request('/v1/widget/demo/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ visitorId: 'v', text: 'y'.repeat(40_000) }),
        }),
      413,
      'larger than',
    ],
    [
      'an unknown widget key',
      () =>
        t.app.request('/v1/widget/nope/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"visitorId":"v","text":"hi"}',
        }),
      404,
      'Unknown widget key',
    ],
    ['no API key', () => t.app.request('/v1/conversations'), 401, 'Authorization: Bearer'],
    [
      'a wrong API key',
      () => t.app.request('/v1/conversations', { headers: { authorization: 'Bearer atlas_nope' } }),
      401,
      'not valid',
    ],
    [
      'a conversation id that is not a UUID',
      () => t.api('GET', '/v1/conversations/123'),
      404,
      'must be a UUID',
    ],
    ['an unknown ticket', () => t.api('POST', '/v1/tickets/TKT-999999/take-over'), 404, 'does not exist'],
    [
      'an empty reply',
      () => t.api('POST', '/v1/tickets/TKT-10001/reply', { text: '   ' }),
      422,
      'text: must not be empty',
    ],
    [
      'an unknown status',
      () => t.api('POST', '/v1/tickets/TKT-10001/status', { status: 'done' }),
      422,
      'status',
    ],
    ['unknown fields', () => t.api('POST', '/v1/tickets/TKT-10001/take-over', { force: true }), 422, 'force'],
    ['an unknown route', () => t.api('GET', '/v1/nothing-here'), 404, 'No route'],
  ]

  it.each(cases)('%s', async (_name, request, status, message) => {
    const before = await rowCounts()
    const response = await request()
    expect(response.status).toBe(status)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.message).toContain(message)
    expect(await rowCounts()).toEqual(before)
  })

  it('health check answers', async () => {
    const response = await t.app.request('/healthz')
    expect(await response.json()).toEqual({ status: 'ok', database: testDatabaseKind })
  })

  it('keeps tickets numbered per tenant without gaps', async () => {
    const rows = await t.runtime.database.db
      .select({ number: tickets.number })
      .from(tickets)
      .where(eq(tickets.tenantId, t.tenantId))
    const numbers = rows.map((r) => r.number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => 10001 + i))
  })
})
