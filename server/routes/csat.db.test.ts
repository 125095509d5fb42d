// The survey's public answer page and the CSAT report route, on a small Hono app with a stand-in for
// the API's authentication: a GET only shows the form (mail scanners open links), a POST records and a
// later one replaces, bad input is a 400 page, an unknown link a 404, and everything is escaped.
import { randomBytes, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../common/logger.ts'
import type { Database } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { satisfactionSurveys } from '../../drizzle/schema/customer-success.ts'
import { satisfactionRatings } from '../../drizzle/schema/team.ts'
import { type TenantSettings, tenants } from '../../drizzle/schema/tenants.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { createConversation } from '../../testing/fixtures.ts'
import type { Config } from '../config.ts'
import { createSuccessJobs } from '../customer-success/jobs.ts'
import type { AuthVariables, Principal } from '../http/auth.ts'
import { onError } from '../http/errors.ts'
import { type JobStore, startJobStore } from '../jobs/job-store.ts'
import { csatPublicRoutes, csatReportRoutes } from './csat.ts'

const PUBLIC_URL = 'https://desk.example'
const QUESTION =
  'How would you rate the help you got? Reply with a number from 1 (very poor) to 5 (excellent).'

let testDb: TestDatabase
let database: Database
let store: JobStore
let app: Hono<{ Variables: AuthVariables }>
let tenantId: string
let number = 40001

beforeAll(async () => {
  testDb = await createTestDatabase()
  database = testDb.database
  store = await startJobStore({ database, logger: silentLogger, supervise: false })
  const jobs = createSuccessJobs(store.boss, database)
  tenantId = await newTenant('Acme')

  app = new Hono<{ Variables: AuthVariables }>()
  app.onError(onError(silentLogger))
  app.route('/csat', csatPublicRoutes({ database, config: { publicUrl: PUBLIC_URL } as Config }, jobs))
  // Stands in for authenticate(): the caller's tenant, as server/http/auth.ts sets it.
  app.use('/v1/reports/*', async (c, next) => {
    const principal: Principal = {
      tenantId: c.req.header('x-test-tenant') ?? tenantId,
      operator: 'api-key:test',
      role: 'admin',
      userId: null,
      keyId: null,
      name: 'test',
      via: 'api_key',
      csrfToken: null,
    }
    c.set('auth', principal)
    await next()
  })
  app.route('/v1/reports', csatReportRoutes({ database }))
})

afterAll(async () => {
  await store?.stop({ graceful: false })
  await testDb?.drop()
})

async function newTenant(name: string, settings: TenantSettings = {}) {
  const slug = `csat-${randomUUID().slice(0, 8)}`
  const [tenant] = await database.db.insert(tenants).values({ slug, name, settings }).returning()
  return tenant!.id
}

/** A resolved ticket whose survey was sent by email: its token is what the links carry. */
async function sentSurvey(tenant = tenantId) {
  const db = database.db
  const [channel] = await db
    .insert(channels)
    .values({ tenantId: tenant, kind: 'email', name: 'Email', key: `email-${randomUUID().slice(0, 8)}` })
    .returning()
  const { contact, conversation } = await createConversation(db, tenant, channel!.id)
  const [ticket] = await db
    .insert(tickets)
    .values({
      tenantId: tenant,
      conversationId: conversation.id,
      contactId: contact.id,
      number: number++,
      status: 'resolved',
      owner: 'bot',
    })
    .returning()
  const [survey] = await db
    .insert(satisfactionSurveys)
    .values({
      tenantId: tenant,
      ticketId: ticket!.id,
      conversationId: conversation.id,
      token: randomBytes(18).toString('base64url'),
      status: 'sent',
      sentAt: new Date(),
    })
    .returning()
  return { ticket: ticket!, survey: survey! }
}

const post = (token: string, form: Record<string, string>) =>
  app.request(`/csat/${token}`, { method: 'POST', body: new URLSearchParams(form) })

const ratingsOf = (ticketId: string) =>
  database.db.select().from(satisfactionRatings).where(eq(satisfactionRatings.ticketId, ticketId))

const statusOf = async (surveyId: string) =>
  (await database.db.select().from(satisfactionSurveys).where(eq(satisfactionSurveys.id, surveyId)))[0]!
    .status

const radios = (page: string) => page.match(/<input type="radio" name="score"[^>]*>/g) ?? []

describe(`the public answer page (${testDatabaseKind})`, () => {
  it('shows the question, five score buttons and a comment box, and records nothing', async () => {
    const { ticket, survey } = await sentSurvey()
    const response = await app.request(`/csat/${survey.token}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    const page = await response.text()
    expect(page).toContain('<form method="post">')
    expect(page).toContain(QUESTION)
    expect(page).toContain('Acme support')
    expect(radios(page)).toHaveLength(5)
    expect(radios(page).map((r) => /value="(\d)"/.exec(r)?.[1])).toEqual(['1', '2', '3', '4', '5'])
    expect(radios(page).filter((r) => r.includes('checked'))).toEqual([])
    expect(page).toMatch(/<textarea id="comment" name="comment"/)
    expect(page).toContain('<label for="score-1">')
    expect(page).not.toContain('<script')
    expect(await ratingsOf(ticket.id)).toHaveLength(0)
  })

  it('preselects ?score=5 but still records nothing', async () => {
    const { ticket, survey } = await sentSurvey()
    const response = await app.request(`/csat/${survey.token}?score=5`)
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(radios(page).filter((r) => r.includes('checked'))).toEqual([expect.stringContaining('value="5"')])
    expect(await ratingsOf(ticket.id)).toHaveLength(0)
    expect(await statusOf(survey.id)).toBe('sent')

    // A score off the scale preselects nothing (and is no error: it is only a link).
    const odd = await (await app.request(`/csat/${survey.token}?score=9`)).text()
    expect(radios(odd).filter((r) => r.includes('checked'))).toEqual([])
  })

  it('records a POST, replaces it with a second one, and shows the answer when opened again', async () => {
    const { ticket, survey } = await sentSurvey()
    const first = await post(survey.token, { score: '4', comment: 'Quick and kind' })
    expect(first.status).toBe(200)
    const thanks = await first.text()
    expect(thanks).toContain('Thank you for your feedback!')
    expect(thanks).toContain('4/5 (good)')
    expect(await ratingsOf(ticket.id)).toMatchObject([{ score: 4, comment: 'Quick and kind' }])
    expect(await statusOf(survey.id)).toBe('answered')

    const again = await (await app.request(`/csat/${survey.token}`)).text()
    expect(again).toContain('You rated this')
    expect(again).toContain('Quick and kind')
    expect(radios(again).filter((r) => r.includes('checked'))).toEqual([expect.stringContaining('value="4"')])
    expect(again).toContain('Update my rating')

    const second = await post(survey.token, { score: '5', comment: '' })
    expect(second.status).toBe(200)
    const rows = await ratingsOf(ticket.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ score: 5, comment: null })
  })

  it('answers a bad or missing score with a 400 page that says why, keeping the comment', async () => {
    const { ticket, survey } = await sentSurvey()
    const forms: Record<string, string>[] = [
      { score: '9', comment: 'kept' },
      { score: 'abc', comment: 'kept' },
      { comment: 'kept' },
    ]
    for (const form of forms) {
      const response = await post(survey.token, form)
      expect(response.status).toBe(400)
      const page = await response.text()
      expect(page).toContain('role="alert"')
      expect(page).toContain('Choose a score from 1 to 5.')
      expect(page).toMatch(/<textarea[^>]*>kept<\/textarea>/)
    }
    expect(await ratingsOf(ticket.id)).toHaveLength(0)
    expect(await statusOf(survey.id)).toBe('sent')
  })

  it('answers an unknown token with a 404 page', async () => {
    for (const response of [
      await app.request('/csat/no-such-token-at-all'),
      await app.request('/csat/%3Cscript%3E'),
      await post('no-such-token-at-all', { score: '5' }),
    ]) {
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await response.text()).toContain('This link does not work')
    }
  })

  it('escapes the question, the company name and the customer’s comment', async () => {
    const tenant = await newTenant('<b>Evil</b> & Co', {
      csat: { question: 'Rate us <script>alert("q")</script>', thanks: 'Thanks <i>so</i> much' },
    })
    const { survey } = await sentSurvey(tenant)
    const thanks = await (
      await post(survey.token, { score: '3', comment: '<img src=x onerror=alert(1)>' })
    ).text()
    expect(thanks).toContain('Thanks &lt;i&gt;so&lt;/i&gt; much')
    const page = await (await app.request(`/csat/${survey.token}`)).text()
    expect(page).toContain('Rate us &lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;')
    expect(page).toContain('&lt;b&gt;Evil&lt;/b&gt; &amp; Co support')
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(page).not.toContain('<script>')
    expect(page).not.toContain('<img')
  })
})

describe(`GET /v1/reports/csat (${testDatabaseKind})`, () => {
  let reportTenant: string

  beforeAll(async () => {
    reportTenant = await newTenant('Reports')
    const at = new Date(Date.UTC(2025, 2, 10))
    for (const score of [5, 4, 1]) {
      const { ticket, survey } = await sentSurvey(reportTenant)
      await database.db
        .update(satisfactionSurveys)
        .set({ status: 'answered', sentAt: at })
        .where(eq(satisfactionSurveys.id, survey.id))
      await database.db
        .insert(satisfactionRatings)
        .values({ tenantId: reportTenant, ticketId: ticket.id, score, createdAt: at })
    }
    const unanswered = await sentSurvey(reportTenant)
    await database.db
      .update(satisfactionSurveys)
      .set({ sentAt: at })
      .where(eq(satisfactionSurveys.id, unanswered.survey.id))
  })

  const report = (query: string, tenant = reportTenant) =>
    app.request(`/v1/reports/csat${query}`, { headers: { 'x-test-tenant': tenant } })

  it("returns the report for the caller's tenant and range", async () => {
    const response = await report('?from=2025-03-01&to=2025-04-01T00:00:00Z')
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-04-01T00:00:00.000Z',
      surveysSent: 4,
      responses: 3,
      responseRate: 0.75,
      distribution: { '1': 1, '2': 0, '3': 0, '4': 1, '5': 1 },
      byAgent: [{ agent: 'bot', responses: 3 }],
    })
    expect(body.average).toBeCloseTo(10 / 3)
    expect(body.csat).toBeCloseTo(2 / 3)

    // Another tenant sees none of it.
    const other = (await (await report('?from=2025-03-01&to=2025-04-01', tenantId)).json()) as {
      responses: number
    }
    expect(other.responses).toBe(0)
  })

  it('covers the last 30 days by default', async () => {
    const response = await report('')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { from: string; to: string; responses: number }
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 24 * 3600_000)
    expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000)
    expect(body.responses).toBe(0)
  })

  it('answers bad dates with a 400 that says what is wrong', async () => {
    for (const query of ['?from=yesterday', '?to=2025-13-45', '?from=2025-03-01T10:00', '?from=2025-02-30']) {
      const response = await report(query)
      expect(response.status, query).toBe(400)
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('bad_request')
      expect(error.message).toMatch(/ISO 8601|not a real date/)
    }
    const reversed = await report('?from=2025-04-01&to=2025-03-01')
    expect(reversed.status).toBe(400)
    expect(((await reversed.json()) as { error: { message: string } }).error.message).toContain(
      '`from` must be before `to`',
    )
  })
})
