// No silent drops: a model that keeps failing, a channel that keeps refusing, and a job that ran
// out of retries each end with the ticket in a person's hands and the failure visible.
import { eq } from 'drizzle-orm'
import type { JobWithMetadata } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelAdapter } from '../../adapters/types.ts'
import { silentLogger } from '../../common/logger.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import { TicketHost } from '../../machines/host/ticket-host.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { createConversation, createInboundMessage, createTenant } from '../../testing/fixtures.ts'
import { testSecretBox } from '../../testing/secrets.ts'
import { agentTurnHandler, type TurnAgent } from './agent-turn.ts'
import type { JobContext } from './context.ts'
import { deadLetterHandler } from './dead-letter.ts'
import { deliveryHandler } from './delivery.ts'
import { type JobStore, startJobStore } from './job-store.ts'
import { QUEUES } from './queues.ts'

let testDb: TestDatabase
let jobs: JobStore
let context: JobContext
let tenantId: string
let channelId: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  jobs = await startJobStore({ database: testDb.database, logger: silentLogger, supervise: false })
  const host = new TicketHost({ database: testDb.database, outbox: jobs.outbox })
  context = { database: testDb.database, host, logger: silentLogger, outbox: jobs.outbox }
  const created = await createTenant(testDb.database.db)
  tenantId = created.tenant.id
  channelId = created.channel.id
})
afterAll(async () => {
  await jobs?.stop({ graceful: false })
  await testDb?.drop()
})

/** A ticket in triage, its agent turn 1 in flight. */
async function ticketInTriage() {
  const { conversation } = await createConversation(testDb.database.db, tenantId, channelId)
  const message = await createInboundMessage(testDb.database.db, conversation, 'How do I export a board?')
  const opened = await context.host.dispatchToConversation(
    conversation.id,
    { type: 'CUSTOMER_MESSAGE', messageId: message.id },
    { actor: { kind: 'customer', id: null } },
  )
  await testDb.database.db
    .update(messages)
    .set({ ticketId: opened.ticketId })
    .where(eq(messages.id, message.id))
  return { ticketId: opened.ticketId, messageId: message.id }
}

const job = <T extends object>(
  data: T,
  attempt: number,
  limit: number,
  extra: Partial<JobWithMetadata<T>> = {},
) =>
  ({
    id: crypto.randomUUID(),
    name: 'test',
    data,
    retryCount: attempt,
    retryLimit: limit,
    ...extra,
  }) as JobWithMetadata<T>

