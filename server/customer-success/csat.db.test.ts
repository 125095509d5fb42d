// The satisfaction survey against a real database (PGlite, or PostgreSQL in CI): the job asks the
// question (the text on chat, links on email) or skips with a reason, a chat reply is read as the
// answer only when it is one, a low score tells the team, and the report's figures.
import { randomBytes, randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { JobWithMetadata } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../common/logger.ts'
import type { Database } from '../../drizzle/database.ts'
import { type ChannelKind, channels } from '../../drizzle/schema/channels.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { type SurveyStatus, satisfactionSurveys } from '../../drizzle/schema/customer-success.ts'
import { notificationDeliveries, notifications } from '../../drizzle/schema/notifications.ts'
import { satisfactionRatings, users } from '../../drizzle/schema/team.ts'
import { type TenantSettings, tenants } from '../../drizzle/schema/tenants.ts'
import { type TicketStatus, ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import { TicketHost } from '../../machines/host/ticket-host.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { createConversation, createInboundMessage, jobsIn } from '../../testing/fixtures.ts'
import type { JobContext } from '../jobs/context.ts'
import { type JobStore, startJobStore } from '../jobs/job-store.ts'
import { QUEUES } from '../jobs/queues.ts'
import { answerFromMessage, csatHandler, csatReport, emailQuestion, recordSatisfaction } from './csat.ts'
import { type CsatJob, createSuccessJobs, type SuccessJobs } from './jobs.ts'

const PUBLIC_URL = 'https://desk.example'
const QUESTION =
  'How would you rate the help you got? Reply with a number from 1 (very poor) to 5 (excellent).'
const HOUR = 3600_000

let testDb: TestDatabase
let database: Database
let store: JobStore
let success: SuccessJobs
let context: JobContext
let tenantId: string

const deps = () => ({ jobs: success, publicUrl: PUBLIC_URL })

beforeAll(async () => {
  testDb = await createTestDatabase()
  database = testDb.database
  store = await startJobStore({ database, logger: silentLogger, supervise: false })
  success = createSuccessJobs(store.boss, database)
  const host = new TicketHost({ database, outbox: store.outbox, autoCloseSeconds: 3600 })
  context = { database, host, outbox: store.outbox, logger: silentLogger }
  tenantId = await newTenant()
})

afterAll(async () => {
  await store?.stop({ graceful: false })
  await testDb?.drop()
})

async function newTenant(settings: TenantSettings = {}) {
  const slug = `csat-${randomUUID().slice(0, 8)}`
  const [tenant] = await database.db.insert(tenants).values({ slug, name: slug, settings }).returning()
  return tenant!.id
}

let ticketNumber = 30001

interface TicketOptions {
  tenant?: string
  kind?: ChannelKind
  status?: TicketStatus
  owner?: 'bot' | 'human'
  assignee?: string | null
  windowExpiresAt?: Date
  survey?: { status: SurveyStatus; sentAt?: Date | null } | null
}

/** A ticket on a fresh conversation of a channel of `kind`, with its survey. */
async function ticketWithSurvey(options: TicketOptions = {}) {
  const db = database.db
  const tenant = options.tenant ?? tenantId
  const kind = options.kind ?? 'widget'
  const [channel] = await db
    .insert(channels)
    .values({ tenantId: tenant, kind, name: kind, key: `${kind}-${randomUUID().slice(0, 8)}` })
    .returning()
  const { contact, conversation } = await createConversation(db, tenant, channel!.id)
  if (options.windowExpiresAt) {
    await db
      .update(conversations)
      .set({ windowExpiresAt: options.windowExpiresAt })
      .where(eq(conversations.id, conversation.id))
  }
  const [ticket] = await db
    .insert(tickets)
    .values({
      tenantId: tenant,
      conversationId: conversation.id,
      contactId: contact.id,
      number: ticketNumber++,
      status: options.status ?? 'resolved',
      owner: options.owner ?? 'bot',
      assignee: options.assignee ?? null,
    })
    .returning()
  const surveyOptions = options.survey === undefined ? { status: 'scheduled' as const } : options.survey
  const [survey] = surveyOptions
    ? await db
        .insert(satisfactionSurveys)
        .values({
          tenantId: tenant,
          ticketId: ticket!.id,
          conversationId: conversation.id,
          token: randomBytes(18).toString('base64url'),
          status: surveyOptions.status,
          sentAt: surveyOptions.sentAt ?? null,
        })
        .returning()
    : []
  return { contact, conversation, ticket: ticket!, survey: survey! }
}

const runCsatJob = (surveyId: string) =>
  csatHandler(
    context,
    deps(),
  )({
    id: randomUUID(),
    name: QUEUES.csat,
    data: { surveyId },
    retryCount: 0,
    retryLimit: 5,
  } as unknown as JobWithMetadata<CsatJob>)

const surveyRow = async (id: string) =>
  (await database.db.select().from(satisfactionSurveys).where(eq(satisfactionSurveys.id, id)))[0]!

const outboundOf = (ticketId: string) =>
  database.db
    .select()
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'outbound')))

