// The agents end to end through the server: sales messages reach Loot (which qualifies the lead over
// several turns and hands it to the sales queue), support messages reach Atlas, and the `openai`
// provider runs the same path against a local server speaking the OpenAI wire format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '../testing/database.ts'
import {
  type FakeOpenAI,
  replyCompletion,
  startFakeOpenAI,
  triageCompletion,
} from '../testing/fake-openai.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../testing/runtime.ts'

interface View {
  messages: Array<{
    direction: string
    author: string
    body: string
    deliveryStatus: string
    citations: Array<{ slug: string }>
  }>
  ticket: {
    id: string
    number: string
    status: string
    owner: string
    agent: string | null
    queue: string | null
    subject: string | null
    category: string | null
  }
  decision: { agent: string; action: string; reason: string; model: string } | null
  audit: Array<{
    type: string
    before: { agent?: string } | null
    after: { agent?: string; status?: string }
  }>
}

function chat(t: TestRuntime, visitorId = `v-${Math.random().toString(36).slice(2)}`) {
  let conversationId = ''
  const view = async () => (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as View
  const count = (v: View | null, ...types: string[]) =>
    v?.audit.filter((e) => types.includes(e.type)).length ?? 0
  let last: View | null = null
  return {
    /** Sends a message and waits until the ticket has dealt with it (a decision made and its reply out). */
    async say(text: string): Promise<View> {
      const messagesBefore = count(last, 'CUSTOMER_MESSAGE')
      const decisionsBefore = count(last, 'AGENT_DECIDED', 'AGENT_FAILED')
      const response = await t.app.request('/v1/widget/demo/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorId, text }),
      })
      conversationId = ((await response.json()) as { conversationId: string }).conversationId
      last = await eventually(
        async () => {
          const v = await view()
          if (!v.ticket || count(v, 'CUSTOMER_MESSAGE') <= messagesBefore) return undefined
          const inFlight = v.messages.some((m) => m.direction === 'outbound' && m.deliveryStatus === 'queued')
          const decided = count(v, 'AGENT_DECIDED', 'AGENT_FAILED') > decisionsBefore
          // A person owns the ticket: the message waits for them, no decision comes.
          return (decided || v.ticket.owner === 'human') && !inFlight && v.ticket.status !== 'triaging'
            ? v
            : undefined
        },
        15_000,
        `the ticket to deal with "${text}"`,
      )
      return last
    },
    lastReply: (v: View) => v.messages.filter((m) => m.direction === 'outbound').at(-1)!,
  }
}

