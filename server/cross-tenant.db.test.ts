// Tenant B tries to reach tenant A's data through every API route that names a resource, walked
// from the app's own route table (a new route is included without anyone listing it). B calls each
// one with A's ids and a body that works: B must get 404 or 403, never A's data, and A's rows must
// be exactly as they were. Then A makes the same calls, which shows the bodies were valid: a 404
// for B is isolation, not a bad request. List routes, called by B, must show nothing of A.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../drizzle/database.ts'
import { publicTables, tenantColumn } from '../testing/database.ts'
import { createTenant } from '../testing/fixtures.ts'
import { startTestRuntime, type TestRuntime } from '../testing/runtime.ts'
import { askThroughWidget } from '../testing/webhooks.ts'
import { installApiKey } from './auth/api-keys.ts'

const KEY_B = 'atlas_tenant_b_key_0123456789abcdef'

/** Bodies that a route accepts (for A); the routes not named here take none (`{}`). */
const BODIES: Record<string, unknown> = {
  'POST /v1/tickets/:ticket/notes': { text: 'a note' },
  'POST /v1/tickets/:ticket/reply': { text: 'a reply' },
  'POST /v1/tickets/:ticket/draft/send': { text: 'an edited draft' },
  'POST /v1/tickets/:ticket/draft/reject': { reason: 'not right' },
  'POST /v1/tickets/:ticket/draft/approve': {},
  'POST /v1/tickets/:ticket/tags': { add: ['cross-tenant'] },
  'POST /v1/tickets/:ticket/priority': { priority: 'high' },
  'POST /v1/tickets/:ticket/assign': { assignee: 'me' },
  'POST /v1/tickets/:ticket/status': { status: 'pending' },
  'POST /v1/tickets/:ticket/classification': { urgency: 'high' },
  'POST /v1/tickets/:ticket/satisfaction': { score: 4, comment: 'fine' },
  'POST /v1/tickets/:ticket/template': { name: 'order_update', language: 'en', parameters: ['1042'] },
  'PATCH /v1/contacts/:id': { name: 'Renamed' },
  'POST /v1/channels/:channel/templates': { name: 'cross_tenant', language: 'en', body: 'Hello {{1}}' },
  'POST /v1/churn-risks/:risk/outcome': { outcome: 'saved' },
  'PATCH /v1/admin/team/members/:id': { name: 'Renamed Person' },
  'PATCH /v1/admin/canned-responses/:id': { title: 'Renamed' },
  'PATCH /v1/admin/tags/:id': { name: 'renamed-tag' },
  'PATCH /v1/admin/custom-fields/:id': { label: 'Renamed' },
  'PATCH /v1/admin/queues/:id': { strategy: 'manual' },
  'PATCH /v1/admin/routing-rules/:id': { name: 'Renamed rule' },
  // The Library article the test points at, as its own markdown (see beforeAll).
  'PUT /v1/admin/library/articles/:ref': {
    markdown: readFileSync(new URL('./demo/library/api-and-webhooks.md', import.meta.url), 'utf8'),
  },
}

/** Route parameters that name a tenant's resource, and the parameter's value for each route prefix. */
let ids: Record<string, string>
let t: TestRuntime

interface Call {
  route: string
  path: string
  method: string
  body: unknown
}

