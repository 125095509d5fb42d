// Knowledge gaps end to end on a real database: which decisions are logged (once per turn), the
// weekly digest grouping ten differently worded questions about one missing topic into one group
// with the answers people gave, stored and announced once however many workers run it, the
// per-tenant fan-out, drafting an article from a group, and the dashboard API.
import { and, eq, like } from 'drizzle-orm'
import { Hono } from 'hono'
import type { JobWithMetadata } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../common/logger.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import {
  type DigestGroup,
  knowledgeGapDigests,
  knowledgeGaps,
} from '../../drizzle/schema/customer-success.ts'
import { libraryDocuments, libraryPassages } from '../../drizzle/schema/library.ts'
import { notificationDeliveries, notifications } from '../../drizzle/schema/notifications.ts'
import { users } from '../../drizzle/schema/team.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { createConversation, createTenant, jobsIn } from '../../testing/fixtures.ts'
import type { AuthVariables, Principal } from '../http/auth.ts'
import { onError } from '../http/errors.ts'
import type { JobContext } from '../jobs/context.ts'
import { type JobStore, startJobStore } from '../jobs/job-store.ts'
import { QUEUES } from '../jobs/queues.ts'
import { knowledgeGapRoutes } from '../routes/knowledge-gaps.ts'
import { createSuccessJobs, type GapDigestJob, type SuccessJobs } from './jobs.ts'
import {
  type DecisionGap,
  digestPeriod,
  draftArticleFromGroup,
  gapDigestHandler,
  logDecisionGap,
  weeklyDigestFanOut,
} from './knowledge-gaps.ts'

let testDb: TestDatabase
let store: JobStore
let jobs: SuccessJobs
let context: JobContext
const DAY = 24 * 3600 * 1000
const db = () => testDb.database.db
/** A week from now: the digest job's "last week" is then the week the tests log their gaps in. */
const nextWeek = () => new Date(Date.now() + 7 * DAY)

beforeAll(async () => {
  testDb = await createTestDatabase()
  store = await startJobStore({ database: testDb.database, logger: silentLogger, supervise: false })
  jobs = createSuccessJobs(store.boss, testDb.database)
  context = {
    database: testDb.database,
    logger: silentLogger,
    host: undefined as never,
    outbox: store.outbox,
  }
})
afterAll(async () => {
  await store?.stop({ graceful: false })
  await testDb?.drop()
})

let ticketSeq = 20_000
async function newTicket(tenantId: string, channelId: string) {
  const { conversation, contact } = await createConversation(db(), tenantId, channelId)
  const [ticket] = await db()
    .insert(tickets)
    .values({
      tenantId,
      conversationId: conversation.id,
      contactId: contact.id,
      number: ++ticketSeq,
      status: 'in_progress',
      owner: 'human',
    })
    .returning()
  return { ...ticket!, channelId }
}

// Replies get strictly increasing times: PGlite's clock can give two quick inserts the same
// instant, and then "the first answer after the question" would depend on random ids.
let replySeq = 0
async function reply(
  ticket: { id: string; tenantId: string; conversationId: string; channelId: string },
  body: string,
  author: 'human' | 'bot' = 'human',
  direction: 'outbound' | 'internal' = 'outbound',
) {
  await db()
    .insert(messages)
    .values({
      tenantId: ticket.tenantId,
      conversationId: ticket.conversationId,
      channelId: ticket.channelId,
      ticketId: ticket.id,
      direction,
      author,
      body,
      deliveryStatus: 'sent',
      createdAt: new Date(Date.now() + ++replySeq * 10),
    })
}

const decision = (
  tenantId: string,
  ticketId: string,
  question: string,
  over: Partial<DecisionGap> = {},
): DecisionGap => ({
  tenantId,
  ticketId,
  turn: 1,
  question,
  action: 'escalate',
  reason: 'low_confidence',
  confidence: 0.3,
  bestPassageId: null,
  bestScore: 0.12,
  ...over,
})

const job = <T>(data: T) => ({ id: crypto.randomUUID(), data }) as unknown as JobWithMetadata<T>

