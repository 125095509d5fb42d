// Customer profiles: GET /v1/contacts/:id shows where the customer was, the workspace's custom
// fields with their values, the latest health score, past conversations and tickets, and
// identities; PATCH checks each custom field value against its type; search finds contacts; and
// another tenant's contact does not exist for this one.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { conversations } from '../../drizzle/schema/conversations.ts'
import { healthScores } from '../../drizzle/schema/customer-success.ts'
import { customFields, tags } from '../../drizzle/schema/team.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { signIn } from '../../testing/team.ts'
import { installApiKey } from '../auth/api-keys.ts'
import { createUser } from '../auth/users.ts'
import type { ContactListView, ContactProfileView } from './contacts.ts'

let t: TestRuntime
let contactId: string
let conversationId: string
const visitorId = `profile-${randomUUID().slice(0, 8)}`

let otherTenantId: string
let otherContactId: string
const OTHER_KEY = `atlas_other_${randomUUID().replaceAll('-', '')}`

beforeAll(async () => {
  t = await startTestRuntime()
  const db = t.runtime.database.db

  // The workspace's custom fields, written out of order: the profile shows them by position.
  await db.insert(customFields).values([
    { tenantId: t.tenantId, key: 'beta', label: 'Beta programme', type: 'boolean', position: 3 },
    {
      tenantId: t.tenantId,
      key: 'plan',
      label: 'Plan',
      type: 'select',
      options: ['free', 'pro', 'business'],
    },
    { tenantId: t.tenantId, key: 'renewal', label: 'Renewal date', type: 'date', position: 2 },
    { tenantId: t.tenantId, key: 'seats', label: 'Seats', type: 'number', position: 1 },
    { tenantId: t.tenantId, key: 'account_id', label: 'Account id', type: 'text', position: 4 },
  ])

  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-country-code': 'KR' },
    body: JSON.stringify({
      visitorId,
      text: 'How do I reset my password?',
      name: 'Mina Park',
      email: 'mina@park.example',
      page: '/pricing',
      device: 'mobile',
      language: 'ko-KR',
    }),
  })
  expect(response.status).toBe(202)
  conversationId = ((await response.json()) as { conversationId: string }).conversationId
  await eventually(
    async () => {
      const v = (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as {
        ticket: { status: string } | null
      }
      return v.ticket?.status === 'bot_handled' ? true : undefined
    },
    15_000,
    'the bot answer',
  )
  const [conversation] = await db.select().from(conversations).where(eq(conversations.id, conversationId))
  contactId = conversation!.contactId

  // Another company on the same deployment, with its own key, person and customer.
  const [other] = await db
    .insert(tenants)
    .values({ slug: `other-${randomUUID().slice(0, 8)}`, name: 'Other Co' })
    .returning()
  otherTenantId = other!.id
  await installApiKey(db, otherTenantId, 'other', OTHER_KEY)
  const [otherContact] = await db
    .insert(contacts)
    .values({ tenantId: otherTenantId, name: 'Mina Elsewhere', email: 'mina@other.example' })
    .returning()
  otherContactId = otherContact!.id
})
afterAll(async () => {
  await t?.stop()
})

async function profile(id = contactId): Promise<ContactProfileView> {
  const response = await t.api('GET', `/v1/contacts/${id}`)
  expect(response.status).toBe(200)
  return (await response.json()) as ContactProfileView
}

const patch = (body: unknown, id = contactId) => t.api('PATCH', `/v1/contacts/${id}`, body)

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; issues?: unknown[] } }).error
}