beforeAll(async () => {
  t = await startTestRuntime()
  const db = t.runtime.database.db
  // Tenant A (the demo workspace): a conversation through the pipeline, plus one row of each kind
  // a route can name.
  const { conversationId, view } = await askThroughWidget(
    t,
    'cross-tenant-visitor',
    'How do I export my notes?',
  )
  const one = async (query: string) =>
    rowsOf<{ id: string }>(await db.execute(sql.raw(query)))[0]?.id as string
  const A = t.tenantId
  const created = async (path: string, body: unknown, pick: (json: never) => string) => {
    const response = await t.api('POST', path, body)
    expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300)
    return pick((await response.json()) as never)
  }
  const contactId = await one(`select id from contacts where tenant_id = '${A}' limit 1`)
  const [message] = rowsOf<{ id: string }>(
    await db.execute(sql.raw(`select id from messages where tenant_id = '${A}' limit 1`)),
  )
  await db.execute(
    sql.raw(`insert into attachments (tenant_id, message_id, kind, filename, mime_type, size)
             values ('${A}', '${message!.id}', 'file', 'a.pdf', 'application/pdf', 10)`),
  )
  await db.execute(
    sql.raw(`insert into churn_risks (tenant_id, contact_id, signals) values ('${A}', '${contactId}', '[]')`),
  )
  await db.execute(
    sql.raw(`insert into knowledge_gap_digests (tenant_id, period_start, period_end, groups)
             values ('${A}', now() - interval '7 days', now(),
                     '[{"label":"export","keywords":["export"],"count":1,"articleId":null,
                        "questions":[{"gapId":"00000000-0000-4000-8000-000000000001",
                        "question":"How do I export?","ticketId":null,"ticketNumber":null,
                        "humanAnswer":null,"askedAt":"2026-11-20T09:00:00Z"}]}]')`),
  )
  await created('/v1/admin/queues', { name: 'billing' }, () => '')
  await created('/v1/admin/tags', { name: 'tenant-a-tag' }, () => '')
  await created(
    '/v1/admin/team/invitations',
    { email: 'invitee@quillstack.example', role: 'agent' },
    () => '',
  )
  ids = {
    ticket: view.ticket!.id,
    conversation: conversationId,
    contact: contactId,
    attachment: await one(`select id from attachments where tenant_id = '${A}' limit 1`),
    risk: await one(`select id from churn_risks where tenant_id = '${A}' limit 1`),
    digest: await one(`select id from knowledge_gap_digests where tenant_id = '${A}' limit 1`),
    queue: await one(`select id from queues where tenant_id = '${A}' limit 1`),
    tag: await one(`select id from tags where tenant_id = '${A}' limit 1`),
    member: await one(`select id from users where tenant_id = '${A}' and role <> 'admin' limit 1`),
    invitation: await one(`select id from invitations where tenant_id = '${A}' limit 1`),
    apiKey: await one(`select id from api_keys where tenant_id = '${A}' limit 1`),
    article: await one(
      `select id from library_documents where tenant_id = '${A}' and slug = 'api-and-webhooks'`,
    ),
    channel: (
      rowsOf<{ key: string }>(
        await db.execute(sql.raw(`select key from channels where tenant_id = '${A}' and kind = 'whatsapp'`)),
      )[0] as { key: string }
    ).key,
    cannedResponse: await created(
      '/v1/admin/canned-responses',
      { shortcut: 'export', title: 'Export', body: 'Use File → Export.' },
      (json: { cannedResponse?: { id: string }; id?: string }) => json.cannedResponse?.id ?? json.id!,
    ),
    customField: await created(
      '/v1/admin/custom-fields',
      { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] },
      (json: { customField?: { id: string }; field?: { id: string }; id?: string }) =>
        json.customField?.id ?? json.field?.id ?? json.id!,
    ),
    routingRule: await created(
      '/v1/admin/routing-rules',
      { name: 'VIP', actions: { priority: 'high' } },
      (json: { rule?: { id: string }; routingRule?: { id: string }; id?: string }) =>
        json.rule?.id ?? json.routingRule?.id ?? json.id!,
    ),
  }
  for (const [name, value] of Object.entries(ids)) expect(value, `tenant A has a ${name}`).toBeTruthy()
  // Tenant B: its own workspace and an admin API key.
  const b = await createTenant(db)
  await installApiKey(db, b.tenant.id, 'b-admin', KEY_B)
}, 120_000)

afterAll(async () => {
  await t?.stop()
})

/** Which of A's ids a route's parameter names, by the route's path. */
function valueFor(path: string, param: string): string | undefined {
  if (param === 'ticket') return ids.ticket
  if (param === 'risk') return ids.risk
  if (param === 'channel') return ids.channel
  if (param === 'contact') return ids.contact
  if (param === 'ref') return ids.article
  if (param === 'index') return '0'
  if (param !== 'id') return undefined
  const byPrefix: Array<[string, string]> = [
    ['/v1/conversations/', ids.conversation!],
    ['/v1/contacts/', ids.contact!],
    ['/v1/attachments/', ids.attachment!],
    ['/v1/knowledge-gaps/digests/', ids.digest!],
    ['/v1/admin/queues/', ids.queue!],
    ['/v1/admin/tags/', ids.tag!],
    ['/v1/admin/team/members/', ids.member!],
    ['/v1/admin/team/invitations/', ids.invitation!],
    ['/v1/admin/api-keys/', ids.apiKey!],
    ['/v1/admin/canned-responses/', ids.cannedResponse!],
    ['/v1/admin/custom-fields/', ids.customField!],
    ['/v1/admin/routing-rules/', ids.routingRule!],
  ]
  return byPrefix.find(([prefix]) => path.startsWith(prefix))?.[1]
}

/** Every route that names a tenant's resource, with A's id in it and a body. */
function resourceCalls(): Call[] {
  const calls = new Map<string, Call>()
  for (const { method, path } of t.app.routes) {
    if (method === 'ALL' || path.endsWith('*') || !path.startsWith('/v1/')) continue
    if (path.startsWith('/v1/widget/') || path.startsWith('/v1/auth/')) continue
    const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!)
    if (params.length === 0 || params.includes('section')) continue
    const values = params.map((p) => valueFor(path, p))
    expect(values.every(Boolean), `a value of tenant A for every parameter of ${method} ${path}`).toBe(true)
    let i = 0
    const concrete = path.replace(/:(\w+)/g, () => encodeURIComponent(values[i++]!))
    const key = `${method} ${path}`
    calls.set(key, {
      route: key,
      path: concrete,
      method,
      body: method === 'GET' || method === 'DELETE' ? undefined : (BODIES[key] ?? {}),
    })
  }
  return [...calls.values()]
}

