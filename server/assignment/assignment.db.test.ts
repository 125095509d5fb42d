// Auto-assignment end to end: widget messages that escalate reach the route job, which applies the
// first matching routing rule and the queue's strategy — round robin, offline members skipped,
// least loaded — and leaves its trail in the audit as the system actor `routing`.
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { JobWithMetadata } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queues, tags } from '../../drizzle/schema/team.ts'
import { ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import type { RouteJob } from '../../machines/host/outbox.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { createUser } from '../auth/users.ts'
import { routeHandler, routeTicket } from '../jobs/route.ts'

let t: TestRuntime
let alice: string
let bob: string
let queueId: string

interface TicketView {
  id: string
  number: string
  status: string
  owner: string
  assignee: string | null
  queue: string | null
  priority: string
  tags: string[]
}
interface AuditEntry {
  seq: number
  type: string
  actor: { kind: string; id: string | null }
  payload: Record<string, unknown>
}

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  return JSON.parse(text) as T
}

async function ticketOf(conversationId: string) {
  return json<{ ticket: TicketView | null; audit: AuditEntry[] }>(
    await t.api('GET', `/v1/conversations/${conversationId}`),
  )
}

/** A visitor (who gave their email, so nobody asks for it) writes something that needs a person. */
async function write(text: string): Promise<string> {
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      visitorId: `route-${randomUUID()}`,
      text,
      name: 'Robin Customer',
      email: `robin-${randomUUID().slice(0, 8)}@customer.example`,
      language: 'en-GB',
    }),
  })
  return (await json<{ conversationId: string }>(response, 202)).conversationId
}

type ConversationView = Awaited<ReturnType<typeof ticketOf>>

/** Waits until the conversation's view passes `done`. */
const until = (conversationId: string, done: (view: ConversationView) => boolean, what: string) =>
  eventually(
    async () => {
      const view = await ticketOf(conversationId)
      return done(view) ? view : undefined
    },
    30_000,
    what,
  )
const handedOver = (view: ConversationView) => view.ticket?.owner === 'human'

/** …and waits until routing gave the ticket to someone. */
async function escalate(text: string) {
  const conversationId = await write(text)
  return until(
    conversationId,
    (view) => handedOver(view) && !!view.ticket!.assignee,
    `"${text}" to be escalated and assigned`,
  )
}

/** What the route job runs with, for calling it directly. */
const jobContext = () => ({
  database: t.runtime.database,
  host: t.runtime.host,
  logger: t.runtime.logger,
  outbox: t.runtime.jobs.outbox,
})
const routeJob = (ticketId: string, id: string = randomUUID()) =>
  ({ id, data: { ticketId } }) as JobWithMetadata<RouteJob>

const setAvailability = async (userId: string, availability: string) =>
  json(await t.api('PATCH', `/v1/admin/team/members/${userId}`, { availability }))
const setStrategy = async (strategy: string) =>
  json(await t.api('PATCH', `/v1/admin/queues/${queueId}`, { strategy }))

