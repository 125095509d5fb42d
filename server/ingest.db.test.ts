// Ingest against a real database: one transaction per message, idempotent on the provider id, safe
// under concurrent deliveries from one new contact, and all-or-nothing.
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedInbound } from '../adapters/types.ts'
import { silentLogger } from '../common/logger.ts'
import { contactIdentities, contacts } from '../drizzle/schema/contacts.ts'
import { conversations, messages } from '../drizzle/schema/conversations.ts'
import type { Outbox } from '../machines/host/outbox.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../testing/database.ts'
import { createTenant, jobsIn } from '../testing/fixtures.ts'
import { type IngestChannel, ingestMessage } from './ingest.ts'
import { type JobStore, startJobStore } from './jobs/job-store.ts'
import { QUEUES } from './jobs/queues.ts'

let testDb: TestDatabase
let jobs: JobStore
let channel: IngestChannel

beforeAll(async () => {
  testDb = await createTestDatabase()
  jobs = await startJobStore({ database: testDb.database, logger: silentLogger, supervise: false })
  const created = await createTenant(testDb.database.db)
  channel = { id: created.channel.id, tenantId: created.tenant.id, kind: 'widget' }
})
afterAll(async () => {
  await jobs?.stop({ graceful: false })
  await testDb?.drop()
})

const inbound = (
  visitor: string,
  text: string,
  providerMessageId: string | null,
  extra: Partial<NormalizedInbound['contact']> = {},
): NormalizedInbound => ({
  providerMessageId,
  kind: 'text',
  text,
  contact: { identity: { kind: 'visitor', value: visitor }, ...extra },
  metadata: { page: '/pricing' },
})

const db = () => testDb.database.db

describe(`ingest (${testDatabaseKind})`, () => {
  it('stores contact, conversation and message and enqueues the job; later messages join the same thread', async () => {
    const first = await ingestMessage(testDb.database, jobs.outbox, channel, inbound('v-1', 'Hello', 'a'))
    const second = await ingestMessage(
      testDb.database,
      jobs.outbox,
      channel,
      inbound('v-1', 'Anyone there?', 'b', { name: 'Ana', email: 'ana@example.com' }),
    )
    expect(second.conversationId).toBe(first.conversationId)
    expect(second.contactId).toBe(first.contactId)
    const [contact] = await db().select().from(contacts).where(eq(contacts.id, first.contactId))
    expect(contact).toMatchObject({ name: 'Ana', email: 'ana@example.com' })
    const [conversation] = await db()
      .select()
      .from(conversations)
      .where(eq(conversations.id, first.conversationId))
    expect(conversation!.metadata).toEqual({ page: '/pricing' })
    const queued = (await jobsIn(testDb.database, QUEUES.inbound)).filter(
      (j) => j.data.conversationId === first.conversationId,
    )
    expect(queued.map((j) => j.data.messageId)).toEqual([first.messageId, second.messageId])
  })

  it('stores a redelivered message once and queues nothing for it', async () => {
    const a = await ingestMessage(
      testDb.database,
      jobs.outbox,
      channel,
      inbound('v-2', 'Refund please', 'same-id'),
    )
    const b = await ingestMessage(
      testDb.database,
      jobs.outbox,
      channel,
      inbound('v-2', 'Refund please', 'same-id'),
    )
    expect(b).toEqual({ ...a, duplicate: true })
    const [rows] = await db()
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.conversationId, a.conversationId))
    expect(rows!.n).toBe(1)
    expect(
      (await jobsIn(testDb.database, QUEUES.inbound)).filter((j) => j.data.messageId === a.messageId),
    ).toHaveLength(1)
  })

  it('treats the same text from the same contact within 30 s, without a provider id, as a double submit', async () => {
    const a = await ingestMessage(
      testDb.database,
      jobs.outbox,
      channel,
      inbound('v-3', 'How do I export?', null),
    )
    const b = await ingestMessage(
      testDb.database,
      jobs.outbox,
      channel,
      inbound('v-3', 'How do I export?', null),
    )
    const c = await ingestMessage(testDb.database, jobs.outbox, channel, inbound('v-3', 'And import?', null))
    expect(b).toMatchObject({ messageId: a.messageId, duplicate: true })
    expect(c.duplicate).toBe(false)
  })

  it('creates one contact and one conversation when a new visitor’s first messages arrive at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ingestMessage(
          testDb.database,
          jobs.outbox,
          channel,
          inbound('v-burst', `message ${i}`, `burst-${i}`),
        ),
      ),
    )
    expect(new Set(results.map((r) => r.contactId)).size).toBe(1)
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1)
    const identities = await db()
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.value, 'v-burst'))
    expect(identities).toHaveLength(1)
    const [rows] = await db()
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.conversationId, results[0]!.conversationId))
    expect(rows!.n).toBe(10)
  })

  it('writes nothing when the job cannot be enqueued', async () => {
    const failing: Outbox = {
      ...jobs.outbox,
      inbound: async () => {
        throw new Error('queue unavailable')
      },
    }
    const before = await db().select({ n: count() }).from(contacts)
    await expect(
      ingestMessage(testDb.database, failing, channel, inbound('v-lost', 'Hi', 'lost-1')),
    ).rejects.toThrow('queue unavailable')
    expect(await db().select({ n: count() }).from(contacts)).toEqual(before)
    expect(await db().select().from(messages).where(eq(messages.providerMessageId, 'lost-1'))).toEqual([])
  })
})
