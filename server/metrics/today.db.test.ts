// The Today figures are computed from the data, not constants: each change to the desk (a draft
// waiting, an assignment, a reply, a resolution, a CSAT answer, an escalation) moves exactly the
// figures it should, by exactly as much. The time windows are checked at the local-midnight
// boundary with rows written directly at chosen instants.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels } from '../../drizzle/schema/channels.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { conversations } from '../../drizzle/schema/conversations.ts'
import { ticketSlas } from '../../drizzle/schema/customer-success.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { type SignedIn, signInNewUser } from '../../testing/team.ts'
import { type TodayView, tenantTimeZone, todayFigures } from './today.ts'

let t: TestRuntime
let agent: SignedIn

beforeAll(async () => {
  // Every answer the agent finds is held for review: drafts are what this suite needs.
  t = await startTestRuntime({ env: { ATLAS_GATE_AUTO: '0.999', ATLAS_GATE_REVIEW: '0.05' } })
  agent = await signInNewUser(t, t.tenantId, 'agent', 'Robin Today')
})
afterAll(async () => {
  await t?.stop()
})

interface ConversationView {
  ticket: { id: string; number: string; status: string; owner: string }
  draft: { id: string; confidence: number } | null
  messages: Array<{ author: string; deliveryStatus: string }>
}

async function today(as: 'agent' | 'api-key' = 'agent'): Promise<TodayView> {
  const response = as === 'agent' ? await agent.call('GET', '/v1/today') : await t.api('GET', '/v1/today')
  expect(response.status).toBe(200)
  return (await response.json()) as TodayView
}

async function view(conversationId: string): Promise<ConversationView> {
  return (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as ConversationView
}

async function draftFor(text: string) {
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId: `today-${randomUUID()}`, text, name: 'Kim Draft' }),
  })
  expect(response.status).toBe(202)
  const { conversationId } = (await response.json()) as { conversationId: string }
  const v = await eventually(
    async () => {
      const current = await view(conversationId)
      return current.draft && current.ticket.status === 'awaiting_approval' ? current : undefined
    },
    15_000,
    'a draft awaiting approval',
  )
  return { conversationId, ticket: v.ticket, draft: v.draft! }
}