describe(`agents on the local model (${testDatabaseKind})`, () => {
  let t: TestRuntime
  beforeAll(async () => {
    t = await startTestRuntime()
  })
  afterAll(async () => {
    await t?.stop()
  })

  it('support goes to Atlas, sales to Loot', async () => {
    const support = await chat(t).say('How do I reset my password?')
    expect(support.decision).toMatchObject({ agent: 'atlas' })
    const sales = await chat(t).say('How much does the Business plan cost per month?')
    expect(sales.decision).toMatchObject({ agent: 'loot' })
    expect(sales.ticket.agent).toBe('loot')
  })

  it('Loot qualifies the lead across turns, offers the demo link and hands it to the sales queue', async () => {
    const c = chat(t)
    let v = await c.say("We're interested in Quillstack for our company, can we get a demo?")
    expect(v.decision).toMatchObject({ agent: 'loot', action: 'auto' })
    expect(c.lastReply(v).body).toContain('https://quillstack.io/demo')
    expect(c.lastReply(v).body).toContain('How many people on your team would use Quillstack?')

    v = await c.say('about 40 people')
    expect(c.lastReply(v).body).toContain('What would your team mainly use Quillstack for?')
    v = await c.say('tracking client projects and deadlines')
    expect(c.lastReply(v).body).toContain('When are you hoping to get started?')
    v = await c.say('next month')
    const handover = c.lastReply(v)
    expect(v.decision).toMatchObject({ agent: 'loot', action: 'escalate', reason: 'qualified_lead' })
    expect(handover.body).toContain(
      '40 people, for tracking client projects and deadlines, starting next month',
    )
    expect(handover.body).toContain('https://quillstack.io/demo')
    expect(handover.body).toContain(`I've created ticket ${v.ticket.number} for our sales team.`)
    expect(v.ticket).toMatchObject({ status: 'pending', owner: 'human', queue: 'sales' })
    expect(v.ticket.subject).toBe(
      'Qualified lead: 40 people, for tracking client projects and deadlines, starting next month',
    )
    const note = v.messages.find((m) => m.direction === 'internal')!
    expect(note.body).toContain('Qualified lead: 40 people')
  })

  it('chit-chat gets a word on what the assistant can do, not a hand-over', async () => {
    for (const text of ['hi there', "what's the weather like in Paris?"]) {
      const v = await chat(t).say(text)
      expect(v.decision).toMatchObject({ agent: 'atlas', action: 'auto', reason: 'off_topic' })
      expect(v.messages.find((m) => m.direction === 'outbound')!.body).toContain('what can I help you with?')
      expect(v.ticket.status).toBe('bot_handled')
    }
    const c = chat(t)
    await c.say('How do I reset my password?')
    const thanks = await c.say('thanks!')
    expect(thanks.decision).toMatchObject({ action: 'auto', reason: 'thanks' })
    expect(c.lastReply(thanks).body).toBe("You're welcome! Is there anything else I can help with?")
  })

  it('a question the Library cannot answer is kept for the sales team while Loot keeps qualifying', async () => {
    const c = chat(t)
    const v = await c.say('Hi, we are a marketing agency with 25 people, is Quillstack a good fit?')
    expect(v.decision).toMatchObject({ agent: 'loot', action: 'auto' })
    expect(c.lastReply(v).body).toContain("I'll make sure our sales team answers it")
    expect(c.lastReply(v).body).toContain('What would your team mainly use Quillstack for?')
    await c.say('client campaign planning')
    const done = await c.say('probably next quarter')
    expect(done.decision).toMatchObject({ action: 'escalate', reason: 'qualified_lead' })
    const note = done.messages.find((m) => m.direction === 'internal')!
    expect(note.body).toContain(
      'Open questions: "Hi, we are a marketing agency with 25 people, is Quillstack a good fit?"',
    )
  })

  it('asks one clarifying question when support and sales are too close to call, then routes the answer', async () => {
    const c = chat(t)
    const v = await c.say('Hi, we are a marketing agency with 25 people, is Quillstack a good fit for us?')
    expect(v.decision).toMatchObject({ agent: 'router', action: 'auto', reason: 'clarify_intent' })
    expect(c.lastReply(v).body).toContain('Is this about buying or changing a plan')
    const next = await c.say("we're looking to buy it for the team")
    expect(next.decision!.agent).toBe('loot')
  })

  it('records a hand-off between agents on the ticket', async () => {
    const c = chat(t)
    await c.say('What does the Team plan cost?')
    const v = await c.say(
      'actually, my automation ran twice and created duplicate cards, please look into it',
    )
    const decisions = v.audit.filter((e) => e.type === 'AGENT_DECIDED')
    expect(decisions.map((e) => e.after.agent)).toEqual(['loot', 'atlas'])
    expect(decisions[1]!.before!.agent).toBe('loot')
    expect(v.ticket.agent).toBe('atlas')
  })
})

describe(`operators teach the local model (${testDatabaseKind})`, () => {
  let t: TestRuntime
  beforeAll(async () => {
    t = await startTestRuntime()
  })
  afterAll(async () => {
    await t?.stop()
  })

  it('re-categorising a ticket becomes a training example; after the retrain job, a near-identical message is classified as corrected', async () => {
    const first = await chat(t).say('The search box on my boards keeps showing old cards')
    expect(first.ticket.category).toBe('bug_report')

    const response = await t.api('POST', `/v1/tickets/${first.ticket.number}/classification`, {
      category: 'feature_request',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ ticket: { category: 'feature_request' } })
    const examples = await t.runtime.database.query<{
      text: string
      labels: Record<string, string>
      source: string
    }>('select text, labels, source from training_examples where tenant_id = $1', [t.tenantId])
    expect(examples).toEqual([
      {
        text: 'The search box on my boards keeps showing old cards',
        labels: { category: 'feature_request' },
        source: 'correction',
      },
    ])
    await eventually(
      async () => {
        const [job] = await t.runtime.database.query<{ state: string }>(
          "select state from pgboss.job where name = 'atlas.retrain' order by created_on desc limit 1",
        )
        return job?.state === 'completed' ? true : undefined
      },
      60_000,
      'the retrain job',
    )

    const again = await chat(t).say('the search box on our boards keeps showing old cards!')
    expect(again.ticket.category).toBe('feature_request')
    // Other messages are unaffected.
    const unrelated = await chat(t).say('How do I reset my password?')
    expect(unrelated.ticket.category).toBe('how_to')
  })

  it('refuses a correction that names no label, or an unknown one', async () => {
    const v = await chat(t).say('How do I export a board?')
    const none = await t.api('POST', `/v1/tickets/${v.ticket.id}/classification`, {})
    expect(none.status).toBe(422)
    expect(await none.json()).toMatchObject({
      error: { message: expect.stringContaining('name at least one') },
    })
    const unknown = await t.api('POST', `/v1/tickets/${v.ticket.id}/classification`, { category: 'gossip' })
    expect(unknown.status).toBe(422)
  })
})