// Held out from the clustering's development set (gap-clusters.dev-fixture.ts): no topic, no wording shared.
const DARK_MODE = [
  'Is there a dark mode?',
  'The white background hurts my eyes at night, can I switch to a darker theme?',
  'How do I enable night mode in the editor?',
  'Any plans for a dark theme on the iPhone app?',
  'Can the interface follow my system appearance setting, light or dark?',
  'I work late and the bright screen is blinding. Is there a black background option?',
  'dark UI please??',
  'Where do I switch the colour scheme from light to dark?',
  'Does Quillstack have a low-light color theme for the desktop app?',
  'My Mac is set to dark appearance but Quillstack stays white, why?',
]
const OTHER_TOPICS = [
  // offline access
  'Can I keep writing when I have no internet connection?',
  'Does the app work offline on a plane?',
  'How do I make my notebooks available offline on my laptop?',
  'My edits made without wifi disappeared, is offline editing supported?',
  // export
  'How can I export a note as a PDF?',
  'Is there a way to download a whole notebook as Word documents?',
  'export all my pages to markdown files',
  'Can I save a page as a .docx file to send to my publisher?',
  // single sign-on
  'Do you support single sign-on with Okta?',
  'We need SAML SSO for our company, which plan has it?',
  'Can our staff log in with their Azure AD accounts?',
  'Is Google Workspace SSO available for business teams?',
]

