// The inbox query behind GET /v1/conversations: each tab (filter), the channel inboxes and `new`,
// search by contact, ticket number and message text (with % and _ taken literally), the 30-day
// archive, the per-tab counts, the cursor, and bad query parameters refused with 400.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels } from '../../drizzle/schema/channels.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { type ConversationInbox, conversations, messages } from '../../drizzle/schema/conversations.ts'
import { drafts, type TicketStatus, tickets } from '../../drizzle/schema/tickets.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { type SignedIn, signInNewUser } from '../../testing/team.ts'
import type { InboxView } from './conversations.ts'

let t: TestRuntime
let agent: SignedIn
let channelId: string
const ids: Record<string, string> = {}
const MINUTE = 60_000
const DAY = 24 * 3600_000

interface Fixture {
  key: string
  name: string
  email?: string
  phone?: string
  /** Minutes (or days, with `daysAgo`) before now of the last message. */
  minutesAgo?: number
  daysAgo?: number
  inbox?: ConversationInbox
  ticket?: {
    number: number
    status: TicketStatus
    owner?: 'bot' | 'human'
    assignee?: string | null
    priority?: 'low' | 'normal' | 'high' | 'urgent'
    tags?: string[]
    category?: string
    subject?: string
    draft?: boolean
  }
  /** In order; `out` is a reply, `note` an internal note. */
  thread: Array<['in' | 'out' | 'note', string]>
}

/** Writes a conversation as ingest and the ticket host would have left it, at a chosen time. */
async function seed(f: Fixture) {
  const db = t.runtime.database.db
  const last = new Date(Date.now() - (f.daysAgo ? f.daysAgo * DAY : (f.minutesAgo ?? 0) * MINUTE))
  const [contact] = await db
    .insert(contacts)
    .values({ tenantId: t.tenantId, name: f.name, email: f.email ?? null, phone: f.phone ?? null })
    .returning()
  const [conversation] = await db
    .insert(conversations)
    .values({
      tenantId: t.tenantId,
      channelId,
      contactId: contact!.id,
      threadKey: randomUUID(),
      inbox: f.inbox ?? 'active',
      createdAt: new Date(last.getTime() - f.thread.length * 1000),
      lastMessageAt: last,
    })
    .returning()
  let ticketId: string | null = null
  if (f.ticket) {
    const [ticket] = await db
      .insert(tickets)
      .values({
        tenantId: t.tenantId,
        conversationId: conversation!.id,
        contactId: contact!.id,
        number: f.ticket.number,
        status: f.ticket.status,
        owner: f.ticket.owner ?? 'bot',
        assignee: f.ticket.assignee ?? null,
        priority: f.ticket.priority ?? 'normal',
        tags: f.ticket.tags ?? [],
        category: f.ticket.category ?? null,
        subject: f.ticket.subject ?? null,
        createdAt: new Date(last.getTime() - f.thread.length * 1000),
      })
      .returning()
    ticketId = ticket!.id
    if (f.ticket.draft) {
      await db.insert(drafts).values({
        tenantId: t.tenantId,
        ticketId,
        body: 'A draft',
        confidence: 0.6,
        status: 'pending',
      })
    }
  }
  let at = last.getTime() - f.thread.length * 1000
  for (const [kind, body] of f.thread) {
    at += 1000
    await db.insert(messages).values({
      tenantId: t.tenantId,
      conversationId: conversation!.id,
      channelId,
      ticketId,
      direction: kind === 'in' ? 'inbound' : kind === 'out' ? 'outbound' : 'internal',
      author: kind === 'in' ? 'customer' : kind === 'out' ? 'bot' : 'human',
      body,
      deliveryStatus: kind === 'in' ? 'received' : 'sent',
      createdAt: new Date(at),
    })
  }
  ids[f.key] = conversation!.id
}

async function list(
  query = '',
  caller: 'api-key' | 'agent' = 'api-key',
  headers: Record<string, string> = {},
) {
  const response =
    caller === 'agent'
      ? await agent.call('GET', `/v1/conversations${query}`)
      : await t.api('GET', `/v1/conversations${query}`, undefined, headers)
  expect(response.status).toBe(200)
  return (await response.json()) as InboxView
}

const keysOf = (view: InboxView) =>
  view.conversations.map((c) => Object.entries(ids).find(([, id]) => id === c.id)?.[0] ?? c.id).sort()