const deliveryJobsFor = async (messageId: string) =>
  (await jobsIn(database, QUEUES.delivery)).filter((job) => job.data.messageId === messageId)

const ratingOf = async (ticketId: string) =>
  (await database.db.select().from(satisfactionRatings).where(eq(satisfactionRatings.ticketId, ticketId)))[0]

describe(`the csat job (${testDatabaseKind})`, () => {
  it('asks the question on a widget conversation, once', async () => {
    const { ticket, survey } = await ticketWithSurvey({ kind: 'widget' })
    await runCsatJob(survey.id)

    const sent = await outboundOf(ticket.id)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      body: QUESTION,
      author: 'bot',
      authorRef: 'csat',
      kind: 'text',
      deliveryStatus: 'queued',
      idempotencyKey: `${ticket.id}:csat:${survey.id}`,
    })
    expect(await deliveryJobsFor(sent[0]!.id)).toMatchObject([
      { data: { ticketId: ticket.id, messageId: sent[0]!.id } },
    ])
    const after = await surveyRow(survey.id)
    expect(after).toMatchObject({ status: 'sent', messageId: sent[0]!.id, skipReason: null })
    expect(after.sentAt).toBeInstanceOf(Date)

    // A redelivered job finds the survey sent: nothing more goes out.
    await runCsatJob(survey.id)
    expect(await outboundOf(ticket.id)).toHaveLength(1)
  })

  it('sends the answer links on an email conversation', async () => {
    const { ticket, survey } = await ticketWithSurvey({ kind: 'email' })
    await runCsatJob(survey.id)

    const [message] = await outboundOf(ticket.id)
    const link = `${PUBLIC_URL}/csat/${survey.token}`
    expect(message!.body).toBe(emailQuestion(QUESTION, link))
    expect(message!.body).toContain(`Answer with one click: ${link}`)
    expect(message!.body).toContain(`1 – very poor: ${link}?score=1`)
    expect(message!.body).toContain(`5 – excellent: ${link}?score=5`)
    expect(await deliveryJobsFor(message!.id)).toHaveLength(1)
    expect(await surveyRow(survey.id)).toMatchObject({ status: 'sent', messageId: message!.id })
  })

  it('skips a ticket that was reopened before the question went out', async () => {
    const { ticket, survey } = await ticketWithSurvey({ status: 'in_progress' })
    await runCsatJob(survey.id)
    expect(await outboundOf(ticket.id)).toHaveLength(0)
    expect(await surveyRow(survey.id)).toMatchObject({
      status: 'skipped',
      skipReason: 'the ticket was reopened',
      sentAt: null,
    })
  })

  it('skips WhatsApp once its window has closed when no template is configured', async () => {
    const { ticket, survey } = await ticketWithSurvey({
      kind: 'whatsapp',
      windowExpiresAt: new Date(Date.now() - HOUR),
    })
    await runCsatJob(survey.id)
    expect(await outboundOf(ticket.id)).toHaveLength(0)
    expect(await surveyRow(survey.id)).toMatchObject({
      status: 'skipped',
      skipReason: 'the WhatsApp window has closed and no template is configured for this message',
    })
  })

  it('skips Messenger once its window has closed, template or not: only the customer reopens it', async () => {
    const tenant = await newTenant({ csat: { template: { name: 'csat_question', language: 'en' } } })
    const { ticket, survey } = await ticketWithSurvey({
      tenant,
      kind: 'messenger',
      windowExpiresAt: new Date(Date.now() - HOUR),
    })
    await runCsatJob(survey.id)
    expect(await outboundOf(ticket.id)).toHaveLength(0)
    expect(await surveyRow(survey.id)).toMatchObject({
      status: 'skipped',
      skipReason: "the messenger window has closed: only the customer's next message reopens it",
    })
  })

  it('sends the configured template on WhatsApp after the window closed', async () => {
    const tenant = await newTenant({ csat: { template: { name: 'csat_question', language: 'en' } } })
    const { ticket, survey } = await ticketWithSurvey({
      tenant,
      kind: 'whatsapp',
      windowExpiresAt: new Date(Date.now() - HOUR),
    })
    await runCsatJob(survey.id)
    const [message] = await outboundOf(ticket.id)
    expect(message).toMatchObject({ kind: 'template', body: QUESTION })
    expect(message!.metadata).toMatchObject({ template: { name: 'csat_question', language: 'en' } })
    expect(await surveyRow(survey.id)).toMatchObject({ status: 'sent', messageId: message!.id })
  })

  it('leaves a survey alone that is no longer scheduled, and one that does not exist', async () => {
    const { ticket, survey } = await ticketWithSurvey({ survey: { status: 'answered' } })
    await runCsatJob(survey.id)
    await runCsatJob(randomUUID())
    expect(await outboundOf(ticket.id)).toHaveLength(0)
    expect((await surveyRow(survey.id)).status).toBe('answered')
  })

  it('skips when the tenant turned surveys off after the ticket was resolved', async () => {
    const tenant = await newTenant({ csat: { enabled: false } })
    const { ticket, survey } = await ticketWithSurvey({ tenant })
    await runCsatJob(survey.id)
    expect(await outboundOf(ticket.id)).toHaveLength(0)
    expect((await surveyRow(survey.id)).status).toBe('skipped')
  })
})