describe(`GET /v1/contacts/:id (${testDatabaseKind})`, () => {
  it('shows the header, custom fields by position, no health yet, conversations with tickets, identities', async () => {
    const p = await profile()
    expect(p.contact).toMatchObject({
      id: contactId,
      name: 'Mina Park',
      email: 'mina@park.example',
      phone: null,
      country: 'KR',
      device: 'mobile',
      page: '/pricing',
      language: 'ko-KR',
      vip: false,
      tags: [],
    })
    expect(p.customFields.map((f) => [f.key, f.type, f.value])).toEqual([
      ['plan', 'select', null],
      ['seats', 'number', null],
      ['renewal', 'date', null],
      ['beta', 'boolean', null],
      ['account_id', 'text', null],
    ])
    expect(p.customFields[0]).toMatchObject({
      label: 'Plan',
      options: ['free', 'pro', 'business'],
      position: 0,
    })
    // Health is computed by a job after each inbound message: absent or a score, never wrong-shaped.
    expect(p.health === null || typeof p.health.score === 'number').toBe(true)
    expect(p.conversations).toHaveLength(1)
    expect(p.conversations[0]).toMatchObject({
      id: conversationId,
      channel: { kind: 'widget', key: 'demo' },
      inbox: 'active',
    })
    expect(p.conversations[0]!.tickets).toHaveLength(1)
    expect(p.conversations[0]!.tickets[0]).toMatchObject({
      status: 'bot_handled',
      category: 'how_to',
      snippet: 'How do I reset my password?',
      resolvedAt: null,
    })
    expect(p.conversations[0]!.tickets[0]!.number).toMatch(/^TKT-\d+$/)
    expect(p.identities).toContainEqual(expect.objectContaining({ kind: 'visitor', value: visitorId }))
  })

  it('falls back to the contact attributes for what no conversation recorded', async () => {
    const db = t.runtime.database.db
    const [bare] = await db
      .insert(contacts)
      .values({ tenantId: t.tenantId, name: 'No Chats', attributes: { country: 'PT', language: 'pt-PT' } })
      .returning()
    const p = await profile(bare!.id)
    expect(p.contact).toMatchObject({ country: 'PT', language: 'pt-PT', device: null, page: null })
    expect(p.conversations).toEqual([])
  })

  it('shows the latest health score', async () => {
    const db = t.runtime.database.db
    await db.insert(healthScores).values([
      {
        tenantId: t.tenantId,
        contactId,
        score: 40,
        risk: 'high',
        components: { sentiment: 20 },
        computedAt: new Date(Date.now() - 86_400_000),
      },
      {
        tenantId: t.tenantId,
        contactId,
        score: 82,
        risk: 'low',
        components: { sentiment: 70, resolution: 90 },
        computedAt: new Date(),
      },
    ])
    const p = await profile()
    expect(p.health).toMatchObject({ score: 82, risk: 'low', components: { sentiment: 70, resolution: 90 } })
    expect(Number.isNaN(Date.parse(p.health!.computedAt))).toBe(false)
  })

  it('a contact id that is not a UUID, or unknown, is 404', async () => {
    expect((await t.api('GET', '/v1/contacts/123')).status).toBe(404)
    const unknown = await t.api('GET', `/v1/contacts/${randomUUID()}`)
    expect(unknown.status).toBe(404)
    expect((await errorOf(unknown)).message).toContain('does not exist')
  })
})

describe('PATCH /v1/contacts/:id', () => {
  it('changes the profile: name, phone, vip, tags and custom fields, each by its type', async () => {
    const response = await patch({
      name: 'Mina Park-Lee',
      phone: '+82 10 1234 5678',
      vip: true,
      tags: ['enterprise', 'beta', 'enterprise'],
      customFields: { plan: 'pro', seats: 12, renewal: '2026-01-31', beta: true, account_id: ' ACME-7 ' },
    })
    expect(response.status).toBe(200)
    const p = (await response.json()) as ContactProfileView
    expect(p.contact).toMatchObject({ name: 'Mina Park-Lee', phone: '+82 10 1234 5678', vip: true })
    expect(p.contact.tags).toEqual(['enterprise', 'beta'])
    expect(Object.fromEntries(p.customFields.map((f) => [f.key, f.value]))).toEqual({
      plan: 'pro',
      seats: 12,
      renewal: '2026-01-31',
      beta: true,
      account_id: 'ACME-7',
    })
    // New tag names join the workspace's list.
    const names = await t.runtime.database.db.select().from(tags).where(eq(tags.tenantId, t.tenantId))
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(['enterprise', 'beta']))
    expect(await profile()).toEqual(p)
  })

  it('leaves the fields it does not name alone, and null clears one', async () => {
    const response = await patch({ customFields: { seats: null, renewal: '2026-03-01T09:00:00+01:00' } })
    expect(response.status).toBe(200)
    const p = (await response.json()) as ContactProfileView
    expect(Object.fromEntries(p.customFields.map((f) => [f.key, f.value]))).toEqual({
      plan: 'pro',
      seats: null,
      renewal: '2026-03-01T09:00:00+01:00',
      beta: true,
      account_id: 'ACME-7',
    })
    expect(p.contact).toMatchObject({ name: 'Mina Park-Lee', vip: true, email: 'mina@park.example' })
  })

  it.each([
    ['a number field given text', { customFields: { seats: '12' } }, 'customFields.seats: must be a number'],
    [
      'a boolean field given text',
      { customFields: { beta: 'yes' } },
      'customFields.beta: must be true or false',
    ],
    [
      'a date that is not ISO',
      { customFields: { renewal: '31/01/2026' } },
      'customFields.renewal: must be an ISO date',
    ],
    ['an impossible date', { customFields: { renewal: '2026-02-30' } }, 'customFields.renewal'],
    [
      'a select value not among its options',
      { customFields: { plan: 'gold' } },
      'must be one of "free", "pro", "business"',
    ],
    [
      'a text field given a number',
      { customFields: { account_id: 7 } },
      'customFields.account_id: must be text',
    ],
    ['an unknown custom field', { customFields: { nickname: 'Min' } }, '"nickname" is not a custom field'],
    ['an email that is not one', { email: 'not-an-email' }, 'email'],
    ['a phone with letters', { phone: 'call me' }, 'phone'],
    ['a tag with a comma', { tags: ['a,b'] }, 'tags.0'],
    ['vip as a string', { vip: 'yes' }, 'vip'],
    ['an unknown field', { nickname: 'Min' }, 'nickname'],
    ['nothing to change', {}, 'name at least one field to change'],
  ])('refuses %s with 422, naming it, and changes nothing', async (_name, body, message) => {
    const before = await profile()
    const response = await patch(body)
    expect(response.status).toBe(422)
    const error = await errorOf(response)
    expect(error.code).toBe('validation_failed')
    expect(error.message).toContain(message)
    expect(await profile()).toEqual(before)
  })

  it('reports every bad custom field at once', async () => {
    const response = await patch({ customFields: { seats: 'many', plan: 'gold', shoe_size: 42 } })
    expect(response.status).toBe(422)
    const error = await errorOf(response)
    expect(error.issues).toEqual([
      { path: 'customFields.seats', message: 'must be a number' },
      { path: 'customFields.plan', message: 'must be one of "free", "pro", "business"' },
      { path: 'customFields.shoe_size', message: '"shoe_size" is not a custom field of this workspace' },
    ])
  })

  it('refuses a body that is not JSON', async () => {
    const response = await t.api('PATCH', `/v1/contacts/${contactId}`, 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(response.status).toBe(415)
  })
})