const LONG = `My whole team lost access after the SSO change. ${'We tried everything in the guide, twice. '.repeat(8)}`

beforeAll(async () => {
  t = await startTestRuntime()
  agent = await signInNewUser(t, t.tenantId, 'agent', 'Robin Inbox')
  const [channel] = await t.runtime.database.db.select().from(channels).where(eq(channels.key, 'demo'))
  channelId = channel!.id

  // One conversation the real way: the widget, the local agent answers from the Library.
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      visitorId: `inbox-${randomUUID()}`,
      text: 'How do I reset my password?',
      name: 'Priya Natarajan',
      email: 'priya@northwind.example',
    }),
  })
  const { conversationId } = (await response.json()) as { conversationId: string }
  ids.widget = conversationId
  await eventually(
    async () => {
      const v = (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as {
        ticket: { status: string } | null
        messages: Array<{ author: string; deliveryStatus: string }>
      }
      return v.ticket?.status === 'bot_handled' &&
        v.messages.some((m) => m.author === 'bot' && m.deliveryStatus === 'sent')
        ? true
        : undefined
    },
    15_000,
    'the bot answer',
  )

  const fixtures: Fixture[] = [
    {
      key: 'new',
      name: 'Oluwaseun Bankole',
      email: 'seun@bankole.example',
      phone: '+44 20 7946 0958',
      minutesAgo: 1,
      ticket: { number: 20001, status: 'new', priority: 'high', tags: ['export'], category: 'bug_report' },
      thread: [['in', 'The export button is greyed out']],
    },
    {
      key: 'escalated',
      name: 'Ines Duarte',
      minutesAgo: 2,
      inbox: 'expired',
      ticket: { number: 20002, status: 'pending', owner: 'human', subject: 'Refund: duplicate charge' },
      thread: [
        ['in', 'I was charged twice, fooXbar'],
        ['out', "I've created ticket TKT-20002 for our billing team."],
      ],
    },
    {
      key: 'mineAgent',
      name: 'Tomás Ruiz',
      minutesAgo: 3,
      inbox: 'outgoing',
      ticket: { number: 20003, status: 'in_progress', owner: 'human', assignee: 'AGENT' },
      thread: [
        ['in', 'Can you check invoice 4411?'],
        ['out', 'Checking now'],
        ['note', 'Internal: ask finance about 4411'],
      ],
    },
    {
      key: 'mineSam',
      name: 'Yuki Sato',
      minutesAgo: 4,
      ticket: { number: 20004, status: 'in_progress', owner: 'human', assignee: 'sam@quillstack.io' },
      thread: [['in', 'Please refund 100% of the seat fee']],
    },
    {
      key: 'resolved',
      name: 'Lena Vogel',
      minutesAgo: 5,
      ticket: { number: 20005, status: 'resolved' },
      thread: [
        ['in', LONG],
        ['out', 'Fixed on our side'],
        ['in', LONG],
      ],
    },
    {
      key: 'closed',
      name: 'Marek Nowak',
      minutesAgo: 6,
      ticket: { number: 20006, status: 'closed' },
      thread: [
        ['in', 'Thanks, all good'],
        ['out', 'Glad to help'],
      ],
    },
    {
      key: 'noTicket',
      name: 'Ada Obi',
      minutesAgo: 7,
      thread: [['in', 'We imported 1000 cards yesterday']],
    },
    {
      key: 'approval',
      name: 'Chen Wei',
      minutesAgo: 8,
      ticket: { number: 20008, status: 'awaiting_approval', draft: true },
      thread: [['in', 'the field foo_bar is empty']],
    },
    {
      key: 'oldButActive',
      name: 'Sara Lind',
      daysAgo: 29,
      ticket: { number: 20009, status: 'resolved' },
      thread: [['in', 'Old question']],
    },
    {
      key: 'archived',
      name: 'Archie Vale',
      daysAgo: 31,
      ticket: { number: 20010, status: 'resolved' },
      thread: [['in', 'A very old question about archived boards']],
    },
  ]
  for (const f of fixtures) {
    if (f.ticket?.assignee === 'AGENT') f.ticket.assignee = agent.userId
    await seed(f)
  }
})
afterAll(async () => {
  await t?.stop()
})