describe(`answerFromMessage (${testDatabaseKind})`, () => {
  const answer = (conversationId: string, messageId: string, text: string, now = new Date()) =>
    database.db.transaction((tx) =>
      answerFromMessage(tx, store.outbox, deps(), { conversationId, messageId, text, now }),
    )
  const messageRow = async (id: string) =>
    (await database.db.select().from(messages).where(eq(messages.id, id)))[0]!

  it('records "4 great help", files the message on the ticket and queues the thanks', async () => {
    const { conversation, contact, ticket, survey } = await ticketWithSurvey({
      survey: { status: 'sent', sentAt: new Date(Date.now() - HOUR) },
    })
    const inbound = await createInboundMessage(database.db, conversation, '4 great help')
    expect(await answer(conversation.id, inbound.id, inbound.body)).toBe(true)

    expect(await ratingOf(ticket.id)).toMatchObject({
      tenantId,
      contactId: contact.id,
      score: 4,
      comment: 'great help',
    })
    const after = await surveyRow(survey.id)
    expect(after.status).toBe('answered')
    expect(after.answeredAt).toBeInstanceOf(Date)
    expect((await messageRow(inbound.id)).ticketId).toBe(ticket.id)

    const sent = await outboundOf(ticket.id)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      body: 'Thank you for your feedback!',
      authorRef: 'csat',
      idempotencyKey: `${ticket.id}:csat-thanks:${survey.id}`,
    })
    expect(await deliveryJobsFor(sent[0]!.id)).toHaveLength(1)

    // The survey is answered now: a second number is a message for the ticket.
    const again = await createInboundMessage(database.db, conversation, '5')
    expect(await answer(conversation.id, again.id, again.body)).toBe(false)
    expect((await ratingOf(ticket.id))!.score).toBe(4)
  })

  it('ignores "I have 2 more questions" and changes nothing', async () => {
    const { conversation, ticket, survey } = await ticketWithSurvey({
      survey: { status: 'sent', sentAt: new Date(Date.now() - HOUR) },
    })
    const inbound = await createInboundMessage(database.db, conversation, 'I have 2 more questions')
    expect(await answer(conversation.id, inbound.id, inbound.body)).toBe(false)
    expect(await ratingOf(ticket.id)).toBeUndefined()
    expect((await surveyRow(survey.id)).status).toBe('sent')
    expect((await messageRow(inbound.id)).ticketId).toBeNull()
    expect(await outboundOf(ticket.id)).toHaveLength(0)
  })

  it('ignores a rating more than 7 days after the question', async () => {
    const { conversation, ticket, survey } = await ticketWithSurvey({
      survey: { status: 'sent', sentAt: new Date(Date.now() - 8 * 24 * HOUR) },
    })
    const inbound = await createInboundMessage(database.db, conversation, '5')
    expect(await answer(conversation.id, inbound.id, inbound.body)).toBe(false)
    expect(await ratingOf(ticket.id)).toBeUndefined()
    expect((await surveyRow(survey.id)).status).toBe('sent')
    expect((await messageRow(inbound.id)).ticketId).toBeNull()
  })

  it('ignores a rating once the ticket was reopened, and one before the question went out', async () => {
    const reopened = await ticketWithSurvey({
      status: 'in_progress',
      survey: { status: 'sent', sentAt: new Date(Date.now() - HOUR) },
    })
    const first = await createInboundMessage(database.db, reopened.conversation, '5')
    expect(await answer(reopened.conversation.id, first.id, first.body)).toBe(false)

    const scheduled = await ticketWithSurvey({ survey: { status: 'scheduled' } })
    const second = await createInboundMessage(database.db, scheduled.conversation, '5')
    expect(await answer(scheduled.conversation.id, second.id, second.body)).toBe(false)
    expect(await ratingOf(reopened.ticket.id)).toBeUndefined()
    expect(await ratingOf(scheduled.ticket.id)).toBeUndefined()
  })
})

