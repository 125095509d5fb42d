// The ticket host against a real database (PGlite, or PostgreSQL in CI): persistence, the audit
// trail, effects as jobs in the same transaction, idempotency, and ordering under concurrency.
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { silentLogger } from '../../common/logger.ts'
import { type Database, openDatabase } from '../../drizzle/database.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import {
  actorSnapshots,
  agentDecisions,
  drafts,
  ticketEvents,
  tickets,
} from '../../drizzle/schema/tickets.ts'
import { type JobStore, startJobStore } from '../../server/jobs/job-store.ts'
import { QUEUES } from '../../server/jobs/queues.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { createConversation, createInboundMessage, createTenant, jobsIn } from '../../testing/fixtures.ts'
import type { PersistedTicket } from '../actor-snapshot.ts'
import type { TicketEvent } from '../ticket.machine.ts'
import { type Actor, TicketHost } from './ticket-host.ts'

let testDb: TestDatabase
let database: Database
let jobs: JobStore
let host: TicketHost
let tenantId: string
let channelId: string

const customer: Actor = { kind: 'customer', id: 'c-1' }
const operator: Actor = { kind: 'human', id: 'op-1' }

beforeAll(async () => {
  testDb = await createTestDatabase()
  database = testDb.database
  jobs = await startJobStore({ database, logger: silentLogger, supervise: false })
  host = new TicketHost({ database, outbox: jobs.outbox, autoCloseSeconds: 3600 })
  const { tenant, channel } = await createTenant(database.db)
  tenantId = tenant.id
  channelId = channel.id
})

afterAll(async () => {
  await jobs?.stop({ graceful: false })
  await testDb?.drop()
})

async function newTicket(text = 'How do I export a board?') {
  const { conversation } = await createConversation(database.db, tenantId, channelId)
  const message = await createInboundMessage(database.db, conversation, text)
  const result = await host.dispatchToConversation(
    conversation.id,
    { type: 'CUSTOMER_MESSAGE', messageId: message.id },
    { actor: customer, idempotencyKey: `message:${message.id}` },
  )
  return { conversation, message, result, ticketId: result.ticketId }
}

const audit = (ticketId: string) =>
  database.db
    .select()
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.seq))

const ticketRow = async (ticketId: string) =>
  (await database.db.select().from(tickets).where(eq(tickets.id, ticketId)))[0]!

const decided = (
  turn: number,
  action: 'auto' | 'review' | 'escalate',
  replyId: string,
  draftId: string | null = null,
) =>
  ({
    type: 'AGENT_DECIDED',
    turn,
    decisionId: crypto.randomUUID(),
    agent: 'atlas',
    action,
    confidence: 0.9,
    reason: 'answered_from_library',
    category: 'how_to',
    intent: 'support',
    urgency: 'normal',
    reply: { messageId: replyId, body: 'Use Export in the board menu.', citations: [] },
    draftId,
    model: 'local',
    latencyMs: 4,
    scores: { action: { label: 'answer' } },
    memory: {},
    toolCalls: [],
  }) satisfies TicketEvent

