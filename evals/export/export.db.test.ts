// Resolved production tickets become eval cases: the customer's turns, the ticket's final labels and
// what actually resolved it (a person, or the bot's cited answer) as expectations on the last turn,
// and not a trace of the contact's personal data. Open tickets, other tenants' tickets and tickets
// without customer text are not exported; the written file loads as a dataset.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities, contacts } from '../../drizzle/schema/contacts.ts'
import { type Citation, conversations, messages } from '../../drizzle/schema/conversations.ts'
import { users } from '../../drizzle/schema/team.ts'
import { agentDecisions, type TicketStatus, tickets } from '../../drizzle/schema/tickets.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { createTenant } from '../../testing/fixtures.ts'
import { CaseSchema, type EvalCase } from '../harness/case.ts'
import { loadDatasets } from '../harness/dataset.ts'
import { datasetJsonl, exportResolvedTickets, PSEUDONYMOUS_CONTACT } from './export.ts'

const PERSONAL = {
  name: 'Margarethe Oyelaran-Fischer',
  email: 'margarethe.of@example.org',
  phone: '+49 151 23456789',
  whatsapp: '4915123456789',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  operator: 'Robin Okonkwo',
}
/** Pieces of personal data that must not appear in an exported case, whatever the formatting. */
const TRACES = [
  'margarethe',
  'oyelaran',
  'fischer',
  'example.org',
  'robin',
  'okonkwo',
  '23456789',
  '2345 6789',
  '4111',
  'de89',
  '0532 0130',
  'secret-token',
  'internal note',
]

let testDb: TestDatabase
let db: Db
let tenantId: string
let tenantSlug: string
const HOUR = 3_600_000
const base = Date.parse('2025-03-01T09:00:00Z')