describe('GET /v1/contacts?q=', () => {
  const search = async (q: string, key?: string) => {
    const response = key
      ? await t.app.request(`/v1/contacts?q=${encodeURIComponent(q)}`, {
          headers: { authorization: `Bearer ${key}` },
        })
      : await t.api('GET', `/v1/contacts?q=${encodeURIComponent(q)}`)
    expect(response.status).toBe(200)
    return (await response.json()) as ContactListView
  }

  it('finds contacts by name, email, phone or identity, with their activity', async () => {
    const byName = await search('park-lee')
    expect(byName.contacts.map((c) => c.id)).toEqual([contactId])
    expect(byName.contacts[0]).toMatchObject({
      name: 'Mina Park-Lee',
      email: 'mina@park.example',
      vip: true,
      conversations: 1,
      openTickets: 1,
    })
    expect(byName.contacts[0]!.lastMessageAt).not.toBeNull()
    expect((await search('park.example')).contacts.map((c) => c.id)).toEqual([contactId])
    expect((await search('1234 5678')).contacts.map((c) => c.id)).toEqual([contactId])
    expect((await search(visitorId)).contacts.map((c) => c.id)).toEqual([contactId])
    expect((await search('nobody-like-this')).contacts).toEqual([])
    // A % is a percent sign, not "anything".
    expect((await search('%')).contacts).toEqual([])
  })

  it('lists without a search, most recently active first, and refuses a search that is too long', async () => {
    const all = await t.api('GET', '/v1/contacts?limit=1')
    expect(((await all.json()) as ContactListView).contacts.map((c) => c.id)).toEqual([contactId])
    const tooLong = await t.api('GET', `/v1/contacts?q=${'x'.repeat(201)}`)
    expect(tooLong.status).toBe(400)
    expect((await errorOf(tooLong)).message).toContain('at most 200 characters')
  })
})

describe('tenants do not see each other’s contacts', () => {
  it('another tenant’s contact id is 404 to read and to change, both ways', async () => {
    const read = await t.api('GET', `/v1/contacts/${otherContactId}`)
    expect(read.status).toBe(404)
    const write = await patch({ name: 'Hijacked' }, otherContactId)
    expect(write.status).toBe(404)
    const [untouched] = await t.runtime.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.id, otherContactId))
    expect(untouched!.name).toBe('Mina Elsewhere')

    const asOther = (path: string) =>
      t.app.request(path, { headers: { authorization: `Bearer ${OTHER_KEY}` } })
    expect((await asOther(`/v1/contacts/${contactId}`)).status).toBe(404)
    expect((await asOther(`/v1/contacts/${otherContactId}`)).status).toBe(200)
    const found = (await (await asOther('/v1/contacts?q=mina')).json()) as ContactListView
    expect(found.contacts.map((c) => c.id)).toEqual([otherContactId])
  })

  it('a signed-in person of the other tenant sees only their own', async () => {
    const email = `admin-${randomUUID().slice(0, 8)}@other.example`
    await createUser(t.runtime.database.db, {
      tenantId: otherTenantId,
      email,
      name: 'Other Admin',
      role: 'admin',
      password: 'correct horse battery',
    })
    const person = await signIn(t, email, 'correct horse battery')
    expect((await person.call('GET', `/v1/contacts/${contactId}`)).status).toBe(404)
    expect((await person.call('PATCH', `/v1/contacts/${contactId}`, { vip: false })).status).toBe(404)
    expect((await person.call('GET', `/v1/contacts/${otherContactId}`)).status).toBe(200)
  })
})