beforeAll(async () => {
  t = await startTestRuntime()
  const db = t.runtime.database.db
  const person = (name: string) =>
    createUser(db, {
      tenantId: t.tenantId,
      email: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@quillstack.example`,
      name,
      role: 'agent',
      password: 'correct horse battery',
    })
  alice = (await person('Alice')).id
  bob = (await person('Bob')).id
  const queue = await json<{ queue: { id: string } }>(
    await t.api('POST', '/v1/admin/queues', {
      name: 'support',
      strategy: 'round_robin',
      members: [alice, bob],
    }),
    201,
  )
  queueId = queue.queue.id
  await json(
    await t.api('POST', '/v1/admin/routing-rules', {
      name: 'Refunds are urgent',
      conditions: { keywords: ['refund'], languages: ['en'] },
      actions: { queue: 'support', priority: 'urgent', tags: ['refund-request'] },
    }),
    201,
  )
})
afterAll(async () => {
  await t?.stop()
})

describe(`auto-assignment (${testDatabaseKind})`, () => {
  it('round robin hands escalated tickets to the queue members in turn', async () => {
    const first = await escalate('I want to talk to a human')
    const second = await escalate('Can I talk to a real person please?')
    const third = await escalate('I want to speak to a human agent')
    expect([first, second, third].map((v) => v.ticket!.assignee)).toEqual([alice, bob, alice])
    for (const view of [first, second, third]) {
      expect(view.ticket).toMatchObject({ status: 'pending', queue: 'support', priority: 'normal' })
      const assign = view.audit.filter((e) => e.type === 'ASSIGN')
      expect(assign).toHaveLength(1)
      expect(assign[0]!.actor).toEqual({ kind: 'system', id: 'routing' })
      expect(assign[0]!.payload).toMatchObject({ by: 'routing', assignee: view.ticket!.assignee })
    }
    const [queue] = await t.runtime.database.db.select().from(queues).where(eq(queues.id, queueId))
    expect(queue!.lastAssignedUserId).toBe(alice)
  })

  it('skips a member who is offline', async () => {
    // Bob is next in turn, but offline.
    await setAvailability(bob, 'offline')
    try {
      const view = await escalate('I want to talk to a human')
      expect(view.ticket!.assignee).toBe(alice)
    } finally {
      await setAvailability(bob, 'online')
    }
  })

  it('least loaded gives the ticket to the member with fewer open tickets', async () => {
    await setStrategy('least_loaded')
    // Alice has three open tickets, Bob one: Bob gets the next two, though round robin would alternate.
    const next = await escalate('Is there a human I can chat with?')
    expect(next.ticket!.assignee).toBe(bob)
    const after = await escalate('I want to talk to a human')
    expect(after.ticket!.assignee).toBe(bob)
    const open = await t.runtime.database.db
      .select({ assignee: tickets.assignee })
      .from(tickets)
      .where(eq(tickets.tenantId, t.tenantId))
    expect(open.filter((r) => r.assignee === alice)).toHaveLength(3)
    expect(open.filter((r) => r.assignee === bob)).toHaveLength(3)
    await setStrategy('round_robin')
  })

  it("applies the matching rule: its queue, priority and tag, each by the system actor 'routing'", async () => {
    const view = await escalate('I want a refund for my last invoice, I was charged twice.')
    // Atlas handed it to billing; the rule sent it to support instead.
    expect(view.ticket).toMatchObject({ queue: 'support', priority: 'urgent', tags: ['refund-request'] })
    expect([alice, bob]).toContain(view.ticket!.assignee)
    const byRouting = view.audit.filter((e) => e.actor.id === 'routing')
    expect(byRouting.map((e) => e.type)).toEqual(['SET_PRIORITY', 'TAG', 'ASSIGN'])
    expect(byRouting.every((e) => e.actor.kind === 'system')).toBe(true)
    expect(byRouting[0]!.payload).toMatchObject({ priority: 'urgent', by: 'routing' })
    expect(byRouting[1]!.payload).toMatchObject({ add: ['refund-request'], by: 'routing' })
    // The audit over the API shows the same.
    const full = await json<{ audit: AuditEntry[] }>(await t.api('GET', `/v1/tickets/${view.ticket!.number}`))
    expect(full.audit.find((e) => e.type === 'ASSIGN')!.actor).toEqual({ kind: 'system', id: 'routing' })
    // The rule's tag joined the workspace's tag list.
    const [tag] = await t.runtime.database.db
      .select()
      .from(tags)
      .where(and(eq(tags.tenantId, t.tenantId), eq(tags.name, 'refund-request')))
    expect(tag).toBeDefined()
  })

  it('a manual queue assigns nobody; a retried routing job applies nothing twice', async () => {
    await setStrategy('manual')
    const conversationId = await write('Please refund my last payment')
    // The rule still applies its priority and tag; nobody is assigned.
    const routed = await until(
      conversationId,
      (view) => view.audit.some((e) => e.type === 'TAG' && e.actor.id === 'routing'),
      'the rule to be applied',
    )
    expect(routed.ticket).toMatchObject({
      owner: 'human',
      assignee: null,
      priority: 'urgent',
      queue: 'support',
    })
    const ticketId = routed.ticket!.id

    await setStrategy('round_robin')
    const context = jobContext()
    const job = routeJob(ticketId)
    await routeHandler(context)(job)
    // The same job again (pg-boss retried it): the ticket has its person, nothing changes.
    await routeHandler(context)(job)
    const [row] = await t.runtime.database.db.select().from(tickets).where(eq(tickets.id, ticketId))
    expect([alice, bob]).toContain(row!.assignee)
    const again = await routeTicket(context, ticketId, `route:${randomUUID()}`)
    expect(again).toMatchObject({ assignee: row!.assignee, reason: 'already assigned' })

    const events = await t.runtime.database.db
      .select()
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticketId))
    expect(events.filter((e) => e.type === 'ASSIGN')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'SET_PRIORITY')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'TAG')).toHaveLength(1)
  })

  it('leaves a closed ticket alone', async () => {
    await setStrategy('manual')
    const conversationId = await write('I want to talk to a human')
    const view = await until(conversationId, handedOver, 'the escalation')
    await json(await t.api('POST', `/v1/tickets/${view.ticket!.id}/status`, { status: 'closed' }))
    await setStrategy('round_robin')
    const outcome = await routeTicket(jobContext(), view.ticket!.id, `route:${randomUUID()}`)
    expect(outcome).toMatchObject({ assignee: null, reason: 'ticket is closed' })
    const [row] = await t.runtime.database.db.select().from(tickets).where(eq(tickets.id, view.ticket!.id))
    expect(row!.assignee).toBeNull()
  })

  it('two tickets routed at the same moment go to two different people', async () => {
    await setStrategy('manual')
    const routedNobody = async (text: string) => {
      const view = await until(await write(text), handedOver, 'the escalation')
      // The manual queue's routing job has run (and assigned nobody).
      await eventually(
        async () => {
          const rows = await t.runtime.database.query<{ state: string }>(
            "select state from pgboss.job where name = 'atlas.route' and data->>'ticketId' = $1",
            [view.ticket!.id],
          )
          return rows.some((r) => r.state === 'completed') ? true : undefined
        },
        30_000,
        'the routing job',
      )
      return view.ticket!.id
    }
    const ids = [
      await routedNobody('I want to talk to a human'),
      await routedNobody('Is there a human I can chat with?'),
    ]
    await setStrategy('round_robin')
    // Both read the same round-robin position; the second to commit finds it moved and decides again.
    await Promise.all(ids.map((ticketId) => routeHandler(jobContext())(routeJob(ticketId))))
    const rows = await Promise.all(
      ids.map(
        async (id) => (await t.runtime.database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!,
      ),
    )
    expect(new Set(rows.map((r) => r.assignee))).toEqual(new Set([alice, bob]))
  })
})