const ticket = async (id: string) =>
  (await testDb.database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!

/** The bot answers turn 1 on its own (`auto`): its reply is queued for delivery. */
async function botAnswered(ticketId: string): Promise<string> {
  const replyId = crypto.randomUUID()
  await context.host.dispatch(
    ticketId,
    {
      type: 'AGENT_DECIDED',
      turn: 1,
      decisionId: crypto.randomUUID(),
      agent: 'atlas',
      action: 'auto',
      confidence: 0.95,
      reason: 'answered_from_library',
      category: 'how_to',
      intent: 'support',
      urgency: 'normal',
      reply: { messageId: replyId, body: 'Use Export.', citations: [] },
      draftId: null,
      model: 'local',
      latencyMs: 1,
      scores: {},
      memory: {},
      toolCalls: [],
    },
    { actor: { kind: 'bot', id: 'atlas' } },
  )
  return replyId
}

const brokenModel: TurnAgent = {
  name: 'atlas',
  run: async () => {
    throw new Error('model timed out after 30 s')
  },
}

describe(`failures end with a person (${testDatabaseKind})`, () => {
  it('a failing model call is retried, then escalates on its last attempt', async () => {
    const { ticketId, messageId } = await ticketInTriage()
    const handler = agentTurnHandler(context, brokenModel)
    // Not the last attempt: the error goes back to pg-boss, which retries with backoff.
    await expect(handler(job({ ticketId, turn: 1, messageId }, 0, 3))).rejects.toThrow('model timed out')
    expect(await ticket(ticketId)).toMatchObject({ status: 'triaging' })
    // The last attempt: the ticket goes to people, with the reason.
    await handler(job({ ticketId, turn: 1, messageId }, 3, 3))
    expect(await ticket(ticketId)).toMatchObject({ status: 'pending', owner: 'human' })
    const [snapshot] = await testDb.database.query<{ reason: string }>(
      `select snapshot->'context'->'escalation'->>'reason' as reason from actor_snapshots where actor_id = $1`,
      [ticketId],
    )
    expect(snapshot!.reason).toBe('agent_failed: model timed out after 30 s')
  })

  it('a reply the channel keeps refusing is marked failed and escalates', async () => {
    const { ticketId } = await ticketInTriage()
    const replyId = await botAnswered(ticketId)
    let calls = 0
    const refusing: ChannelAdapter = {
      kind: 'widget',
      parse: () => ({ messages: [], statuses: [], ignored: 0 }),
      send: async () => {
        calls++
        throw new Error('503 Service Unavailable')
      },
    }
    const handler = deliveryHandler(context, testSecretBox(), () => refusing)
    await expect(handler(job({ ticketId, messageId: replyId }, 0, 10))).rejects.toThrow('503')
    // While it backs off, the operator sees why the reply is still queued.
    const [waiting] = await testDb.database.db.select().from(messages).where(eq(messages.id, replyId))
    expect(waiting).toMatchObject({
      deliveryStatus: 'queued',
      deliveryError: 'Attempt 1 of 11 failed, retrying: 503 Service Unavailable',
    })
    await handler(job({ ticketId, messageId: replyId }, 10, 10))
    expect(calls).toBe(2)
    const [reply] = await testDb.database.db.select().from(messages).where(eq(messages.id, replyId))
    expect(reply).toMatchObject({ deliveryStatus: 'failed', deliveryError: '503 Service Unavailable' })
    expect(await ticket(ticketId)).toMatchObject({ status: 'pending', owner: 'human' })
    // A late retry of the same job sends nothing more.
    await handler(job({ ticketId, messageId: replyId }, 10, 10))
    expect(calls).toBe(2)
  })

  it('a reply already marked sent is never sent again when its job runs twice', async () => {
    const { ticketId } = await ticketInTriage()
    const replyId = crypto.randomUUID()
    await context.host.dispatch(
      ticketId,
      { type: 'HUMAN_REPLY', messageId: replyId, text: 'On it.', by: 'op-1' },
      { actor: { kind: 'human', id: 'op-1' } },
    )
    let sent = 0
    const counting: ChannelAdapter = {
      kind: 'widget',
      parse: () => ({ messages: [], statuses: [], ignored: 0 }),
      send: async (message) => {
        sent++
        return { providerMessageId: `p-${message.id}` }
      },
    }
    const handler = deliveryHandler(context, testSecretBox(), () => counting)
    await handler(job({ ticketId, messageId: replyId }, 0, 10))
    await handler(job({ ticketId, messageId: replyId }, 1, 10))
    expect(sent).toBe(1)
    const [reply] = await testDb.database.db.select().from(messages).where(eq(messages.id, replyId))
    expect(reply).toMatchObject({ deliveryStatus: 'sent', providerMessageId: `p-${replyId}` })
  })

  it('a reply whose send was cut off by a dying process is not sent again: it fails and escalates', async () => {
    const { ticketId } = await ticketInTriage()
    const replyId = await botAnswered(ticketId)
    // The first attempt hands the reply to the provider and never hears back: its process died.
    let handedOver!: () => void
    const sending = new Promise<void>((resolve) => {
      handedOver = resolve
    })
    const dying: ChannelAdapter = {
      kind: 'widget',
      parse: () => ({ messages: [], statuses: [], ignored: 0 }),
      send: () => {
        handedOver()
        return new Promise(() => {})
      },
    }
    void deliveryHandler(context, testSecretBox(), () => dying)(job({ ticketId, messageId: replyId }, 0, 10))
    await sending
    // The retry cannot know whether the customer got it: at most once, so a person takes over.
    let sent = 0
    const counting: ChannelAdapter = {
      ...dying,
      send: async (message) => {
        sent++
        return { providerMessageId: `p-${message.id}` }
      },
    }
    await deliveryHandler(
      context,
      testSecretBox(),
      () => counting,
    )(job({ ticketId, messageId: replyId }, 1, 10))
    expect(sent).toBe(0)
    const [reply] = await testDb.database.db.select().from(messages).where(eq(messages.id, replyId))
    expect(reply).toMatchObject({ deliveryStatus: 'failed' })
    expect(reply!.deliveryError).toMatch(/stopped while sending/)
    expect(await ticket(ticketId)).toMatchObject({ status: 'pending', owner: 'human' })
  })

  it('a job that ran out of retries (its worker died every time) is turned into the escalation', async () => {
    const { ticketId, messageId } = await ticketInTriage()
    await deadLetterHandler(context)(
      job({ ticketId, turn: 1, messageId }, 0, 5, { sourceName: QUEUES.agentTurn, sourceRetryCount: 3 }),
    )
    expect(await ticket(ticketId)).toMatchObject({ status: 'pending', owner: 'human' })
  })
})