describe(`ticket host (${testDatabaseKind})`, () => {
  it('opens a ticket with a human number on the first message and starts an agent turn in the same transaction', async () => {
    const first = await newTicket()
    const second = await newTicket()
    expect(first.result).toMatchObject({
      outcome: 'applied',
      state: 'triaging',
      owner: 'bot',
      opened: true,
      version: 1,
    })
    expect(second.result.ticketNumber).toBe(first.result.ticketNumber + 1)

    const ticket = await ticketRow(first.ticketId)
    expect(ticket).toMatchObject({ status: 'triaging', owner: 'bot', version: 1 })
    const [snapshot] = await database.db
      .select()
      .from(actorSnapshots)
      .where(eq(actorSnapshots.actorId, first.ticketId))
    expect((snapshot!.snapshot as unknown as PersistedTicket).value).toBe('triaging')
    expect(snapshot!.version).toBe(1)

    const [event] = await audit(first.ticketId)
    expect(event).toMatchObject({
      seq: 1,
      type: 'CUSTOMER_MESSAGE',
      actorKind: 'customer',
      actorId: 'c-1',
      outcome: 'applied',
      before: null,
      // The first message starts the first-response and resolution SLA clocks too.
      effects: ['startTurn', 'slaClock', 'slaClock'],
    })
    expect(event!.after).toMatchObject({ status: 'triaging', owner: 'bot' })

    const turns = (await jobsIn(database, QUEUES.agentTurn)).filter((j) => j.data.ticketId === first.ticketId)
    expect(turns.map((j) => j.data)).toEqual([
      { ticketId: first.ticketId, turn: 1, messageId: first.message.id },
    ])
  })

  it('an auto decision records the decision, queues exactly one reply and its delivery job', async () => {
    const { ticketId, message } = await newTicket()
    const replyId = crypto.randomUUID()
    const result = await host.dispatch(ticketId, decided(1, 'auto', replyId), {
      actor: { kind: 'bot', id: 'atlas' },
      idempotencyKey: 'turn:1:decided',
    })
    expect(result).toMatchObject({
      outcome: 'applied',
      state: 'bot_handled',
      // The reply meets the first response, pauses resolution (waiting on the customer) and arms the
      // customer follow-up.
      effects: ['recordDecision', 'queueReply', 'slaClock', 'slaClock', 'scheduleTimer'],
    })

    const [reply] = await database.db.select().from(messages).where(eq(messages.id, replyId))
    expect(reply).toMatchObject({
      direction: 'outbound',
      author: 'bot',
      deliveryStatus: 'queued',
      replyToId: message.id,
    })
    const decisions = await database.db
      .select()
      .from(agentDecisions)
      .where(eq(agentDecisions.ticketId, ticketId))
    expect(decisions).toHaveLength(1)
    expect((await ticketRow(ticketId)).firstResponseAt).toBeInstanceOf(Date)
    const deliveries = (await jobsIn(database, QUEUES.delivery)).filter((j) => j.data.ticketId === ticketId)
    expect(deliveries.map((j) => j.data)).toEqual([{ ticketId, messageId: replyId }])

    // The same decision delivered again (a retried job) changes nothing and sends nothing.
    const again = await host.dispatch(ticketId, decided(1, 'auto', crypto.randomUUID()), {
      actor: { kind: 'bot', id: 'atlas' },
      idempotencyKey: 'turn:1:decided',
    })
    expect(again.outcome).toBe('duplicate')
    expect(await audit(ticketId)).toHaveLength(2)
    expect(
      (await jobsIn(database, QUEUES.delivery)).filter((j) => j.data.ticketId === ticketId),
    ).toHaveLength(1)
  })

  it('a review decision stores a draft; approving it sends the draft text once', async () => {
    const { ticketId } = await newTicket()
    const draftId = crypto.randomUUID()
    await host.dispatch(ticketId, decided(1, 'review', crypto.randomUUID(), draftId), {
      actor: { kind: 'bot', id: 'atlas' },
    })
    expect((await database.db.select().from(drafts).where(eq(drafts.id, draftId)))[0]).toMatchObject({
      status: 'pending',
    })

    const sentId = crypto.randomUUID()
    await host.dispatch(
      ticketId,
      { type: 'DRAFT_APPROVE', draftId, messageId: sentId, by: 'op-1' },
      { actor: operator },
    )
    const [sent] = await database.db.select().from(messages).where(eq(messages.id, sentId))
    expect(sent).toMatchObject({ body: 'Use Export in the board menu.', author: 'bot', authorRef: 'op-1' })
    expect((await database.db.select().from(drafts).where(eq(drafts.id, draftId)))[0]).toMatchObject({
      status: 'sent',
      decidedBy: 'op-1',
      sentMessageId: sentId,
    })
  })

  it('records an event the ticket cannot take as ignored, or refuses it for operators with nothing written', async () => {
    const { ticketId } = await newTicket()
    const stale = await host.dispatch(
      ticketId,
      { type: 'TIMER', timer: 'autoClose', token: 99 },
      {
        actor: { kind: 'system', id: 'timer' },
      },
    )
    expect(stale).toMatchObject({ outcome: 'ignored', state: 'triaging', version: 2 })
    expect((await audit(ticketId)).at(-1)).toMatchObject({ type: 'TIMER', outcome: 'ignored' })

    await expect(
      host.dispatch(ticketId, { type: 'HAND_BACK', by: 'op-1' }, { actor: operator, rejectIfIgnored: true }),
    ).rejects.toMatchObject({ code: 'invalid_transition' })
    expect(await audit(ticketId)).toHaveLength(2)
    expect((await ticketRow(ticketId)).version).toBe(2)
  })

  it('rolls back everything — snapshot, projection, audit, jobs — when the transaction fails', async () => {
    const { ticketId } = await newTicket()
    const jobsBefore = (await jobsIn(database, QUEUES.agentTurn)).length
    await expect(
      host.dispatch(
        ticketId,
        { type: 'CUSTOMER_MESSAGE', messageId: crypto.randomUUID() },
        {
          actor: customer,
          within: async () => {
            throw new AtlasError('internal', 'disk on fire')
          },
        },
      ),
    ).rejects.toThrow('disk on fire')
    expect(await audit(ticketId)).toHaveLength(1)
    expect(await ticketRow(ticketId)).toMatchObject({ version: 1, status: 'triaging' })
    expect((await jobsIn(database, QUEUES.agentTurn)).length).toBe(jobsBefore)
  })

  it('applies 20 concurrent events on one ticket in the order they were dispatched, none lost', async () => {
    const { ticketId } = await newTicket()
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        host.dispatch(ticketId, { type: 'ASSIGN', assignee: `op-${i}`, by: 'lead' }, { actor: operator }),
      ),
    )
    expect(results.map((r) => r.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    const events = (await audit(ticketId)).slice(1)
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    expect(events.map((e) => (e.payload as { assignee: string }).assignee)).toEqual(
      Array.from({ length: 20 }, (_, i) => `op-${i}`),
    )
    // Each event saw the state the previous one left: no lost update.
    for (let i = 1; i < events.length; i++) expect(events[i]!.before).toEqual(events[i - 1]!.after)
    expect(await ticketRow(ticketId)).toMatchObject({ assignee: 'op-19', version: 21 })
  })

  it('serialises events from two hosts (two processes) on one ticket through the row lock', async () => {
    const { ticketId } = await newTicket()
    // On PostgreSQL the second host gets its own connection pool, as a second process would.
    const otherDatabase = testDb.url ? await openDatabase({ url: testDb.url, maxConnections: 4 }) : database
    const other = new TicketHost({ database: otherDatabase, outbox: jobs.outbox })
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? host : other).dispatch(
            ticketId,
            { type: 'ASSIGN', assignee: `op-${i}`, by: 'lead' },
            { actor: operator, idempotencyKey: `assign-${i}` },
          ),
        ),
      )
    } finally {
      if (otherDatabase !== database) await otherDatabase.close()
    }
    const events = (await audit(ticketId)).slice(1)
    expect(events).toHaveLength(20)
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    expect(new Set(events.map((e) => e.idempotencyKey)).size).toBe(20)
    for (let i = 1; i < events.length; i++) expect(events[i]!.before).toEqual(events[i - 1]!.after)
    // Events from one host keep their dispatch order.
    const fromHost = events
      .map((e) => Number((e.payload as { assignee: string }).assignee.slice(3)))
      .filter((n) => n % 2 === 0)
    expect(fromHost).toEqual([...fromHost].sort((a, b) => a - b))
  })

  it.runIf(testDatabaseKind === 'postgres')('runs events of different tickets in parallel', async () => {
    const a = await newTicket()
    const b = await newTicket()
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let entered!: () => void
    const aInside = new Promise<void>((resolve) => {
      entered = resolve
    })
    const slow = host.dispatch(
      a.ticketId,
      { type: 'ASSIGN', assignee: 'x', by: 'lead' },
      {
        actor: operator,
        within: async () => {
          entered()
          await held
        },
      },
    )
    await aInside
    // Ticket A's transaction holds its row lock; ticket B must not wait for it.
    const fast = await host.dispatch(
      b.ticketId,
      { type: 'ASSIGN', assignee: 'y', by: 'lead' },
      { actor: operator },
    )
    expect(fast.outcome).toBe('applied')
    release()
    expect((await slow).outcome).toBe('applied')
  })

  it('schedules the auto-close timer as a delayed job, and a closed ticket makes the next message open a new one', async () => {
    const { ticketId, conversation } = await newTicket()
    const before = Date.now()
    await host.dispatch(ticketId, { type: 'RESOLVE', by: 'op-1' }, { actor: operator })
    const [timer] = (await jobsIn(database, QUEUES.timer)).filter((j) => j.data.ticketId === ticketId)
    expect(timer!.data).toEqual({ ticketId, timer: 'autoClose', token: 1 })
    expect(timer!.singleton_key).toBe(`${ticketId}:autoClose:1`)
    expect(new Date(timer!.start_after).getTime()).toBeGreaterThanOrEqual(before + 3590_000)
    expect((await ticketRow(ticketId)).resolvedAt).toBeInstanceOf(Date)

    await host.dispatch(
      ticketId,
      { type: 'TIMER', timer: 'autoClose', token: 1 },
      { actor: { kind: 'system', id: 'timer' } },
    )
    expect(await ticketRow(ticketId)).toMatchObject({ status: 'closed' })

    const followUp = await createInboundMessage(database.db, conversation, 'One more question')
    const next = await host.dispatchToConversation(
      conversation.id,
      { type: 'CUSTOMER_MESSAGE', messageId: followUp.id },
      { actor: customer },
    )
    expect(next.ticketId).not.toBe(ticketId)
    expect(next).toMatchObject({ opened: true, state: 'triaging' })
  })

  it('refuses to edit the audit trail', async () => {
    const { ticketId } = await newTicket()
    await expect(
      database.query(`update ticket_events set type = 'X' where ticket_id = $1`, [ticketId]),
    ).rejects.toThrow(/append-only/)
  })
})