describe(`recordSatisfaction (${testDatabaseKind})`, () => {
  let alice: string
  let bob: string

  beforeAll(async () => {
    const rows = await database.db
      .insert(users)
      .values([
        { tenantId, email: `alice-${randomUUID().slice(0, 8)}@desk.example`, name: 'Alice', role: 'agent' },
        { tenantId, email: `bob-${randomUUID().slice(0, 8)}@desk.example`, name: 'Bob', role: 'admin' },
      ])
      .returning()
    alice = rows[0]!.id
    bob = rows[1]!.id
  })

  const record = (answer: Parameters<typeof recordSatisfaction>[2]) =>
    database.db.transaction((tx) => recordSatisfaction(tx, deps(), answer))
  const noticesOf = (ticketId: string) =>
    database.db.select().from(notifications).where(eq(notifications.ticketId, ticketId))

  it('tells whoever has the ticket about a score of 1, once, and replaces the rating', async () => {
    const { ticket, survey } = await ticketWithSurvey({
      owner: 'human',
      assignee: alice,
      survey: { status: 'sent', sentAt: new Date() },
    })
    const first = await record({
      surveyId: survey.id,
      ticketId: ticket.id,
      score: 1,
      comment: 'Nobody read my question',
      via: 'link',
    })
    expect(first).toEqual({ replaced: false })
    expect((await surveyRow(survey.id)).status).toBe('answered')

    const notices = await noticesOf(ticket.id)
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({
      tenantId,
      userId: alice,
      kind: 'low_csat',
      title: `TKT-${ticket.number}: a customer rated the help 1/5`,
      url: `${PUBLIC_URL}/app/tickets/TKT-${ticket.number}`,
      dedupeKey: `low_csat:${ticket.id}:${alice}`,
      data: { score: 1, via: 'link' },
    })
    expect(notices[0]!.body).toContain('Nobody read my question')
    // low_csat goes by email too unless the person chose otherwise: a delivery and its job.
    const [delivery] = await database.db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.notificationId, notices[0]!.id))
    expect(delivery).toMatchObject({ channel: 'email', status: 'queued' })
    expect((await jobsIn(database, QUEUES.notify)).some((j) => j.data.deliveryId === delivery!.id)).toBe(true)

    const second = await record({
      surveyId: survey.id,
      ticketId: ticket.id,
      score: 2,
      comment: null,
      via: 'link',
    })
    expect(second).toEqual({ replaced: true })
    expect(await ratingOf(ticket.id)).toMatchObject({ score: 2, comment: null })
    expect(await noticesOf(ticket.id)).toHaveLength(1)
  })

  it('tells the whole team when nobody has the ticket', async () => {
    const { ticket } = await ticketWithSurvey({ survey: null })
    await record({ ticketId: ticket.id, score: 2, comment: null, via: 'operator' })
    const notices = await noticesOf(ticket.id)
    expect(notices.map((n) => n.userId).sort()).toEqual([alice, bob].sort())
    expect(notices[0]!.body).toBe('They left no comment.')
  })

  it('tells nobody about a score of 3 and marks the ticket’s survey answered', async () => {
    const { ticket, survey } = await ticketWithSurvey({ assignee: alice })
    await record({ ticketId: ticket.id, score: 3, comment: '  fine  ', via: 'operator' })
    expect(await noticesOf(ticket.id)).toHaveLength(0)
    expect(await ratingOf(ticket.id)).toMatchObject({ score: 3, comment: 'fine' })
    // Recorded before the question went out: the job will not ask any more.
    expect((await surveyRow(survey.id)).status).toBe('answered')
    await runCsatJob(survey.id)
    expect(await outboundOf(ticket.id)).toHaveLength(0)
  })

  it('refuses a score outside 1–5', async () => {
    const { ticket } = await ticketWithSurvey()
    await expect(record({ ticketId: ticket.id, score: 6, comment: null, via: 'operator' })).rejects.toThrow(
      /1 to 5/,
    )
    expect(await ratingOf(ticket.id)).toBeUndefined()
  })
})