describe(`knowledge gaps (${testDatabaseKind})`, () => {
  it('logs review and escalate decisions about a topic, once per turn, and skips the rest', async () => {
    const { tenant, channel } = await createTenant(db())
    const t = await newTicket(tenant.id, channel.id)
    const q = 'How do I share a notebook with a client who has no account?'
    expect(await logDecisionGap(db(), decision(tenant.id, t.id, q, { action: 'auto' }))).toBe(false)
    for (const reason of [
      'needs_human:human_request',
      'needs_human:refund',
      'qualified_lead',
      'urgent:urgent',
      'community:answered_from_library',
      'prompt_injection',
    ]) {
      expect(await logDecisionGap(db(), decision(tenant.id, t.id, q, { reason })), reason).toBe(false)
    }
    expect(await logDecisionGap(db(), decision(tenant.id, t.id, 'help please'))).toBe(false)
    // The hand-over form's answer: an address is not a topic.
    expect(await logDecisionGap(db(), decision(tenant.id, t.id, 'sure: sam@example.com'))).toBe(false)
    expect(await db().select().from(knowledgeGaps).where(eq(knowledgeGaps.ticketId, t.id))).toHaveLength(0)

    expect(
      await logDecisionGap(db(), decision(tenant.id, t.id, q, { action: 'review', reason: 'needs_review' })),
    ).toBe(true)
    // The same turn replayed: still one row.
    expect(
      await logDecisionGap(db(), decision(tenant.id, t.id, q, { action: 'review', reason: 'needs_review' })),
    ).toBe(false)
    expect(
      await logDecisionGap(
        db(),
        decision(tenant.id, t.id, q, { turn: 2, reason: 'community:no_library_answer' }),
      ),
    ).toBe(true)
    const rows = await db().select().from(knowledgeGaps).where(eq(knowledgeGaps.ticketId, t.id))
    expect(rows.map((r) => [r.idempotencyKey, r.reason]).sort()).toEqual([
      [`${t.id}:turn:1:gap`, 'needs_review'],
      [`${t.id}:turn:2:gap`, 'community:no_library_answer'],
    ])

    // A turn the agent already logged with its log_knowledge_gap tool is not logged twice.
    await db()
      .insert(knowledgeGaps)
      .values({
        tenantId: tenant.id,
        ticketId: t.id,
        question: q,
        bestScore: 0.1,
        idempotencyKey: `${t.id}:${t.id}:turn:3:tool:0`,
      })
    expect(await logDecisionGap(db(), decision(tenant.id, t.id, q, { turn: 3 }))).toBe(false)
  })

  describe('the weekly digest', () => {
    let tenantId: string
    const darkTickets: Array<Awaited<ReturnType<typeof newTicket>>> = []
    let digestId: string

    beforeAll(async () => {
      const { tenant, channel } = await createTenant(db())
      tenantId = tenant.id
      await db()
        .update(tenants)
        .set({ settings: { knowledgeGaps: { digestTo: ['docs-team@example.com'] } } })
        .where(eq(tenants.id, tenantId))
      // Interleaved as they would arrive, on 22 tickets, through escalations and reviews.
      const reasons = ['low_confidence', 'no_library_answer', 'needs_review'] as const
      const order = DARK_MODE.flatMap((q, i) => [q, ...(OTHER_TOPICS[i] ? [OTHER_TOPICS[i]] : [])]).concat(
        OTHER_TOPICS.slice(DARK_MODE.length),
      )
      for (const [i, question] of order.entries()) {
        const ticket = await newTicket(tenantId, channel.id)
        if (DARK_MODE.includes(question)) darkTickets.push(ticket)
        const reason = reasons[i % reasons.length]!
        const logged = await logDecisionGap(
          db(),
          decision(tenantId, ticket.id, question, {
            reason,
            action: reason === 'needs_review' ? 'review' : 'escalate',
          }),
        )
        expect(logged, question).toBe(true)
      }
      // Not gaps: a human-request escalation and an auto answer on the same topic.
      const other = await newTicket(tenantId, channel.id)
      await logDecisionGap(
        db(),
        decision(tenantId, other.id, 'Just let me talk to a person about dark mode', {
          reason: 'needs_human:human_request',
        }),
      )
      await logDecisionGap(
        db(),
        decision(tenantId, other.id, 'Is dark mode on Android?', { turn: 2, action: 'auto' }),
      )

      // What people answered, and what does not count as their answer.
      await reply(darkTickets[0]!, 'Passing this on to the product team.', 'bot')
      await reply(darkTickets[0]!, 'internal: we should write this up', 'human', 'internal')
      await reply(
        darkTickets[0]!,
        'Not yet — dark mode is on our roadmap for the spring release. Until then, your OS high-contrast mode works.',
      )
      await reply(darkTickets[0]!, 'Anything else I can help with?')
      await reply(darkTickets[3]!, 'The iPhone app follows iOS appearance from version 4.2 on.')
    })

    let handler: ReturnType<typeof gapDigestHandler>
    let digest: typeof knowledgeGapDigests.$inferSelect

    it('is stored once, and announced once by email, when two workers run the job at once', async () => {
      handler = gapDigestHandler(context, { jobs, publicUrl: 'https://desk.test', now: nextWeek })
      await Promise.all([handler(job<GapDigestJob>({ tenantId })), handler(job<GapDigestJob>({ tenantId }))])

      const digests = await db()
        .select()
        .from(knowledgeGapDigests)
        .where(eq(knowledgeGapDigests.tenantId, tenantId))
      expect(digests).toHaveLength(1)
      digest = digests[0]!
      digestId = digest.id
      expect(digest.periodStart).toEqual(digestPeriod(undefined, nextWeek()).start)
      expect(digest.emailedAt).not.toBeNull()
      expect(digest.groups.reduce((sum, g) => sum + g.count, 0)).toBe(DARK_MODE.length + OTHER_TOPICS.length)
      // Biggest first, singletons last.
      const counts = digest.groups.map((g) => g.count)
      expect(counts).toEqual([...counts].sort((a, b) => b - a))

      // One notice, to the configured address, by email; one notify job for it.
      const sent = await db()
        .select()
        .from(notifications)
        .where(and(eq(notifications.tenantId, tenantId), eq(notifications.kind, 'knowledge_gap_digest')))
      expect(sent).toHaveLength(1)
      expect(sent[0]!.title).toBe('Knowledge gaps: 22 questions the Library could not answer')
      expect(sent[0]!.url).toBe('https://desk.test/app/knowledge-gaps')
      const top = digest.groups[0]!
      expect(sent[0]!.body).toContain(`Customers asked about ${top.label} ${top.count} times\n  - "`)
      expect(sent[0]!.body).toContain('Answer given (TKT-')
      const deliveries = await db()
        .select()
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.notificationId, sent[0]!.id))
      expect(deliveries.map((d) => [d.channel, d.target])).toEqual([['email', 'docs-team@example.com']])
      const queued = (await jobsIn(testDb.database, QUEUES.notify)).filter(
        (j) => j.data.deliveryId === deliveries[0]!.id,
      )
      expect(queued).toHaveLength(1)

      // Run again later (a retry): nothing new.
      await handler(job<GapDigestJob>({ tenantId }))
      expect(
        await db().select().from(knowledgeGapDigests).where(eq(knowledgeGapDigests.tenantId, tenantId)),
      ).toHaveLength(1)
      expect(
        await db().select().from(notifications).where(eq(notifications.tenantId, tenantId)),
      ).toHaveLength(1)
    })

    it('carries the first answer a person sent on each ticket after the question', async () => {
      const questions = digest.groups.flatMap((g) => g.questions)
      const on = (ticket: { id: string }) => questions.find((q) => q.ticketId === ticket.id)!
      expect(on(darkTickets[0]!).humanAnswer).toMatch(/^Not yet — dark mode is on our roadmap/)
      expect(on(darkTickets[0]!).ticketNumber).toBe(darkTickets[0]!.number)
      expect(on(darkTickets[3]!).humanAnswer).toBe(
        'The iPhone app follows iOS appearance from version 4.2 on.',
      )
      expect(questions.filter((q) => q.humanAnswer !== null)).toHaveLength(2)
    })

    // The acceptance test of the grouping: held-out wordings, the clustering's defaults. These ten
    // are nearly half the week, which once made "dark UI please??" and "night mode in the editor" stay
    // apart (see BACKGROUND_PRIOR, SEMANTIC_CONTEXT_WEIGHT and LEFTOVER_FLOOR in gap-clusters.ts).
    it('groups the ten differently worded dark-mode questions into exactly one group of ten', () => {
      const groups = digest.groups.filter((g) => g.questions.some((q) => DARK_MODE.includes(q.question)))
      const found = groups.map((g) => `${g.label}: ${g.questions.map((q) => q.question).join(' / ')}`)
      expect(
        groups,
        `the dark-mode questions are in ${groups.length} groups:\n${found.join('\n')}`,
      ).toHaveLength(1)
      const group = groups[0]!
      expect(group.count).toBe(10)
      expect(group.questions.map((q) => q.question).sort()).toEqual([...DARK_MODE].sort())
      expect(group.label).toMatch(/dark/)
      expect(group.questions.filter((q) => q.humanAnswer !== null)).toHaveLength(2)
    })

    it('drafts one Library article from a group, kept out of retrieval, and records it', async () => {
      const first = await draftArticleFromGroup(db(), tenantId, digestId, 0, 'user-1')
      expect(first.created).toBe(true)
      const again = await draftArticleFromGroup(db(), tenantId, digestId, 0, 'user-2')
      expect(again).toEqual({ articleId: first.articleId, created: false })

      const [doc] = await db().select().from(libraryDocuments).where(eq(libraryDocuments.id, first.articleId))
      expect(doc!.tenantId).toBe(tenantId)
      expect(doc!.title.charAt(0)).toBe(doc!.title.charAt(0).toUpperCase())
      expect(doc!.title.toLowerCase()).toContain('dark')
      expect(doc!.slug).toMatch(/^draft-[a-z0-9-]+$/)
      expect(doc!.tags).toContain('draft')
      expect(doc!.body).toContain('### What customers asked')
      expect(doc!.body).toContain('- Is there a dark mode?')
      expect(doc!.body).toContain('### What we told them')
      expect(doc!.body).toContain('> Not yet — dark mode is on our roadmap')
      // No passages: the agent's Library search cannot find a draft.
      expect(
        await db().select().from(libraryPassages).where(eq(libraryPassages.documentId, doc!.id)),
      ).toHaveLength(0)
      expect(
        await db()
          .select()
          .from(libraryDocuments)
          .where(and(eq(libraryDocuments.tenantId, tenantId), like(libraryDocuments.slug, 'draft-%'))),
      ).toHaveLength(1)

      const [digest] = await db()
        .select()
        .from(knowledgeGapDigests)
        .where(eq(knowledgeGapDigests.id, digestId))
      expect(digest!.groups[0]!.articleId).toBe(first.articleId)
      expect(digest!.groups.slice(1).every((g) => g.articleId === null)).toBe(true)

      await expect(draftArticleFromGroup(db(), tenantId, digestId, 999, 'user-1')).rejects.toMatchObject({
        code: 'not_found',
      })
      await expect(
        draftArticleFromGroup(db(), tenantId, crypto.randomUUID(), 0, 'user-1'),
      ).rejects.toMatchObject({ code: 'not_found' })
      // Another tenant's digest is not found either.
      const other = await createTenant(db())
      await expect(draftArticleFromGroup(db(), other.tenant.id, digestId, 0, 'user-1')).rejects.toMatchObject(
        {
          code: 'not_found',
        },
      )
    })
  })

  it('a week without gaps stores an empty digest and sends nothing; admins get the digest by default', async () => {
    const quiet = await createTenant(db())
    const handler = gapDigestHandler(context, { jobs, publicUrl: 'https://desk.test', now: nextWeek })
    await handler(job<GapDigestJob>({ tenantId: quiet.tenant.id }))
    const [empty] = await db()
      .select()
      .from(knowledgeGapDigests)
      .where(eq(knowledgeGapDigests.tenantId, quiet.tenant.id))
    expect(empty!.groups).toEqual([])
    expect(empty!.emailedAt).toBeNull()
    expect(
      await db().select().from(notifications).where(eq(notifications.tenantId, quiet.tenant.id)),
    ).toHaveLength(0)

    const { tenant, channel } = await createTenant(db())
    const [admin] = await db()
      .insert(users)
      .values({
        tenantId: tenant.id,
        email: `admin-${tenant.id}@example.com`,
        name: 'Ada Admin',
        role: 'admin',
        notificationPreferences: { kinds: { knowledge_gap_digest: ['dashboard', 'email'] } },
      })
      .returning()
    await db()
      .insert(users)
      .values({
        tenantId: tenant.id,
        email: `agent-${tenant.id}@example.com`,
        name: 'Al Agent',
        role: 'agent',
      })
    const t = await newTicket(tenant.id, channel.id)
    await logDecisionGap(db(), decision(tenant.id, t.id, 'Can I password protect a single notebook?'))
    await handler(job<GapDigestJob>({ tenantId: tenant.id }))
    const sent = await db().select().from(notifications).where(eq(notifications.tenantId, tenant.id))
    expect(sent.map((n) => [n.userId, n.kind])).toEqual([[admin!.id, 'knowledge_gap_digest']])
    expect(sent[0]!.title).toBe('Knowledge gaps: 1 question the Library could not answer')
    const deliveries = await db()
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.notificationId, sent[0]!.id))
    expect(deliveries.map((d) => d.target)).toEqual([admin!.email])
  })

  it('a week that has not ended is not digested', async () => {
    const { tenant } = await createTenant(db())
    const handler = gapDigestHandler(context, { jobs, publicUrl: 'https://desk.test' })
    const thisWeek = digestPeriod(undefined, nextWeek()).start.toISOString()
    await handler(job<GapDigestJob>({ tenantId: tenant.id, periodStart: thisWeek }))
    expect(
      await db().select().from(knowledgeGapDigests).where(eq(knowledgeGapDigests.tenantId, tenant.id)),
    ).toHaveLength(0)
  })

  it('the weekly fan-out queues one digest job per tenant for last week', async () => {
    const now = new Date('2030-03-13T09:30:00Z') // a Wednesday
    await weeklyDigestFanOut(context, { jobs, publicUrl: 'https://desk.test', now: () => now })(job({}))
    const all = await db().select({ id: tenants.id }).from(tenants)
    const queued = (await jobsIn(testDb.database, QUEUES.gapDigest)).filter(
      (j) => j.data.periodStart === '2030-03-04T00:00:00.000Z',
    )
    expect(queued.map((j) => j.data.tenantId).sort()).toEqual(all.map((t) => t.id).sort())
    expect(digestPeriod(undefined, now)).toEqual({
      start: new Date('2030-03-04T00:00:00Z'),
      end: new Date('2030-03-11T00:00:00Z'),
    })
  })

  describe('routes', () => {
    let tenantId: string
    let app: Hono<{ Variables: AuthVariables }>
    const principal = (): Principal => ({
      tenantId,
      operator: 'user-42',
      role: 'agent',
      userId: null,
      keyId: null,
      name: 'Test Operator',
      via: 'session',
      csrfToken: null,
    })

    beforeAll(async () => {
      const { tenant, channel } = await createTenant(db())
      tenantId = tenant.id
      app = new Hono<{ Variables: AuthVariables }>()
      app.onError(onError(silentLogger))
      app.use('/v1/knowledge-gaps/*', async (c, next) => {
        c.set('auth', principal())
        await next()
      })
      app.route('/v1/knowledge-gaps', knowledgeGapRoutes({ database: testDb.database }))
      for (const question of DARK_MODE.slice(0, 3)) {
        const t = await newTicket(tenantId, channel.id)
        await logDecisionGap(db(), decision(tenantId, t.id, question))
      }
    })

    /** What the routes answer, loosely: the fields these tests read. */
    interface Answer {
      digests: Array<{ id: string; questions: number; groupCount: number }>
      digest: { groups: DigestGroup[] }
      questions: number
      groups: DigestGroup[]
      articleId: string
      created: boolean
      error: { code: string; message: string }
    }
    const call = async (method: string, path: string) => {
      const response = await app.request(`/v1/knowledge-gaps${path}`, { method })
      return { status: response.status, body: (await response.json()) as Answer }
    }

    it('shows the week so far, the digests, and drafts an article from a group', async () => {
      const recent = await call('GET', '/recent?days=7')
      expect(recent.status).toBe(200)
      expect(recent.body.questions).toBe(3)
      expect(recent.body.groups[0]!.count).toBe(3)

      expect((await call('GET', '/digests')).body).toEqual({ digests: [] })
      await gapDigestHandler(context, { jobs, publicUrl: 'https://desk.test', now: nextWeek })(
        job<GapDigestJob>({ tenantId }),
      )
      const list = await call('GET', '/digests')
      expect(list.status).toBe(200)
      expect(list.body.digests).toHaveLength(1)
      expect(list.body.digests[0]).toMatchObject({ questions: 3, groupCount: 1 })
      const id = list.body.digests[0]!.id

      const one = await call('GET', `/digests/${id}`)
      expect(one.status).toBe(200)
      expect(one.body.digest.groups[0]!.questions).toHaveLength(3)
      // Those gaps are in a digest now.
      expect((await call('GET', '/recent')).body.questions).toBe(0)

      const created = await call('POST', `/digests/${id}/groups/0/article`)
      expect(created.status).toBe(201)
      expect(created.body.articleId).toMatch(/^[0-9a-f-]{36}$/)
      const existing = await call('POST', `/digests/${id}/groups/0/article`)
      expect(existing).toEqual({ status: 200, body: { articleId: created.body.articleId, created: false } })
    })

    it('answers bad input with a 4xx that says what is wrong', async () => {
      const badDays = await call('GET', '/recent?days=0')
      expect(badDays.status).toBe(422)
      expect(badDays.body.error.message).toMatch(/days: must be at least 1/)
      const badId = await call('GET', '/digests/not-a-uuid')
      expect(badId.status).toBe(404)
      expect(badId.body.error.message).toMatch(/path parameter id: .*must be a UUID/)
      expect((await call('GET', `/digests/${crypto.randomUUID()}`)).status).toBe(404)
      const [digest] = await db()
        .select({ id: knowledgeGapDigests.id })
        .from(knowledgeGapDigests)
        .where(eq(knowledgeGapDigests.tenantId, tenantId))
      const badIndex = await call('POST', `/digests/${digest!.id}/groups/first/article`)
      expect(badIndex.status).toBe(404)
      expect(badIndex.body.error.message).toMatch(/path parameter index/)
      const missing = await call('POST', `/digests/${digest!.id}/groups/7/article`)
      expect(missing.status).toBe(404)
      expect(missing.body.error.message).toMatch(/has no group 7/)
    })
  })
})