beforeAll(async () => {
  testDb = await createTestDatabase()
  db = testDb.database.db
  const { tenant } = await createTenant(db, `acme-${Date.now().toString(36)}`)
  tenantId = tenant.id
  tenantSlug = tenant.slug
  const [whatsapp] = await db
    .insert(channels)
    .values({ tenantId, kind: 'whatsapp', name: 'WhatsApp', key: `wa-${tenantSlug}` })
    .returning()
  const [email] = await db
    .insert(channels)
    .values({ tenantId, kind: 'email', name: 'Support mailbox', key: `mail-${tenantSlug}` })
    .returning()
  const [contact] = await db
    .insert(contacts)
    .values({ tenantId, name: PERSONAL.name, email: PERSONAL.email, phone: PERSONAL.phone })
    .returning()
  await db.insert(contactIdentities).values([
    { tenantId, contactId: contact!.id, kind: 'whatsapp', value: PERSONAL.whatsapp },
    { tenantId, contactId: contact!.id, kind: 'email', value: PERSONAL.email },
  ])
  const [operator] = await db
    .insert(users)
    .values({ tenantId, email: `robin@${tenantSlug}.test`, name: PERSONAL.operator, role: 'agent' })
    .returning()

  let threadKey = 0
  async function ticketWith(
    channelId: string,
    ticket: {
      number: number
      status: TicketStatus
      category?: string
      intent?: string
      urgency?: string
      agent?: string
    },
    thread: Array<Partial<typeof messages.$inferInsert> & { body: string }>,
    at: number,
  ) {
    const [conversation] = await db
      .insert(conversations)
      .values({ tenantId, channelId, contactId: contact!.id, threadKey: `thread-${threadKey++}` })
      .returning()
    const closed = ticket.status === 'resolved' || ticket.status === 'closed'
    const [row] = await db
      .insert(tickets)
      .values({
        tenantId,
        conversationId: conversation!.id,
        contactId: contact!.id,
        owner: 'bot',
        category: null,
        intent: null,
        urgency: null,
        agent: null,
        ...ticket,
        createdAt: new Date(at),
        resolvedAt: closed ? new Date(at + thread.length * 60_000) : null,
      })
      .returning()
    for (const [i, m] of thread.entries()) {
      await db.insert(messages).values({
        tenantId,
        conversationId: conversation!.id,
        channelId,
        ticketId: row!.id,
        direction: 'inbound',
        author: 'customer',
        deliveryStatus: m.direction === 'outbound' ? 'sent' : 'received',
        createdAt: new Date(at + i * 60_000),
        ...m,
      })
    }
    return row!
  }

  // A person answered: two customer messages in a row, the bot's holding reply, an internal note,
  // a follow-up, the operator's answer and a "thanks" after it.
  const answered = await ticketWith(
    whatsapp!.id,
    {
      number: 10001,
      status: 'resolved',
      category: 'billing_inquiry',
      intent: 'support',
      urgency: 'high',
      agent: 'atlas',
    },
    [
      {
        body: `Hi, this is ${PERSONAL.name} (${PERSONAL.email}). You charged my card ${PERSONAL.card} twice!`,
      },
      { body: `Call me on ${PERSONAL.phone} or 0151 2345 6789 — Margarethe` },
      {
        direction: 'outbound',
        author: 'bot',
        authorRef: 'atlas',
        body: 'I have passed this to our billing team.',
      },
      {
        direction: 'internal',
        author: 'human',
        authorRef: operator!.id,
        kind: 'note',
        body: `Internal note: ${PERSONAL.name} is a VIP, refund approved`,
      },
      {
        body: `Any update? Refund to IBAN ${PERSONAL.iban} please. Log in link: https://app.acme.test/login?secret-token=abc`,
      },
      {
        direction: 'outbound',
        author: 'human',
        authorRef: operator!.id,
        body: `Hi Margarethe, the duplicate charge is refunded (TKT-10001); expect it in 3-5 days. ${'Details follow. '.repeat(200)}Best, Robin`,
      },
      { body: 'Thanks Robin!' },
    ],
    base,
  )
  // The model's classification said how_to; the person corrected the ticket to billing_inquiry.
  await db.insert(agentDecisions).values({
    tenantId,
    ticketId: answered.id,
    turn: 1,
    agent: 'atlas',
    action: 'escalate',
    confidence: 0.3,
    reason: 'refund',
    category: 'how_to',
    model: 'local',
    latencyMs: 12,
  })

  // The bot's cited answer resolved it (the ticket closed without a person).
  const citation = (slug: string): Citation => ({
    documentId: slug,
    passageId: `${slug}#1`,
    slug,
    title: slug,
    heading: null,
    url: null,
  })
  await ticketWith(
    email!.id,
    {
      number: 10002,
      status: 'closed',
      category: 'how_to',
      intent: 'support',
      urgency: 'normal',
      agent: 'atlas',
    },
    [
      { body: `How do I export a board to CSV? Reply to ${PERSONAL.email}, ${PERSONAL.name.split(' ')[0]}` },
      {
        direction: 'outbound',
        author: 'bot',
        authorRef: 'atlas',
        body: 'Open the board menu and choose Export.',
        citations: [citation('boards-and-tasks'), citation('boards-and-tasks'), citation('exports')],
      },
    ],
    base + HOUR,
  )
  // Still open: not exported.
  await ticketWith(
    email!.id,
    { number: 10003, status: 'in_progress', category: 'bug_report' },
    [{ body: 'The app crashes' }],
    base + 2 * HOUR,
  )
  // Resolved without a word from the customer (we wrote first): skipped.
  await ticketWith(
    email!.id,
    { number: 10004, status: 'resolved' },
    [{ direction: 'outbound', author: 'human', authorRef: operator!.id, body: 'Your renewal is due.' }],
    base + 3 * HOUR,
  )
  // Another tenant's resolved ticket: never in this tenant's export.
  const other = await createTenant(db)
  const [stranger] = await db
    .insert(contacts)
    .values({ tenantId: other.tenant.id, name: 'Other' })
    .returning()
  const [otherConversation] = await db
    .insert(conversations)
    .values({ tenantId: other.tenant.id, channelId: other.channel.id, contactId: stranger!.id })
    .returning()
  await db.insert(tickets).values({
    tenantId: other.tenant.id,
    conversationId: otherConversation!.id,
    contactId: stranger!.id,
    number: 10005,
    status: 'resolved',
    owner: 'human',
    resolvedAt: new Date(base),
  })
})

afterAll(async () => {
  await testDb?.drop()
})

function byId(cases: EvalCase[], number: number): EvalCase {
  const found = cases.find((c) => c.id === `prod-${tenantSlug}-TKT-${number}`)
  expect(found, `case for TKT-${number}`).toBeDefined()
  return found!
}