describe(`agents on the openai provider, against a local OpenAI-format server (${testDatabaseKind})`, () => {
  let fake: FakeOpenAI
  let t: TestRuntime
  beforeAll(async () => {
    fake = await startFakeOpenAI()
    t = await startTestRuntime({
      env: {
        ATLAS_MODEL: 'openai',
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.url,
        OPENAI_MODEL: 'gpt-test',
        OPENAI_MAX_ATTEMPTS: '3',
        OPENAI_BACKOFF_BASE_MS: '1',
        OPENAI_BACKOFF_MAX_MS: '5',
        // The provider's own retries are the test's subject; no job-level retries on top.
        ATLAS_AGENT_TURN_RETRIES: '0',
      },
    })
  })
  afterAll(async () => {
    await t?.stop()
    await fake?.close()
  })

  const triageAnswer = () =>
    triageCompletion({
      category: ['how_to', 0.95],
      intent: ['support', 0.97],
      urgency: ['normal', 0.9],
      action: ['answer', 0.96],
    })

  it('answers from the Library with a citation the model chose among the retrieved passages', async () => {
    fake.enqueue(triageAnswer(), (request) => {
      // Cite the first passage offered in the prompt, as a model would.
      const prompt = JSON.stringify(request.body)
      const id = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/.exec(prompt)![1]!
      return replyCompletion({
        answerable: true,
        answer: 'Click "Forgot password?" on the sign-in page and follow the emailed link.',
        citedPassageIds: [id],
        confidence: 0.92,
      })
    })
    const v = await chat(t).say('How do I reset my password?')
    expect(v.decision).toMatchObject({ agent: 'atlas', action: 'auto', model: 'openai:gpt-test' })
    const reply = v.messages.find((m) => m.direction === 'outbound')!
    expect(reply.body).toContain('Forgot password?')
    expect(reply.citations.map((c) => c.slug)).toEqual(['reset-password'])
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test')
  })

  it('the cannot-help path: no answer drafted, the email asked, then a ticket for the billing team', async () => {
    const before = fake.requests.length
    const refund = triageCompletion({
      category: ['billing_inquiry', 0.95],
      intent: ['support', 0.9],
      urgency: ['high', 0.8],
      action: ['refund', 0.97],
    })
    // One triage per turn; no compose call: a refund needs a person, not a drafted answer.
    fake.enqueue(refund, refund)
    const c = chat(t)
    const asked = await c.say('I was charged for a year I did not want, refund me please')
    expect(asked.decision).toMatchObject({
      agent: 'atlas',
      action: 'auto',
      reason: 'ask_email:needs_human:refund',
    })
    const v = await c.say('you can reach me at lee@example.org')
    expect(fake.requests.length - before).toBe(2)
    expect(v.ticket).toMatchObject({ status: 'pending', queue: 'billing' })
    expect(c.lastReply(v).body).toContain(`I've created ticket ${v.ticket.number} for our billing team.`)
    expect(c.lastReply(v).body).toContain('lee@example.org')
  })

  it('a 429 storm is retried, then the ticket is escalated — never dropped', async () => {
    const before = fake.requests.length
    const limited = {
      status: 429,
      message: 'Rate limit reached',
      type: 'requests',
      headers: { 'retry-after-ms': '1' },
    }
    fake.enqueue(limited, limited, limited)
    const v = await chat(t).say('How do I export a board?')
    expect(fake.requests.length - before).toBe(3)
    expect(v.ticket).toMatchObject({ status: 'pending', owner: 'human' })
    expect(v.audit.map((e) => e.type)).toContain('AGENT_FAILED')
  })

  it('malformed tool-call output is rejected and escalated at once, not retried', async () => {
    const before = fake.requests.length
    // The arguments are cut off mid-string: not JSON.
    fake.enqueue(triageAnswer(), {
      toolCalls: [{ name: 'submit_reply', arguments: '{"answerable": true, "answer": "Yes' }],
    })
    const v = await chat(t).say('Can I export my boards to CSV?')
    expect(fake.requests.length - before).toBe(2)
    expect(v.ticket).toMatchObject({ status: 'pending', owner: 'human' })
    const failed = v.audit.find((e) => e.type === 'AGENT_FAILED')
    expect(failed).toBeDefined()
  })
})
