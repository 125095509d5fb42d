// AI assist end to end: the summary job a take-over asks for (written once, as an internal note),
// the ≥5-message rule for automatic and requested summaries, and reply suggestions from the demo
// Library and canned responses, all scoped to the caller's tenant.
import type { JobWithMetadata } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cannedResponses } from '../../drizzle/schema/team.ts'
import type { SummaryJob } from '../../machines/host/outbox.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { createTenant, jobsIn } from '../../testing/fixtures.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { installApiKey } from '../auth/api-keys.ts'
import { QUEUES } from '../jobs/queues.ts'
import { summaryHandler } from '../jobs/summary.ts'

let t: TestRuntime

beforeAll(async () => {
  t = await startTestRuntime()
})
afterAll(async () => {
  await t?.stop()
})

interface View {
  messages: Array<{
    id: string
    direction: string
    author: string
    authorRef: string | null
    kind: string
    body: string
    deliveryStatus: string
  }>
  ticket: { id: string; number: string; status: string; owner: string }
  audit: Array<{ type: string }>
}

interface Suggestion {
  id: string
  text: string
  source: string
  title: string
  citations: Array<{ slug: string }>
  score: number
}

let visitorSeq = 0
async function send(text: string, visitorId: string, name?: string) {
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId, text, ...(name ? { name } : {}) }),
  })
  expect(response.status).toBe(202)
  return (await response.json()) as { conversationId: string; messageId: string }
}

async function view(conversationId: string): Promise<View> {
  const response = await t.api('GET', `/v1/conversations/${conversationId}`)
  expect(response.status).toBe(200)
  return (await response.json()) as View
}

const turns = new Map<string, number>()
/**
 * Sends a message and waits until the bot's turn on it has settled; a draft the gate held for
 * review is approved (as an operator would), so every question gets its answer.
 */
async function ask(
  text: string,
  visitorId: string,
  name?: string,
): Promise<View & { conversationId: string }> {
  const { conversationId } = await send(text, visitorId, name)
  const expected = (turns.get(visitorId) ?? 0) + 1
  turns.set(visitorId, expected)
  const settled = (check: (v: View) => boolean) =>
    eventually(
      async () => {
        const v = await view(conversationId)
        const queued = v.messages.some((m) => m.direction === 'outbound' && m.deliveryStatus === 'queued')
        return check(v) && !queued ? v : undefined
      },
      20_000,
      `the bot's answer to "${text}"`,
    )
  let v = await settled((v) => v.audit.filter((e) => e.type === 'AGENT_DECIDED').length >= expected)
  if (v.ticket.status === 'awaiting_approval') {
    expect((await t.api('POST', `/v1/tickets/${v.ticket.id}/draft/approve`)).status).toBe(200)
    v = await settled((v) => v.ticket.status === 'bot_handled')
  }
  return { ...v, conversationId }
}

const summaries = (v: View) => v.messages.filter((m) => m.kind === 'summary')
const visitor = () => `assist-visitor-${++visitorSeq}-${Date.now()}`

async function summaryJobsSettled(ticketId: string) {
  return eventually(
    async () => {
      const jobs = (await jobsIn(t.runtime.database, QUEUES.summary)).filter(
        (j) => j.data.ticketId === ticketId,
      )
      return jobs.length > 0 && jobs.every((j) => j.state === 'completed') ? jobs : undefined
    },
    15_000,
    'the summary jobs',
  )
}