describe(`exportResolvedTickets (${testDatabaseKind})`, () => {
  it('exports resolved and closed tickets as valid cases, skipping those without customer text', async () => {
    const { cases, skipped } = await exportResolvedTickets(db, { tenantId })
    expect(cases.map((c) => c.id)).toEqual([`prod-${tenantSlug}-TKT-10001`, `prod-${tenantSlug}-TKT-10002`])
    expect(skipped).toEqual([{ ticket: 'TKT-10004', reason: 'no customer text' }])
    for (const c of cases) expect(CaseSchema.parse(c)).toEqual(c)
  })

  it('makes a person’s answer the expectation: route human, escalate or review, the corrected labels', async () => {
    const c = byId((await exportResolvedTickets(db, { tenantId })).cases, 10001)
    expect(c.tags).toEqual(['production', 'whatsapp'])
    expect(c.channel).toBe('whatsapp')
    expect(c.contact).toEqual(PSEUDONYMOUS_CONTACT)
    // Two customer messages before the bot's reply are one turn; the "thanks" after the answer is dropped.
    expect(c.turns).toHaveLength(2)
    expect(c.turns[0]!.customer).toBe(
      'Hi, this is [name] ([email]). You charged my card [card] twice!\nCall me on [phone] or [phone] — [name]',
    )
    expect(c.turns[0]!.expect).toEqual({})
    expect(c.turns[1]!.customer).toBe(
      'Any update? Refund to IBAN [iban] please. Log in link: https://app.acme.test/login',
    )
    expect(c.turns[1]!.expect).toEqual({
      category: 'billing_inquiry',
      intent: 'support',
      urgency: ['high'],
      route: ['human'],
      gate: ['escalate', 'review'],
    })
    expect(c.note).toMatch(
      /^human answer: Hi \[name\], the duplicate charge is refunded \(TKT-10001\); expect/,
    )
    expect(c.note!.length).toBeLessThanOrEqual('human answer: '.length + 2000)
    expect(c.note).toMatch(/…$/)
  })

  it('makes the bot’s resolving answer the expectation: its agent, auto or review, its citations', async () => {
    const c = byId((await exportResolvedTickets(db, { tenantId })).cases, 10002)
    expect(c.tags).toEqual(['production', 'email'])
    expect(c.turns).toEqual([
      {
        customer: 'How do I export a board to CSV? Reply to [email], [name]',
        expect: {
          category: 'how_to',
          intent: 'support',
          urgency: ['normal'],
          route: ['atlas'],
          gate: ['auto', 'review'],
          cites: ['boards-and-tasks', 'exports'],
        },
      },
    ])
    expect(c.note).toBeUndefined()
  })

  it('leaves no trace of personal data, internal notes or link tokens', async () => {
    const { cases } = await exportResolvedTickets(db, { tenantId })
    const text = JSON.stringify(cases).toLowerCase()
    for (const trace of TRACES) expect(text, trace).not.toContain(trace)
    expect(text).not.toMatch(/\d(?:[\s().\-/+]*\d){6,}/)
  })

  it('honours since and limit (the most recently resolved first)', async () => {
    expect(
      (await exportResolvedTickets(db, { tenantId, since: new Date(base + HOUR) })).cases.map((c) => c.id),
    ).toEqual([`prod-${tenantSlug}-TKT-10002`])
    expect((await exportResolvedTickets(db, { tenantId, since: new Date(base + 10 * HOUR) })).cases).toEqual(
      [],
    )
    const limited = await exportResolvedTickets(db, { tenantId, limit: 2 })
    expect(limited.cases.map((c) => c.id)).toEqual([`prod-${tenantSlug}-TKT-10002`])
    expect(limited.skipped.map((s) => s.ticket)).toEqual(['TKT-10004'])
  })

  it('writes a dataset file that loads as an eval dataset', async () => {
    const { cases } = await exportResolvedTickets(db, { tenantId })
    const dir = mkdtempSync(join(tmpdir(), 'atlas-export-'))
    try {
      const file = join(dir, 'production.jsonl')
      const text = datasetJsonl(tenantSlug, cases, new Date('2025-04-01T12:00:00Z'))
      expect(JSON.parse(text.split('\n')[0]!)).toEqual({
        dataset: {
          name: `${tenantSlug}-production`,
          description: 'Resolved tickets exported 2025-04-01, personal data redacted',
        },
      })
      writeFileSync(file, text)
      const [dataset, ...rest] = loadDatasets([file])
      expect(rest).toEqual([])
      expect(dataset!.name).toBe(`${tenantSlug}-production`)
      expect(dataset!.cases.map(({ file: _file, ...c }) => c)).toEqual(cases)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses to write a case the schema rejects', () => {
    const bad = { id: 'prod-x-TKT-1', tags: [], channel: 'email', contact: PSEUDONYMOUS_CONTACT, turns: [] }
    expect(() => datasetJsonl('x', [bad as unknown as EvalCase])).toThrow(
      /prod-x-TKT-1 is not a valid eval case/,
    )
  })
})