describe(`GET /v1/today (${testDatabaseKind})`, () => {
  it('moves each figure by exactly what changed in the data', async () => {
    const start = await today()
    expect(start.timeZone).toBe('Europe/Berlin') // the demo tenant's settings
    expect(start.needsHuman).toEqual({
      readyForApproval: 0,
      escalationsWaiting: 0,
      unassignedWaiting: 0,
      mine: 0,
      slaWarnings: 0,
      newConversations: 0,
    })
    expect(start.overview).toEqual({
      avgFirstResponseSeconds: null,
      activeConversations: 0,
      csat: null,
      resolvedToday: 0,
      botResolvedShare: null,
    })
    expect(start.approvalQueue).toEqual([])

    // A draft waits for approval: one more to approve, one more active and one more new conversation.
    const first = await draftFor('How do I turn on two-factor authentication?')
    const drafted = await today()
    expect(drafted.needsHuman.readyForApproval).toBe(start.needsHuman.readyForApproval + 1)
    expect(drafted.needsHuman.newConversations).toBe(start.needsHuman.newConversations + 1)
    expect(drafted.overview.activeConversations).toBe(start.overview.activeConversations + 1)
    expect(drafted.overview.avgFirstResponseSeconds).toBeNull()
    expect(drafted.approvalQueue).toHaveLength(1)
    expect(drafted.approvalQueue[0]).toMatchObject({
      ticketId: first.ticket.id,
      number: first.ticket.number,
      conversationId: first.conversationId,
      contactName: 'Kim Draft',
      subject: 'How do I turn on two-factor authentication?',
      draftId: first.draft.id,
    })
    expect(drafted.approvalQueue[0]!.confidence).toBeCloseTo(first.draft.confidence, 5)
    expect(drafted.approvalQueue[0]!.ageSeconds).toBeGreaterThanOrEqual(0)

    // Assigned to the signed-in agent: theirs, not the API key's.
    const assigned = await agent.call('POST', `/v1/tickets/${first.ticket.number}/assign`, { assignee: 'me' })
    expect(assigned.status).toBe(200)
    const mine = await today()
    expect(mine.needsHuman.mine).toBe(drafted.needsHuman.mine + 1)
    expect((await today('api-key')).needsHuman.mine).toBe(0)

    // The draft is approved and sent: off the approval queue, and a first response exists.
    const approved = await t.api('POST', `/v1/tickets/${first.ticket.id}/draft/approve`, {})
    expect(approved.status).toBe(200)
    await eventually(async () =>
      (await view(first.conversationId)).messages.some(
        (m) => m.author === 'bot' && m.deliveryStatus === 'sent',
      )
        ? true
        : undefined,
    )
    const answered = await today()
    expect(answered.needsHuman.readyForApproval).toBe(drafted.needsHuman.readyForApproval - 1)
    expect(answered.approvalQueue).toEqual([])
    expect(answered.overview.avgFirstResponseSeconds).not.toBeNull()
    expect(answered.overview.avgFirstResponseSeconds).toBeGreaterThanOrEqual(0)
    expect(answered.overview.avgFirstResponseSeconds).toBeLessThan(120)

    // Resolved: one more resolved today, one conversation less active, and no longer the agent's open work.
    const resolved = await t.api('POST', `/v1/tickets/${first.ticket.number}/status`, { status: 'resolved' })
    expect(resolved.status).toBe(200)
    const done = await today()
    expect(done.overview.resolvedToday).toBe(answered.overview.resolvedToday + 1)
    expect(done.overview.activeConversations).toBe(answered.overview.activeConversations - 1)
    expect(done.needsHuman.mine).toBe(answered.needsHuman.mine - 1)
    // Nobody but the bot ever owned it.
    expect(done.overview.botResolvedShare).toBe(100)

    // CSAT answers: the share of 4–5 scores, the mean and the count follow every answer.
    const rate = (ticket: string, score: number, comment?: string) =>
      agent.call('POST', `/v1/tickets/${ticket}/satisfaction`, { score, ...(comment ? { comment } : {}) })
    const firstRating = await rate(first.ticket.number, 5, 'Quick and clear')
    expect(firstRating.status).toBe(201)
    expect(await firstRating.json()).toMatchObject({
      rating: { number: first.ticket.number, score: 5, comment: 'Quick and clear' },
      replaced: false,
    })
    expect((await today()).overview.csat).toEqual({ percent: 100, average: 5, count: 1 })

    const second = await draftFor('Can I get an invoice for last month?')
    expect((await rate(second.ticket.number, 2)).status).toBe(201)
    expect((await today()).overview.csat).toEqual({ percent: 50, average: 3.5, count: 2 })

    // A second answer for the same ticket replaces the first.
    const replaced = await rate(first.ticket.id, 3)
    expect(replaced.status).toBe(200)
    expect(await replaced.json()).toMatchObject({ rating: { score: 3, comment: null }, replaced: true })
    expect((await today()).overview.csat).toEqual({ percent: 0, average: 2.5, count: 2 })

    // A rejected draft goes to a person: an escalation waiting, unassigned, and one fewer to approve.
    const beforeReject = await today()
    const rejected = await t.api('POST', `/v1/tickets/${second.ticket.number}/draft/reject`, {
      reason: 'needs billing',
    })
    expect(await rejected.json()).toMatchObject({ ticket: { status: 'pending', owner: 'human' } })
    const escalated = await today()
    expect(escalated.needsHuman.readyForApproval).toBe(beforeReject.needsHuman.readyForApproval - 1)
    expect(escalated.needsHuman.escalationsWaiting).toBe(beforeReject.needsHuman.escalationsWaiting + 1)
    expect(escalated.needsHuman.unassignedWaiting).toBe(beforeReject.needsHuman.unassignedWaiting + 1)
    expect(escalated.escalations).toHaveLength(1)
    expect(escalated.escalations[0]).toMatchObject({
      ticketId: second.ticket.id,
      number: second.ticket.number,
      subject: 'Can I get an invoice for last month?',
      assignee: null,
      assigneeName: null,
    })
    expect(escalated.escalations[0]!.waitingSeconds).toBeGreaterThanOrEqual(0)
    expect(escalated.overview.activeConversations).toBe(beforeReject.overview.activeConversations)

    // Picked up by the agent: still waiting in the escalation list, now theirs and no longer unassigned.
    expect(
      (await agent.call('POST', `/v1/tickets/${second.ticket.number}/assign`, { assignee: 'me' })).status,
    ).toBe(200)
    const picked = await today()
    expect(picked.needsHuman.unassignedWaiting).toBe(escalated.needsHuman.unassignedWaiting - 1)
    expect(picked.needsHuman.mine).toBe(escalated.needsHuman.mine + 1)
    expect(picked.needsHuman.escalationsWaiting).toBe(escalated.needsHuman.escalationsWaiting)
    expect(picked.escalations[0]).toMatchObject({ assignee: agent.userId, assigneeName: 'Robin Today' })

    // Nothing here has waited long enough for a first-response warning.
    expect(escalated.needsHuman.slaWarnings).toBe(0)
    expect(escalated.slaWarnings).toEqual([])

    // The SLA engine runs the escalated ticket's clocks (the demo tenant's default policies). Today
    // lists the ticket once its first-response clock is past the warning time, as its SLA says.
    const slaOf = async () =>
      (
        (await (await t.api('GET', `/v1/tickets/${second.ticket.number}/sla`)).json()) as {
          clocks: Array<{
            metric: string
            policy: { id: string; name: string }
            status: string
            targetSeconds: number
            warnAt: string | null
            dueAt: string | null
          }>
        }
      ).clocks
    const firstResponse = (await slaOf()).find((c) => c.metric === 'firstResponse')!
    expect(firstResponse).toMatchObject({ status: 'running', warnAt: expect.any(String) })
    const db = t.runtime.database.db
    const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000)
    const listed = async (now: Date) => {
      const figures = await todayFigures(db, t.tenantId, { now })
      return { count: figures.needsHuman.slaWarnings, warnings: figures.slaWarnings }
    }
    expect(await listed(at(firstResponse.warnAt!, -1))).toEqual({ count: 0, warnings: [] })
    const pastWarning = await listed(at(firstResponse.warnAt!, 1))
    expect(pastWarning.count).toBe(1)
    expect(pastWarning.warnings).toEqual([
      expect.objectContaining({
        ticketId: second.ticket.id,
        number: second.ticket.number,
        status: 'pending',
        sla: expect.objectContaining({
          metric: 'firstResponse',
          status: 'running',
          policyId: firstResponse.policy.id,
          policyName: firstResponse.policy.name,
          targetSeconds: firstResponse.targetSeconds,
          warnAt: firstResponse.warnAt,
          dueAt: firstResponse.dueAt,
          breachedAt: null,
        }),
        breached: false,
        clocks: 1,
      }),
    ])
    const pastDue = await listed(at(firstResponse.dueAt!, 1))
    expect(pastDue.warnings.map((w) => [w.ticketId, w.sla.metric, w.breached])).toEqual([
      [second.ticket.id, 'firstResponse', true],
    ])

    // A person answers: the engine meets the first-response clock, and the warning goes away.
    const reply = await agent.call('POST', `/v1/tickets/${second.ticket.number}/reply`, {
      text: 'Sorry for the wait, here is your invoice.',
    })
    expect(reply.status).toBeLessThan(300)
    await eventually(async () =>
      (await slaOf()).find((c) => c.metric === 'firstResponse')?.status === 'met' ? true : undefined,
    )
    expect(await listed(at(firstResponse.dueAt!, 1))).toEqual({ count: 0, warnings: [] })
  })

  it('refuses a bad list limit with 400 and needs a caller', async () => {
    const bad = await t.api('GET', '/v1/today?limit=0')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('limit')
    expect((await t.app.request('/v1/today')).status).toBe(401)
  })

  it('refuses a CSAT answer that is not 1–5, and a ticket that does not exist', async () => {
    const outOfRange = await t.api('POST', '/v1/tickets/TKT-10001/satisfaction', { score: 6 })
    expect(outOfRange.status).toBe(422)
    expect(((await outOfRange.json()) as { error: { message: string } }).error.message).toContain('score')
    const fraction = await t.api('POST', '/v1/tickets/TKT-10001/satisfaction', { score: 4.5 })
    expect(fraction.status).toBe(422)
    const missing = await t.api('POST', '/v1/tickets/TKT-99999/satisfaction', { score: 4 })
    expect(missing.status).toBe(404)
  })
})