describe(`AI assist (${testDatabaseKind})`, () => {
  let conversationId: string
  let ticket: View['ticket']

  it('a take-over on a conversation of 5+ messages writes one internal summary, even if the job runs twice', async () => {
    const id = visitor()
    await ask('How do I reset my password?', id, 'Dana Reyes')
    await ask('How do I turn on two-factor authentication?', id)
    const v = await ask('My order number is #48213. How do I download my invoice?', id)
    conversationId = v.conversationId
    ticket = v.ticket
    const said = v.messages.filter((m) => m.direction !== 'internal')
    expect(said.length).toBeGreaterThanOrEqual(5)
    expect(ticket.owner).toBe('bot')

    const takeOver = await t.api('POST', `/v1/tickets/${ticket.number}/take-over`)
    expect(takeOver.status).toBe(200)
    const withSummary = await eventually(
      async () => {
        const current = await view(conversationId)
        return summaries(current).length > 0 ? current : undefined
      },
      15_000,
      'the take-over summary',
    )
    const [summary] = summaries(withSummary)
    expect(summary).toMatchObject({
      direction: 'internal',
      author: 'system',
      authorRef: 'assist',
      kind: 'summary',
    })
    expect(summary!.body).toMatch(/^- Customer's request: /)
    expect(summary!.body).toContain('How do I reset my password?')
    expect(summary!.body).toContain('Details given: order number #48213')
    expect(summary!.body).toMatch(
      /Bot: 3 replies; answered from the Library \(.*"Reset your password and fix sign-in problems/,
    )
    expect(summary!.body).toContain('Still open: nothing unanswered; the last reply came from the bot')

    // pg-boss asked once per ticket, reason and turn; a retry (or a second delivery) writes nothing new.
    const [job] = await summaryJobsSettled(ticket.id)
    expect(job!.data).toMatchObject({ ticketId: ticket.id, reason: 'take_over', by: 'api-key:demo' })
    expect(job!.singleton_key).toBe(`${ticket.id}:take_over:${(job!.data as { turn: number }).turn}`)
    const handler = summaryHandler(
      {
        database: t.runtime.database,
        host: t.runtime.host,
        outbox: t.runtime.jobs.outbox,
        logger: t.runtime.logger,
        events: t.runtime.events,
      },
      t.runtime.assist,
    )
    const again = { id: 'retry', data: job!.data as unknown as SummaryJob, retryCount: 1, retryLimit: 3 }
    await handler(again as unknown as JobWithMetadata<SummaryJob>)
    await handler(again as unknown as JobWithMetadata<SummaryJob>)
    expect(summaries(await view(conversationId))).toHaveLength(1)

    const read = await t.api('GET', `/v1/tickets/${ticket.number}/assist/summary`)
    expect(read.status).toBe(200)
    const body = (await read.json()) as { summary: Record<string, unknown> }
    expect(body.summary).toMatchObject({
      messageId: summary!.id,
      ticketId: ticket.id,
      conversationId,
      text: summary!.body,
      provider: 'local',
      model: 'local',
      reason: 'take_over',
      by: 'api-key:demo',
    })
    expect((body.summary.bullets as string[]).length).toBeLessThanOrEqual(6)
  })

  it('an operator can ask for a summary now; it is stored and becomes the latest', async () => {
    const response = await t.api('POST', `/v1/tickets/${ticket.id}/assist/summary`)
    expect(response.status).toBe(201)
    const { summary } = (await response.json()) as {
      summary: { messageId: string; reason: string; by: string }
    }
    expect(summary).toMatchObject({ reason: 'manual', by: 'api-key:demo' })
    expect(summaries(await view(conversationId))).toHaveLength(2)
    const latest = (await (await t.api('GET', `/v1/tickets/${ticket.number}/assist/summary`)).json()) as {
      summary: { messageId: string }
    }
    expect(latest.summary.messageId).toBe(summary.messageId)
    // The same Idempotency-Key asks for the same summary.
    const keyed = await t.api('POST', `/v1/tickets/${ticket.id}/assist/summary`, undefined, {
      'idempotency-key': 'k1',
    })
    const keyedAgain = await t.api('POST', `/v1/tickets/${ticket.id}/assist/summary`, undefined, {
      'idempotency-key': 'k1',
    })
    expect([keyed.status, keyedAgain.status]).toEqual([201, 200])
    expect(summaries(await view(conversationId))).toHaveLength(3)
  })

  it('the customer answering the hand-over form (the email Atlas asked for) gets the team a summary', async () => {
    const id = visitor()
    await ask('How do I reset my password?', id)
    const asked = await ask(
      'Please cancel our annual Business plan and refund the rest of the year, we are moving to another tool.',
      id,
    )
    expect(asked.messages.at(-1)!.body).toMatch(/What email address can they reach you at\?/)
    const v = await ask('sure, it is dana@acme.example', id)
    expect(v.ticket).toMatchObject({ status: 'pending', owner: 'human' })
    const [job] = await summaryJobsSettled(v.ticket.id)
    expect(job!.data).toMatchObject({ ticketId: v.ticket.id, reason: 'form', by: 'atlas' })
    const { summary } = (await (
      await t.api('GET', `/v1/tickets/${v.ticket.number}/assist/summary`)
    ).json()) as {
      summary: { text: string; reason: string; by: string }
    }
    expect(summary).toMatchObject({ reason: 'form', by: 'atlas' })
    expect(summary.text).toContain('Please cancel our annual Business plan')
    expect(summary.text).toContain('Details given: dana@acme.example')
    expect(summary.text).toContain('Still open: the bot handed the conversation over to the billing queue')
  })

  it('a conversation of fewer than 5 messages gets no summary: not on take-over, transfer or request', async () => {
    const id = visitor()
    const v = await ask('How do I reset my password?', id)
    const shortConversation = v.conversationId
    expect(await t.api('POST', `/v1/tickets/${v.ticket.number}/take-over`)).toHaveProperty('status', 200)
    await send('The reset email never arrives, I checked spam too.', id)
    await eventually(async () => {
      const current = await view(shortConversation)
      return current.messages.filter((m) => m.direction !== 'internal').length === 3 ? current : undefined
    })
    // Moved to another person: a transfer summary is asked for, with 3 messages.
    const assign = await t.api('POST', `/v1/tickets/${v.ticket.number}/assign`, {
      assignee: 'agent@quillstack.example',
    })
    expect(assign.status).toBe(200)
    const jobs = await summaryJobsSettled(v.ticket.id)
    expect(jobs.map((j) => j.data.reason).sort()).toEqual(['take_over', 'transfer'])
    expect(summaries(await view(shortConversation))).toEqual([])

    const refused = await t.api('POST', `/v1/tickets/${v.ticket.number}/assist/summary`)
    expect(refused.status).toBe(409)
    const error = ((await refused.json()) as { error: { code: string; message: string; details: unknown } })
      .error
    expect(error.code).toBe('conflict')
    expect(error.message).toMatch(/needs at least 5 messages .* has 3/)
    expect(error.details).toEqual({ messages: 3, required: 5 })
    const none = (await (await t.api('GET', `/v1/tickets/${v.ticket.number}/assist/summary`)).json()) as {
      summary: unknown
    }
    expect(none.summary).toBeNull()
  })

  it('suggests replies from the demo Library and the canned responses; refresh gives other ones', async () => {
    await t.runtime.database.db.insert(cannedResponses).values({
      tenantId: t.tenantId,
      shortcut: '/reset',
      title: 'Password reset',
      body: 'Hi {{name}}, click "Forgot password?" on the sign-in page and use the link we email you within the hour.',
    })
    const id = visitor()
    const v = await ask('Is there a mobile app for Android?', id, 'Ravi Patel')
    expect(await t.api('POST', `/v1/tickets/${v.ticket.number}/take-over`)).toHaveProperty('status', 200)
    await send("I forgot my password and can't log in. How do I reset it?", id)

    const response = await t.api('GET', `/v1/tickets/${v.ticket.number}/assist/suggestions`)
    expect(response.status).toBe(200)
    const first = (await response.json()) as {
      ticket: { number: string }
      query: string
      provider: string
      suggestions: Suggestion[]
    }
    expect(first).toMatchObject({ ticket: { number: v.ticket.number }, provider: 'local' })
    expect(first.query).toBe("I forgot my password and can't log in. How do I reset it?")
    expect(first.suggestions).toHaveLength(3)
    const library = first.suggestions.find((s) => s.source === 'library')!
    expect(library.citations.map((c) => c.slug)).toEqual(['reset-password'])
    expect(library.text).toMatch(/^Hi Ravi,/)
    expect(library.text).toContain('Source: Reset your password and fix sign-in problems')
    const canned = first.suggestions.find((s) => s.source === 'canned')!
    expect(canned).toMatchObject({ title: 'Password reset (/reset)' })
    expect(canned.text).toMatch(/^Hi Ravi, click "Forgot password\?"/)

    const exclude = first.suggestions.map((s) => s.id).join(',')
    const refreshed = (await (
      await t.api(
        'GET',
        `/v1/tickets/${v.ticket.id}/assist/suggestions?exclude=${encodeURIComponent(exclude)}`,
      )
    ).json()) as { suggestions: Suggestion[] }
    expect(refreshed.suggestions.length).toBeGreaterThan(0)
    expect(refreshed.suggestions.filter((s) => exclude.split(',').includes(s.id))).toEqual([])

    const bad = await t.api('GET', `/v1/tickets/${v.ticket.id}/assist/suggestions?exclude=nonsense`)
    expect(bad.status).toBe(422)
  })

  it("another tenant's ticket is not found, and nothing works without a key", async () => {
    const other = await createTenant(t.runtime.database.db)
    await installApiKey(t.runtime.database.db, other.tenant.id, 'other', 'atlas_other_key_0123456789abcdef')
    const asOther = { authorization: 'Bearer atlas_other_key_0123456789abcdef' }
    for (const [method, path] of [
      ['GET', `/v1/tickets/${ticket.number}/assist/suggestions`],
      ['GET', `/v1/tickets/${ticket.id}/assist/summary`],
      ['POST', `/v1/tickets/${ticket.id}/assist/summary`],
    ] as const) {
      const response = await t.app.request(path, { method, headers: asOther })
      expect(response.status, `${method} ${path}`).toBe(404)
    }
    const anonymous = await t.app.request(`/v1/tickets/${ticket.number}/assist/suggestions`)
    expect(anonymous.status).toBe(401)
  })
})
