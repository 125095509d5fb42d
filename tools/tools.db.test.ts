// The built-in tools against a real database: what they read, what they write, and that a tool
// which changes the world does it once per idempotency key and refuses to run without one.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../common/logger.ts'
import { contacts } from '../drizzle/schema/contacts.ts'
import { messages } from '../drizzle/schema/conversations.ts'
import { healthScores, knowledgeGaps } from '../drizzle/schema/customer-success.ts'
import { tickets } from '../drizzle/schema/tickets.ts'
import { TicketHost } from '../machines/host/ticket-host.ts'
import { type JobStore, startJobStore } from '../server/jobs/job-store.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../testing/database.ts'
import { createConversation, createInboundMessage, createTenant } from '../testing/fixtures.ts'
import { createTicket, customerHealth, customerLookup, logKnowledgeGap, requestHuman } from './index.ts'

let testDb: TestDatabase
let jobs: JobStore
let tenantId: string
let ticket: { id: string; conversationId: string; contactId: string }

beforeAll(async () => {
  testDb = await createTestDatabase()
  jobs = await startJobStore({ database: testDb.database, logger: silentLogger, supervise: false })
  const { tenant, channel } = await createTenant(testDb.database.db)
  tenantId = tenant.id
  const { conversation, contact } = await createConversation(testDb.database.db, tenantId, channel.id)
  const message = await createInboundMessage(testDb.database.db, conversation, 'Refund my annual plan')
  const host = new TicketHost({ database: testDb.database, outbox: jobs.outbox })
  const opened = await host.dispatchToConversation(
    conversation.id,
    { type: 'CUSTOMER_MESSAGE', messageId: message.id },
    { actor: { kind: 'customer', id: contact.id } },
  )
  ticket = { id: opened.ticketId, conversationId: conversation.id, contactId: contact.id }
})
afterAll(async () => {
  await jobs?.stop({ graceful: false })
  await testDb?.drop()
})

const ctx = (idempotencyKey?: string) => ({ tenantId, db: testDb.database.db, ticket, idempotencyKey })

describe(`tools (${testDatabaseKind})`, () => {
  it('customer_lookup returns the contact and their recent tickets; another tenant sees nothing', async () => {
    const found = await customerLookup.call(ctx(), { contactId: ticket.contactId })
    expect(found.contact).toMatchObject({ id: ticket.contactId, name: 'Sam Visitor' })
    expect(found.tickets).toHaveLength(1)
    expect(found.tickets[0]!.number).toMatch(/^TKT-\d+$/)
    const stranger = await customerLookup.call(
      { ...ctx(), tenantId: crypto.randomUUID() },
      { contactId: ticket.contactId },
    )
    expect(stranger).toEqual({ contact: null, tickets: [] })
  })

  it('customer_health reads the latest stored score, or nothing when none was computed', async () => {
    expect(await customerHealth.call(ctx(), { contactId: ticket.contactId })).toEqual({
      score: null,
      risk: null,
      components: {},
      computedAt: null,
    })
    await testDb.database.db.insert(healthScores).values([
      { tenantId, contactId: ticket.contactId, score: 72, risk: 'low', computedAt: new Date('2026-11-01') },
      {
        tenantId,
        contactId: ticket.contactId,
        score: 41,
        risk: 'high',
        components: { engagement: 30 },
        computedAt: new Date('2026-11-20'),
      },
    ])
    expect(await customerHealth.call(ctx(), { contactId: ticket.contactId })).toMatchObject({
      score: 41,
      risk: 'high',
      components: { engagement: 30 },
    })
  })

  it('create_ticket sets subject and queue, notes the summary once, and saves a new email', async () => {
    const input = {
      subject: 'Refund: annual plan',
      summary: 'Wants a refund.',
      queue: 'billing',
      email: 'sam@example.com',
    }
    const first = await createTicket.call(ctx('turn:1:tool:0'), input)
    const again = await createTicket.call(ctx('turn:1:tool:0'), input)
    expect(again).toEqual(first)
    expect(first).toMatchObject({ ticketId: ticket.id, queue: 'billing' })
    const [row] = await testDb.database.db.select().from(tickets).where(eq(tickets.id, ticket.id))
    expect(row).toMatchObject({ subject: 'Refund: annual plan', queue: 'billing' })
    const notes = await testDb.database.db.select().from(messages).where(eq(messages.direction, 'internal'))
    expect(notes).toHaveLength(1)
    expect(notes[0]!.body).toContain('Wants a refund.')
    const [contact] = await testDb.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.id, ticket.contactId))
    expect(contact!.email).toBe('sam@example.com')
  })

  it('request_human moves the ticket to a queue with a note; log_knowledge_gap records a gap once', async () => {
    await requestHuman.call(ctx('turn:2:tool:0'), { queue: 'sales', note: 'Wants 200 seats.' })
    const [row] = await testDb.database.db.select().from(tickets).where(eq(tickets.id, ticket.id))
    expect(row!.queue).toBe('sales')
    const gap = { question: 'Do you have a Gantt view?', bestScore: 0.2 }
    expect(await logKnowledgeGap.call(ctx('turn:3:tool:0'), gap)).toEqual({ logged: true })
    expect(await logKnowledgeGap.call(ctx('turn:3:tool:0'), gap)).toEqual({ logged: false })
    expect(await testDb.database.db.select().from(knowledgeGaps)).toHaveLength(1)
  })

  it('a tool that changes the world refuses to run without an idempotency key, and validates its input', async () => {
    await expect(requestHuman.call(ctx(), { queue: 'sales', note: 'x' })).rejects.toThrow(/idempotency key/)
    await expect(createTicket.call(ctx('k'), { subject: '', summary: 'x' })).rejects.toMatchObject({
      code: 'bad_request',
    })
  })
})