describe('todayFigures at chosen instants (time zones, midnight, SLA warnings)', () => {
  let tenantId: string
  let channelId: string
  let contactId: string
  let ticketNo = 50_000

  beforeAll(async () => {
    const db = t.runtime.database.db
    const [tenant] = await db
      .insert(tenants)
      .values({
        slug: `tz-${randomUUID().slice(0, 8)}`,
        name: 'Kolkata Co',
        settings: { timeZone: 'Asia/Kolkata' },
      })
      .returning()
    tenantId = tenant!.id
    const [channel] = await db
      .insert(channels)
      .values({ tenantId, kind: 'widget', name: 'Chat', key: `tz-${randomUUID()}` })
      .returning()
    channelId = channel!.id
    const [contact] = await db.insert(contacts).values({ tenantId, name: 'Asha' }).returning()
    contactId = contact!.id
  })

  async function conversationAt(createdAt: string) {
    const [row] = await t.runtime.database.db
      .insert(conversations)
      .values({
        tenantId,
        channelId,
        contactId,
        threadKey: randomUUID(),
        createdAt: new Date(createdAt),
        lastMessageAt: new Date(createdAt),
      })
      .returning()
    return row!.id
  }

  async function ticket(
    values: Omit<Partial<typeof tickets.$inferInsert>, 'createdAt'> & { createdAt: string },
  ) {
    const conversationId = await conversationAt('2025-01-01T00:00:00Z')
    const { createdAt, ...rest } = values
    const [row] = await t.runtime.database.db
      .insert(tickets)
      .values({
        tenantId,
        conversationId,
        contactId,
        number: ++ticketNo,
        status: 'pending',
        owner: 'human',
        createdAt: new Date(createdAt),
        ...rest,
      })
      .returning()
    return row!
  }

  async function event(ticketId: string, seq: number, before: string | null, after: string, at: string) {
    await t.runtime.database.db.insert(ticketEvents).values({
      tenantId,
      ticketId,
      seq,
      type: after === 'resolved' ? 'RESOLVE' : 'CLOSE',
      actorKind: 'human',
      actorId: 'tester',
      idempotencyKey: `k-${seq}`,
      outcome: 'applied',
      payload: {},
      before: before ? { status: before, owner: 'human' } : null,
      after: { status: after, owner: 'human' },
      createdAt: new Date(at),
    })
  }

  it('starts "today" at local midnight in the tenant time zone, an explicit one, or UTC', async () => {
    // 12:00 UTC is 17:30 in Kolkata (UTC+05:30): the local day began at 18:30 UTC the day before.
    const now = new Date('2025-06-10T12:00:00Z')
    await conversationAt('2025-06-09T18:29:59.999Z') // yesterday, local time
    await conversationAt('2025-06-09T18:30:00Z') // the first instant of today
    await conversationAt('2025-06-10T12:00:01Z') // after `now`
    const yesterday = await ticket({ status: 'resolved', createdAt: '2025-06-09T10:00:00Z' })
    await event(yesterday.id, 1, 'pending', 'resolved', '2025-06-09T18:29:59Z')
    const todays = await ticket({ status: 'closed', createdAt: '2025-06-09T10:00:00Z' })
    await event(todays.id, 1, 'pending', 'resolved', '2025-06-09T18:30:00Z')
    // Closed later the same day: still resolved today, and counted once.
    await event(todays.id, 2, 'resolved', 'closed', '2025-06-09T20:00:00Z')
    const later = await ticket({ status: 'resolved', createdAt: '2025-06-09T10:00:00Z' })
    await event(later.id, 1, 'pending', 'resolved', '2025-06-10T12:00:01Z')

    const db = t.runtime.database.db
    const local = await todayFigures(db, tenantId, { now })
    expect(local.timeZone).toBe('Asia/Kolkata')
    expect(local.dayStartedAt).toBe('2025-06-09T18:30:00.000Z')
    expect(local.needsHuman.newConversations).toBe(1)
    expect(local.overview.resolvedToday).toBe(1)

    // In UTC the day began at 00:00 UTC: none of those rows are today.
    const utc = await todayFigures(db, tenantId, { now, timeZone: 'UTC' })
    expect(utc.dayStartedAt).toBe('2025-06-10T00:00:00.000Z')
    expect(utc.needsHuman.newConversations).toBe(0)
    expect(utc.overview.resolvedToday).toBe(0)

    // One second later in Kolkata's day, the row written at 12:00:01 counts too.
    const laterNow = await todayFigures(db, tenantId, { now: new Date('2025-06-10T12:00:01Z') })
    expect(laterNow.needsHuman.newConversations).toBe(2)
    expect(laterNow.overview.resolvedToday).toBe(2)

    // The day after: the counts start again from zero at the next local midnight.
    const nextDay = await todayFigures(db, tenantId, { now: new Date('2025-06-10T18:30:00Z') })
    expect(nextDay.dayStartedAt).toBe('2025-06-10T18:30:00.000Z')
    expect(nextDay.needsHuman.newConversations).toBe(0)
    expect(nextDay.overview.resolvedToday).toBe(0)

    // A daylight-saving day: New York's midnight on 9 March 2025 was still EST (UTC−5).
    const dst = await todayFigures(db, tenantId, {
      now: new Date('2025-03-09T12:00:00Z'),
      timeZone: 'America/New_York',
    })
    expect(dst.dayStartedAt).toBe('2025-03-09T05:00:00.000Z')
    const afterDst = await todayFigures(db, tenantId, {
      now: new Date('2025-03-10T12:00:00Z'),
      timeZone: 'America/New_York',
    })
    expect(afterDst.dayStartedAt).toBe('2025-03-10T04:00:00.000Z')

    // A zone PostgreSQL or ICU would not read the same way falls back to UTC.
    expect((await todayFigures(db, tenantId, { now, timeZone: '+05:30' })).timeZone).toBe('UTC')
    await db
      .update(tenants)
      .set({ settings: { timeZone: 'Mars/Olympus_Mons' } })
      .where(eq(tenants.id, tenantId))
    expect(await tenantTimeZone(db, tenantId)).toBe('UTC')
    await db
      .update(tenants)
      .set({ settings: { timeZone: 'Asia/Kolkata' } })
      .where(eq(tenants.id, tenantId))
  })

  /** A clock as the SLA engine keeps it (customer-success/sla-clocks.ts), written directly. */
  async function clock(ticketId: string, values: Partial<typeof ticketSlas.$inferInsert>) {
    await t.runtime.database.db.insert(ticketSlas).values({
      ticketId,
      tenantId,
      metric: 'firstResponse',
      policyId: 'normal',
      policyName: 'Normal',
      targetSeconds: 4 * 3600,
      warnShare: 0.75,
      status: 'running',
      startedAt: new Date('2025-07-01T08:00:00Z'),
      runningSince: new Date('2025-07-01T08:00:00Z'),
      token: 1,
      ...values,
    })
  }

  it('lists open tickets whose SLA clocks are breached or past their warning, most urgent first', async () => {
    const now = new Date('2025-07-01T12:00:00Z')
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000)
    const db = t.runtime.database.db
    const created = '2025-07-01T08:00:00Z'
    expect((await todayFigures(db, tenantId, { now })).needsHuman.slaWarnings).toBe(0)

    // Past its warning time, the warning timer not run yet.
    const dueSoon = await ticket({ createdAt: created, urgency: 'high', subject: 'Cannot log in' })
    await clock(dueSoon.id, {
      policyId: 'high',
      policyName: 'High',
      targetSeconds: 3600,
      warnAt: at(-5),
      dueAt: at(10),
    })
    // Warned: the engine fired the warning (and cleared warnAt).
    const warned = await ticket({ createdAt: created, status: 'in_progress', assignee: 'someone' })
    await clock(warned.id, {
      metric: 'resolution',
      targetSeconds: 24 * 3600,
      warnedAt: at(-30),
      dueAt: at(90),
    })
    // Breached, with its resolution clock past the warning too: listed once, with the breach.
    const breached = await ticket({ createdAt: created, priority: 'high' })
    await clock(breached.id, {
      status: 'breached',
      warnedAt: at(-60),
      breachedAt: at(-20),
      dueAt: at(-20),
      usedSeconds: 0,
    })
    await clock(breached.id, {
      metric: 'resolution',
      targetSeconds: 24 * 3600,
      warnAt: at(-1),
      dueAt: at(200),
    })
    // Past due before its breach timer ran: breached, as the inbox badge says.
    const overdue = await ticket({ createdAt: created, status: 'awaiting_approval' })
    await clock(overdue.id, { metric: 'nextResponse', warnedAt: at(-40), dueAt: at(-2) })
    // Not listed: the warning still ahead; paused on the customer (even after a breach); met late; a
    // breached clock on a resolved ticket.
    const calm = await ticket({ createdAt: created })
    await clock(calm.id, { warnAt: at(5), dueAt: at(20) })
    const paused = await ticket({ createdAt: created })
    await clock(paused.id, {
      status: 'paused',
      runningSince: null,
      usedSeconds: 5 * 3600,
      breachedAt: at(-100),
      warnedAt: at(-150),
    })
    const met = await ticket({ createdAt: created })
    await clock(met.id, { status: 'met', runningSince: null, breachedAt: at(-15), metAt: at(-10) })
    const resolved = await ticket({ createdAt: created, status: 'resolved' })
    await clock(resolved.id, { status: 'breached', breachedAt: at(-30), dueAt: at(-30) })

    const figures = await todayFigures(db, tenantId, { now })
    expect(figures.needsHuman.slaWarnings).toBe(4)
    expect(figures.slaWarnings.map((w) => w.ticketId)).toEqual([
      breached.id,
      overdue.id,
      dueSoon.id,
      warned.id,
    ])
    expect(figures.slaWarnings[0]).toEqual({
      ticketId: breached.id,
      number: `TKT-${breached.number}`,
      conversationId: breached.conversationId,
      contactName: 'Asha',
      subject: null,
      status: 'pending',
      priority: 'high',
      urgency: null,
      sla: {
        metric: 'firstResponse',
        status: 'breached',
        policyId: 'normal',
        policyName: 'Normal',
        targetSeconds: 4 * 3600,
        usedSeconds: 0,
        dueAt: at(-20).toISOString(),
        warnAt: null,
        warnedAt: at(-60).toISOString(),
        breachedAt: at(-20).toISOString(),
      },
      breached: true,
      clocks: 2,
    })
    expect(figures.slaWarnings[1]).toMatchObject({
      status: 'awaiting_approval',
      sla: { metric: 'nextResponse', status: 'running', dueAt: at(-2).toISOString(), breachedAt: null },
      breached: true,
      clocks: 1,
    })
    expect(figures.slaWarnings[2]).toMatchObject({
      subject: 'Cannot log in',
      urgency: 'high',
      sla: {
        metric: 'firstResponse',
        policyId: 'high',
        policyName: 'High',
        targetSeconds: 3600,
        warnAt: at(-5).toISOString(),
        dueAt: at(10).toISOString(),
        warnedAt: null,
      },
      breached: false,
    })
    expect(figures.slaWarnings[3]).toMatchObject({
      status: 'in_progress',
      sla: { metric: 'resolution', warnedAt: at(-30).toISOString(), dueAt: at(90).toISOString() },
      breached: false,
    })

    // Ten minutes earlier: the overdue clock was only warned, and the first warning time not reached.
    const earlier = await todayFigures(db, tenantId, { now: at(-10) })
    expect(earlier.slaWarnings.map((w) => [w.ticketId, w.breached])).toEqual([
      [breached.id, true],
      [overdue.id, false],
      [warned.id, false],
    ])
    expect(earlier.needsHuman.slaWarnings).toBe(3)
    // Six minutes later the calm ticket's warning time has passed, and the high one is still due.
    const later = await todayFigures(db, tenantId, { now: at(6) })
    expect(later.slaWarnings.map((w) => w.ticketId)).toEqual([
      breached.id,
      overdue.id,
      dueSoon.id,
      calm.id,
      warned.id,
    ])
    // The list is cut at the limit; the figure counts them all.
    const short = await todayFigures(db, tenantId, { now, listLimit: 2 })
    expect(short.slaWarnings.map((w) => w.ticketId)).toEqual([breached.id, overdue.id])
    expect(short.needsHuman.slaWarnings).toBe(4)

    // Once the breached ticket is resolved, it leaves the list though its clock row stays.
    await db.update(tickets).set({ status: 'resolved' }).where(eq(tickets.id, breached.id))
    const after = await todayFigures(db, tenantId, { now })
    expect(after.slaWarnings.map((w) => w.ticketId)).toEqual([overdue.id, dueSoon.id, warned.id])
    expect(after.needsHuman.slaWarnings).toBe(3)
  })
})