describe(`GET /v1/conversations: the inbox (${testDatabaseKind})`, () => {
  it('lists every conversation of the last 30 days, newest first, with what a row shows', async () => {
    const all = await list()
    expect(all.conversations.map((c) => c.id)).toEqual(
      [
        'widget',
        'new',
        'escalated',
        'mineAgent',
        'mineSam',
        'resolved',
        'closed',
        'noTicket',
        'approval',
        'oldButActive',
      ].map((k) => ids[k]),
    )
    const row = (key: string) => all.conversations.find((c) => c.id === ids[key])!

    expect(row('widget')).toMatchObject({
      channel: { kind: 'widget', key: 'demo' },
      contact: { name: 'Priya Natarajan', email: 'priya@northwind.example' },
      ticket: { status: 'bot_handled', owner: 'bot', category: 'how_to', assignee: null },
      lastMessage: { direction: 'outbound', author: 'bot' },
      flags: { draftPending: false, customerWaiting: false, noReplyYet: false },
      archived: false,
    })
    expect(row('new')).toMatchObject({
      contact: { name: 'Oluwaseun Bankole', phone: '+44 20 7946 0958', vip: false },
      ticket: {
        number: 'TKT-20001',
        status: 'new',
        priority: 'high',
        tags: ['export'],
        category: 'bug_report',
        subject: null,
      },
      snippet: 'The export button is greyed out',
      lastMessage: { direction: 'inbound', author: 'customer' },
      flags: { draftPending: false, customerWaiting: true, noReplyYet: true },
    })
    expect(row('new').customerWaitingSince).toBe(row('new').lastMessage!.at)
    // The assignee is named when they are a teammate; an operator string is shown as is.
    expect(row('mineAgent').ticket!.assignee).toEqual({ id: agent.userId, name: 'Robin Inbox' })
    expect(row('mineSam').ticket!.assignee).toEqual({ id: 'sam@quillstack.io', name: null })
    // Internal notes are not the snippet: the last message the customer could see is.
    expect(row('mineAgent')).toMatchObject({
      snippet: 'Checking now',
      flags: { customerWaiting: false },
      customerWaitingSince: null,
    })
    expect(row('escalated')).toMatchObject({
      inbox: 'expired',
      ticket: { subject: 'Refund: duplicate charge', status: 'pending', owner: 'human' },
    })
    // A long message is cut to one line of at most 140 characters.
    const snippet = row('resolved').snippet!
    expect(snippet.length).toBeLessThanOrEqual(140)
    expect(snippet.endsWith('…')).toBe(true)
    expect(snippet).not.toContain('\n')
    // A resolved ticket is not waiting for anyone, even when the customer wrote last.
    expect(row('resolved').flags.customerWaiting).toBe(false)
    expect(row('approval').flags.draftPending).toBe(true)
    expect(row('noTicket').ticket).toBeNull()
    expect(row('closed').ticket).toMatchObject({ number: 'TKT-20006', status: 'closed' })
  })

  it('counts every tab in one go, over the same scope as the list', async () => {
    const { counts } = await list('', 'agent')
    expect(counts).toEqual({
      all: 10,
      mine: 1,
      unassigned: 4, // widget, new, escalated, approval
      open: 4, // widget (bot_handled), new, escalated (pending), approval
      in_progress: 2,
      resolved: 2,
      closed: 1,
      new: 1,
      active: 8,
      expired: 1,
      outgoing: 1,
    })
    // The filter does not change the badges; the scope (archived, search) does.
    expect((await list('?filter=closed', 'agent')).counts).toEqual(counts)
    expect((await list('?archived=true')).counts).toMatchObject({ all: 1, resolved: 1, open: 0 })
    expect((await list('?archived=all')).counts).toMatchObject({ all: 11, resolved: 3 })
    expect((await list('?q=bankole')).counts).toMatchObject({ all: 1, new: 1, open: 1, resolved: 0 })
  })

  it.each([
    ['all', '', 10],
    ['open', '?filter=open', ['approval', 'escalated', 'new', 'widget']],
    ['in_progress', '?filter=in_progress', ['mineAgent', 'mineSam']],
    ['resolved', '?filter=resolved', ['oldButActive', 'resolved']],
    ['closed', '?filter=closed', ['closed']],
    ['unassigned', '?filter=unassigned', ['approval', 'escalated', 'new', 'widget']],
    ['inbox=new', '?inbox=new', ['new']],
    ['inbox=expired', '?inbox=expired', ['escalated']],
    ['inbox=outgoing', '?inbox=outgoing', ['mineAgent']],
    ['inbox=active and filter=open', '?inbox=active&filter=open', ['approval', 'new', 'widget']],
    ['status', '?status=awaiting_approval', ['approval']],
  ] as const)('filters: %s', async (_name, query, expected) => {
    const view = await list(query)
    if (typeof expected === 'number') expect(view.conversations).toHaveLength(expected)
    else expect(keysOf(view)).toEqual([...expected].sort())
  })

  it('mine is the signed-in person’s tickets, or an API caller’s operator', async () => {
    expect(keysOf(await list('?filter=mine', 'agent'))).toEqual(['mineAgent'])
    expect(
      keysOf(await list('?filter=mine', 'api-key', { 'x-atlas-operator': 'sam@quillstack.io' })),
    ).toEqual(['mineSam'])
    const keyOnly = await list('?filter=mine')
    expect(keyOnly.conversations).toEqual([])
    expect(keyOnly.counts.mine).toBe(0)
  })

  it.each([
    ['a contact name, any case', 'bankole', ['new']],
    ['an email', 'priya@northwind', ['widget']],
    ['a phone as stored', '+44 20 7946', ['new']],
    ['a phone typed without its formatting', '2079460958', ['new']],
    ['a ticket number', 'TKT-20003', ['mineAgent']],
    ['a ticket number in lower case', 'tkt-20004', ['mineSam']],
    ['a bare ticket number', '20006', ['closed']],
    ['message text', 'greyed OUT', ['new']],
    ['text of an internal note', 'ask finance', ['mineAgent']],
    ['a % taken literally', '100%', ['mineSam']],
    ['an _ taken literally', 'foo_bar', ['approval']],
    ['a backslash taken literally', 'a\\b', []],
    ['nothing that matches', 'zebra crossing', []],
  ] as const)('search by %s', async (_name, q, expected) => {
    expect(keysOf(await list(`?q=${encodeURIComponent(q)}`))).toEqual([...expected].sort())
  })

  it('leaves out conversations quiet for more than 30 days unless asked', async () => {
    expect(keysOf(await list())).not.toContain('archived')
    expect(keysOf(await list())).toContain('oldButActive')
    const archived = await list('?archived=true')
    expect(keysOf(archived)).toEqual(['archived'])
    expect(archived.conversations[0]!.archived).toBe(true)
    expect(keysOf(await list('?archived=all'))).toHaveLength(11)
    expect(keysOf(await list('?archived=true&q=archived%20boards'))).toEqual(['archived'])
    expect(keysOf(await list('?q=archived%20boards'))).toEqual([])

    // The boundary moves with the last message: 29 days ago becomes 31 days ago.
    await t.runtime.database.db
      .update(conversations)
      .set({ lastMessageAt: new Date(Date.now() - 31 * DAY) })
      .where(eq(conversations.id, ids.oldButActive!))
    try {
      expect(keysOf(await list('?archived=true'))).toEqual(['archived', 'oldButActive'])
      expect(keysOf(await list())).not.toContain('oldButActive')
    } finally {
      await t.runtime.database.db
        .update(conversations)
        .set({ lastMessageAt: new Date(Date.now() - 29 * DAY) })
        .where(eq(conversations.id, ids.oldButActive!))
    }
  })

  it('pages with `before` and `limit`, each page continuing where the last stopped', async () => {
    const everything = (await list()).conversations.map((c) => c.id)
    const seen: string[] = []
    let before: string | null = null
    let pages = 0
    do {
      const page: InboxView = await list(`?limit=3${before ? `&before=${encodeURIComponent(before)}` : ''}`)
      seen.push(...page.conversations.map((c) => c.id))
      before = page.nextBefore
      pages++
    } while (before && pages < 10)
    expect(seen).toEqual(everything)
    expect(pages).toBe(4)
  })

  it.each([
    ['an unknown filter', '?filter=everything', 'filter'],
    ['an unknown inbox', '?inbox=spam', 'inbox'],
    ['an unknown archived value', '?archived=maybe', 'archived'],
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit that is not a number', '?limit=ten', 'limit'],
    ['a cursor that is not a time', '?before=yesterday', 'before'],
    ['a search over 200 characters', `?q=${'x'.repeat(201)}`, 'at most 200 characters'],
    ['an unknown status', '?status=done', 'status'],
  ])('refuses %s with 400 and says which parameter', async (_name, query, message) => {
    const response = await t.api('GET', `/v1/conversations${query}`)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('bad_request')
    expect(body.error.message).toContain(message)
  })
})