describe(`csatReport (${testDatabaseKind})`, () => {
  const march = (day: number) => new Date(Date.UTC(2025, 2, day, 12))
  const range = { from: new Date(Date.UTC(2025, 2, 1)), to: new Date(Date.UTC(2025, 3, 1)) }
  let tenant: string

  async function rated(
    score: number | null,
    options: TicketOptions & {
      ratedAt?: Date
      resolvedBy?: { owner: 'bot' | 'human'; assignee: string | null }
    },
  ) {
    const { ticket } = await ticketWithSurvey({ tenant, ...options })
    if (options.resolvedBy) {
      await database.db.insert(ticketEvents).values({
        tenantId: tenant,
        ticketId: ticket.id,
        seq: 1,
        type: 'RESOLVE',
        actorKind: options.resolvedBy.owner === 'bot' ? 'bot' : 'human',
        idempotencyKey: `resolve:${ticket.id}`,
        outcome: 'applied',
        payload: {},
        before: { status: 'in_progress', owner: options.resolvedBy.owner },
        after: { status: 'resolved', ...options.resolvedBy },
      })
    }
    if (score !== null) {
      await database.db
        .insert(satisfactionRatings)
        .values({ tenantId: tenant, ticketId: ticket.id, score, createdAt: options.ratedAt ?? march(10) })
    }
  }

  beforeAll(async () => {
    tenant = await newTenant()
    const answered = (day: number) => ({ status: 'answered' as const, sentAt: march(day) })
    // The bot resolved it and it is still the bot's.
    await rated(5, { owner: 'bot', survey: answered(5) })
    // Alice resolved it; later the bot took the conversation back: still Alice's rating.
    await rated(4, {
      owner: 'bot',
      assignee: 'alice',
      resolvedBy: { owner: 'human', assignee: 'alice' },
      survey: answered(6),
    })
    await rated(4, { owner: 'human', assignee: 'alice', survey: answered(7) })
    await rated(2, { owner: 'human', assignee: 'alice', survey: answered(8) })
    // Carol had it once, but the bot resolved it (recorded by an operator, no survey).
    await rated(1, {
      owner: 'human',
      assignee: 'carol',
      resolvedBy: { owner: 'bot', assignee: 'carol' },
      survey: null,
    })
    // Asked, not answered; never asked.
    await rated(null, { survey: { status: 'sent', sentAt: march(9) } })
    await rated(null, { survey: { status: 'skipped' } })
    // Outside the range, and another tenant's.
    await rated(5, {
      owner: 'human',
      assignee: 'alice',
      ratedAt: new Date(Date.UTC(2025, 1, 20)),
      survey: { status: 'answered', sentAt: new Date(Date.UTC(2025, 1, 19)) },
    })
    const other = tenant
    tenant = await newTenant()
    await rated(1, { survey: answered(10) })
    tenant = other
  })

  it('counts surveys, responses, the average, the share of 4–5, the distribution and each agent', async () => {
    const report = await csatReport(database.db, tenant, range)
    expect(report).toMatchObject({
      surveysSent: 5,
      responses: 5,
      distribution: { '1': 1, '2': 1, '3': 0, '4': 2, '5': 1 },
    })
    expect(report.responseRate).toBeCloseTo(0.8)
    expect(report.average).toBeCloseTo(3.2)
    expect(report.csat).toBeCloseTo(0.6)
    expect(report.byAgent).toHaveLength(2)
    expect(report.byAgent[0]).toMatchObject({ agent: 'alice', responses: 3 })
    expect(report.byAgent[0]!.average).toBeCloseTo(10 / 3)
    expect(report.byAgent[1]).toEqual({ agent: 'bot', responses: 2, average: 3 })
  })

  it('reports nothing for a range without surveys or ratings', async () => {
    const report = await csatReport(database.db, tenant, {
      from: new Date(Date.UTC(2024, 0, 1)),
      to: new Date(Date.UTC(2024, 1, 1)),
    })
    expect(report).toEqual({
      surveysSent: 0,
      responses: 0,
      responseRate: null,
      average: null,
      csat: null,
      distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
      byAgent: [],
    })
  })
})