async function call(key: string, c: Call): Promise<{ status: number; text: string }> {
  const response = await t.app.request(c.path, {
    method: c.method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }),
  })
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    await response.body?.cancel()
    return { status: response.status, text: '' }
  }
  return { status: response.status, text: await response.text() }
}

/** A digest of every row of tenant A in every table: any change by B shows. */
async function fingerprintOfA(): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of await publicTables(t.runtime.database)) {
    const key = tenantColumn(name)
    const rows = await t.runtime.database.query<{ row: string }>(
      `select t::text as row from "${name}" t where ${key} = $1 order by 1`,
      [t.tenantId],
    )
    out[name] = createHash('sha256')
      .update(rows.map((r) => r.row).join('\n'))
      .digest('hex')
      .slice(0, 16)
  }
  return out
}

describe('a second tenant through every API route', () => {
  it("gets 404 or 403 for each of tenant A's resources, sees none of A's data, changes nothing of A", async () => {
    const calls = resourceCalls()
    expect(calls.length).toBeGreaterThanOrEqual(35)
    const before = await fingerprintOfA()
    const secrets = Object.values(ids)
    const asB: Record<string, number> = {}
    const problems: string[] = []
    for (const c of calls) {
      const { status, text } = await call(KEY_B, c)
      asB[c.route] = status
      if (status !== 403 && status !== 404)
        problems.push(`${c.route} answered ${status}: ${text.slice(0, 200)}`)
      // An error may quote the id the caller sent; any other id of A in the answer is a leak.
      const others = secrets.filter((s) => s !== ids.channel && !c.path.includes(encodeURIComponent(s)))
      for (const secret of others)
        if (text.includes(secret)) problems.push(`${c.route} leaks an id of tenant A`)
    }
    expect(problems).toEqual([])
    expect(await fingerprintOfA()).toEqual(before)

    // The same calls by A itself: each body was one the route accepts, so B's 404 was the tenant.
    const asA: Record<string, number> = {}
    // Removals last, and revoking an API key (A's own) after everything else.
    const rank = (c: Call) => (c.route.includes('api-keys') ? 2 : c.method === 'DELETE' ? 1 : 0)
    const ordered = [...calls].sort((a, b) => rank(a) - rank(b))
    const refusedForA: string[] = []
    for (const c of ordered) {
      const { status, text } = await call(t.apiKey, c)
      asA[c.route] = status
      if (status >= 300) refusedForA.push(`${c.route} ${status}: ${text.slice(0, 160)}`)
    }
    const accepted = calls.filter((c) => asA[c.route]! < 300).length
    console.log(
      `cross-tenant: ${calls.length} resource routes; tenant B got ${tally(asB)}; ` +
        `tenant A's same calls: ${accepted} accepted, the rest ${tally(
          Object.fromEntries(Object.entries(asA).filter(([, s]) => s >= 300)),
        )}`,
    )
    // Most of the bodies were valid for A: B's refusals were about the tenant, not the input.
    expect(accepted, refusedForA.join('\n')).toBeGreaterThanOrEqual(Math.floor(calls.length * 0.8))
    expect(refusedForA.filter((r) => / 5\d\d: /.test(r))).toEqual([])
  })

  it("list routes show tenant B nothing of tenant A's", async () => {
    const secrets = [ids.ticket!, ids.conversation!, ids.contact!, ids.cannedResponse!, ids.member!]
    const lists = t.app.routes
      .filter((r) => r.method === 'GET' && r.path.startsWith('/v1/') && !r.path.includes(':'))
      .filter(
        (r) => !r.path.startsWith('/v1/auth/') && r.path !== '/v1/openapi.json' && r.path !== '/v1/events',
      )
    const paths = [...new Set(lists.map((r) => r.path))]
    expect(paths.length).toBeGreaterThanOrEqual(20)
    for (const path of paths) {
      const { status, text } = await call(KEY_B, { route: path, path, method: 'GET', body: undefined })
      expect(status, `${path}: ${text.slice(0, 200)}`).toBeLessThan(500)
      for (const secret of secrets)
        expect(text, `${path} shows tenant B an id of tenant A`).not.toContain(secret)
      expect(text).not.toContain('How do I export my notes?')
    }
  })
})

function tally(statuses: Record<string, number>): string {
  const counts = new Map<number, number>()
  for (const s of Object.values(statuses)) counts.set(s, (counts.get(s) ?? 0) + 1)
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n}×${s}`)
    .join(', ')
}
