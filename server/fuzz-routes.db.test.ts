// Property-based fuzzing (fast-check) of every route the app serves, found by walking the app's own
// route table so a new endpoint is fuzzed without anyone listing it. Each route gets odd path
// parameters, query strings, bodies (wrong types, broken JSON, invalid UTF-8, deep nesting, huge
// strings, unexpected content types) and headers, without credentials, with a bad key, with the API
// key, with a dashboard session and, for webhooks, correctly signed. Every answer must be below 500;
// a 4xx must be `{ error: { code, message } }` (or an HTML page where a browser form posts); and a
// refused request must have written nothing: a trigger on every table logs each write.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eml, POSTMARK } from '../adapters/email/test-fixtures.ts'
import { batch as MENTIONS } from '../adapters/mentions/malformed-cases.ts'
import { valid as META } from '../adapters/meta/malformed-cases.ts'
import { signBody } from '../adapters/shared/hmac-signature.ts'
import { valid as WHATSAPP } from '../adapters/whatsapp/malformed-cases.ts'
import { PHONE_NUMBER_ID } from '../adapters/whatsapp/test-fixtures.ts'
import { valid as WIDGET } from '../adapters/widget/malformed-cases.ts'
import {
  encodePathSegment,
  FuzzTally,
  fuzzBody,
  headerValue,
  oddString,
  pathValue,
  queryString,
} from '../testing/fuzz.ts'
import { startTestRuntime, type TestRuntime } from '../testing/runtime.ts'
import { askThroughWidget } from '../testing/webhooks.ts'
import { DEAD_LETTER_QUEUE, QUEUES } from './jobs/queues.ts'
import { OPERATIONS } from './openapi.ts'

const META_SECRET = 'meta-app-secret-fuzz'
const EMAIL_SECRET = 'email-secret-fuzz-0123'
const MENTIONS_SECRET = 'mentions-secret-fuzz-0123'
/** Cases per route and way of calling it; ~130 routes × 3 ways × this ≈ the suite's size. */
const RUNS = Number(process.env.ATLAS_FUZZ_RUNS ?? 16)

/** Browser forms answer a person with a page, not JSON: these may refuse in HTML. */
const HTML_REFUSALS = [/^GET \/app\//, /^POST \/app\/login$/, /^(GET|POST) \/csat\/:token$/]

/** Valid bodies per route, fuzzed one broken node at a time (the rest come from the OpenAPI schemas). */
const seeds: Record<string, unknown[]> = {
  'POST /v1/widget/:widgetKey/messages': [WIDGET],
  'POST /webhooks/whatsapp/:channelId': [WHATSAPP],
  'POST /webhooks/meta/:channelId': [META.messenger, META.instagram],
  'POST /webhooks/email/:channelId': [POSTMARK, eml('plain'), eml('attachment'), eml('reply'), eml('bounce')],
  'POST /webhooks/mentions/:channelId': [MENTIONS],
  'POST /v1/product-events': [
    { type: 'feature_used', name: 'export', email: 'fuzz@example.com', value: 1, id: 'e-1' },
    {
      events: [
        { type: 'seats', name: 'used', value: 3, occurredAt: '2025-06-01T09:00:00Z', email: 'a@b.co' },
      ],
    },
  ],
  'POST /v1/tickets/:ticket/tags': [{ add: ['billing'], remove: ['x'] }],
  'POST /v1/tickets/:ticket/template': [{ name: 'order_update', language: 'en', parameters: ['1042'] }],
  'POST /v1/tickets/:ticket/satisfaction': [{ score: 4, comment: 'fine' }],
  'POST /v1/admin/routing-rules': [
    {
      name: 'VIP',
      conditions: { all: [{ field: 'contact.vip', op: 'is', value: true }] },
      actions: { priority: 'high' },
    },
  ],
  'POST /v1/admin/custom-fields': [{ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] }],
}

let t: TestRuntime
const tally = new FuzzTally('routes')
let session: { cookie: string; csrf: string }
let lastError = ''
const real: Record<string, string[]> = {}

interface Route {
  method: string
  path: string
}

beforeAll(async () => {
  t = await startTestRuntime({
    env: {
      ATLAS_DEMO_META_APP_SECRET: META_SECRET,
      ATLAS_DEMO_EMAIL_WEBHOOK_SECRET: EMAIL_SECRET,
      ATLAS_DEMO_MENTIONS_SECRET: MENTIONS_SECRET,
      ATLAS_DEMO_WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      // Nothing leaves the machine: sends fail at once.
      ATLAS_DEMO_GRAPH_BASE: 'http://127.0.0.1:9',
      ATLAS_DEMO_SMTP_URL: 'smtp://127.0.0.1:9',
    },
  })
  // Something to point at: a conversation with its contact and ticket, articles, settings sections.
  const { conversationId, view } = await askThroughWidget(t, 'fuzz-visitor', 'How do I reset my password?')
  const contact = (await (await t.api('GET', '/v1/contacts')).json()) as { contacts: Array<{ id: string }> }
  const articles = (await (await t.api('GET', '/v1/admin/library/articles')).json()) as {
    articles: Array<{ ref?: string; id?: string }>
  }
  const settings = (await (await t.api('GET', '/v1/admin/customer-success')).json()) as Record<
    string,
    unknown
  >
  const sections = Object.keys(settings)
  seeds['PUT /v1/admin/customer-success/:section'] = Object.values(settings).filter(
    (v) => typeof v === 'object',
  )
  seeds['PUT /v1/admin/agents/gates'] = [await (await t.api('GET', '/v1/admin/agents/gates')).json()]
  seeds['PUT /v1/notification-preferences'] = [
    await (await t.api('GET', '/v1/notification-preferences')).json(),
  ]
  seeds['PATCH /v1/contacts/:id'] = [
    {
      name: 'Sam',
      email: 'sam@example.com',
      phone: '+15551234567',
      vip: true,
      tags: ['a'],
      customFields: {},
    },
  ]
  const ticket = view.ticket!
  Object.assign(real, {
    widgetKey: ['demo'],
    channelId: ['whatsapp', 'messenger', 'instagram', 'email', 'mentions'],
    channel: ['whatsapp', 'email'],
    visitorId: ['fuzz-visitor'],
    conversationId: [conversationId],
    ticket: [ticket.id, ticket.number],
    contact: contact.contacts.map((c) => c.id).slice(0, 2),
    ref: articles.articles.map((a) => String(a.ref ?? a.id)).slice(0, 2),
    section: sections,
    index: ['0', '1'],
    file: ['app.css', 'app.js'],
    id: [conversationId, ticket.id, ...contact.contacts.map((c) => c.id).slice(0, 1)],
  })

  const login = await t.app.request('/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@quillstack.example', password: 'atlas-demo-admin' }),
  })
  expect(login.status).toBe(200)
  session = {
    cookie: login.headers.get('set-cookie')!.split(';')[0]!,
    csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
  }

  // What a 500 was, from the app's own error log.
  const logger = t.runtime.logger as unknown as { error: (...args: unknown[]) => void }
  logger.error = (obj: unknown) => {
    const err = (obj as { err?: Error } | undefined)?.err
    lastError = err ? `${err.name}: ${err.message}`.slice(0, 300) : String(obj)
  }

  // The fuzz is about the HTTP edge: jobs stay queued, so any write seen during a case is that case's.
  for (const queue of [DEAD_LETTER_QUEUE, ...Object.values(QUEUES)]) await t.runtime.jobs.boss.offWork(queue)

  // Every write to every table, logged by a trigger (session touches and timestamps aside).
  for (const statement of [
    'create table fuzz_writes (id bigserial primary key, tbl text not null, op text not null)',
    `create function fuzz_note_write() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and (to_jsonb(new) - 'last_seen_at' - 'expires_at' - 'updated_at')
          = (to_jsonb(old) - 'last_seen_at' - 'expires_at' - 'updated_at') then
        return null;
      end if;
      insert into fuzz_writes (tbl, op) values (tg_table_name, tg_op);
      return null;
    end $$`,
    `do $$ declare r record; begin
      for r in select tablename from pg_tables where schemaname = 'public' and tablename <> 'fuzz_writes' loop
        execute format('create trigger fuzz_note after insert or update or delete on %I
          for each row execute function fuzz_note_write()', r.tablename);
      end loop;
    end $$`,
  ])
    await t.runtime.database.query(statement)
}, 120_000)

afterAll(async () => {
  console.log(tally.summary())
  await t?.stop()
})

async function writes(): Promise<number> {
  const [row] = await t.runtime.database.query<{ n: number }>('select max(id)::int as n from fuzz_writes')
  return row?.n ?? 0
}

async function writtenSince(mark: number): Promise<string> {
  const rows = await t.runtime.database.query<{ tbl: string; op: string }>(
    'select tbl, op from fuzz_writes where id > $1 order by id',
    [mark],
  )
  return rows.map((r) => `${r.op} ${r.tbl}`).join(', ')
}

function routes(): Route[] {
  const seen = new Map<string, Route>()
  for (const route of t.app.routes) {
    if (route.method === 'ALL' || route.path.endsWith('*')) continue
    seen.set(`${route.method} ${route.path}`, { method: route.method, path: route.path })
  }
  return [...seen.values()]
}

function documented(route: Route) {
  const op = OPERATIONS[route.path.replace(/:(\w+)/g, '{$1}')]?.[
    route.method.toLowerCase() as 'get' | 'post'
  ] as { body?: { properties?: Record<string, unknown> }; query?: Record<string, string> } | undefined
  return {
    fields: Object.keys(op?.body?.properties ?? {}),
    schema: op?.body,
    query: Object.keys(op?.query ?? {}),
  }
}

type Auth = 'none' | 'bad-key' | 'api-key' | 'session' | 'provider'

function authHeaders(
  auth: Auth,
  route: Route,
  body: string | Uint8Array | undefined,
): Record<string, string> {
  switch (auth) {
    case 'none':
      return {}
    case 'bad-key':
      return { authorization: 'Bearer atlas_not_a_key_000000000000' }
    case 'api-key':
      return { authorization: `Bearer ${t.apiKey}` }
    case 'session':
      return { cookie: session.cookie, 'x-csrf-token': session.csrf }
    case 'provider': {
      const raw = body ?? ''
      if (route.path.startsWith('/webhooks/email'))
        return { authorization: `Basic ${Buffer.from(`inbound:${EMAIL_SECRET}`).toString('base64')}` }
      if (route.path.startsWith('/webhooks/mentions'))
        return { 'x-atlas-signature': signBody(MENTIONS_SECRET, raw) }
      return { 'x-hub-signature-256': signBody(META_SECRET, raw) }
    }
  }
}

/** Headers a client might add: odd idempotency keys, operators, countries, cookies, forwarded-for. */
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'idempotency-key',
    'x-atlas-operator',
    'cf-ipcountry',
    'x-forwarded-for',
    'x-forwarded-proto',
    'accept',
    'accept-language',
    'last-event-id',
    'user-agent',
    'x-csrf-token',
  ),
  oddString.map(headerValue),
  { maxKeys: 2 },
)

/** Where the cases go: deep into routes that take a body once past authentication, lightly elsewhere. */
function runsFor(route: Route, auth: Auth): number {
  const access =
    OPERATIONS[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase() as 'get']?.access
  const open = access === undefined || access === 'public'
  const withBody = route.method !== 'GET'
  switch (auth) {
    case 'provider':
      return RUNS * 10
    case 'bad-key':
      return Math.ceil(RUNS / 4)
    case 'none':
      return open ? (withBody ? RUNS * 2 : RUNS) : Math.ceil(RUNS / 4)
    case 'api-key':
      return withBody ? RUNS * 3 : RUNS
    case 'session':
      return withBody ? RUNS : Math.ceil(RUNS / 2)
  }
}

function caseArbitrary(route: Route) {
  const { fields, schema, query } = documented(route)
  const key = `${route.method} ${route.path}`
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!)
  const withBody = route.method !== 'GET' && route.method !== 'HEAD'
  return fc.record({
    params: fc.tuple(...params.map((name) => pathValue(real[name] ?? real.id!))),
    query: queryString(query),
    body: withBody
      ? fuzzBody({
          fields,
          schema,
          seeds: seeds[key],
        })
      : fc.constant({ body: undefined, contentType: undefined, what: 'GET' }),
    headers: extraHeaders,
  })
}

async function send(
  route: Route,
  auth: Auth,
  input: ReturnType<typeof caseArbitrary> extends fc.Arbitrary<infer T> ? T : never,
) {
  let index = 0
  const path = route.path.replace(/:(\w+)/g, () => input.params[index++] ?? encodePathSegment('x'))
  const url = `${path}${input.query}`
  const headers: Record<string, string> = {
    ...input.headers,
    ...(input.body.contentType !== undefined ? { 'content-type': input.body.contentType } : {}),
    ...authHeaders(auth, route, input.body.body),
  }
  const what = `${auth} ${route.method} ${url.slice(0, 200)} [${input.body.what}]`
  const before = await writes()
  const response = await t.app.request(url, {
    method: route.method,
    headers,
    ...(input.body.body !== undefined ? { body: input.body.body } : {}),
  })
  const type = response.headers.get('content-type') ?? ''
  // Live streams never end by themselves: the headers are the answer.
  let text = ''
  if (type.includes('text/event-stream')) await response.body?.cancel()
  else text = await response.text()
  tally.record(response.status)
  const status = response.status
  const key = `${route.method} ${route.path}`
  if (status >= 500) {
    tally.problem(`${status} on ${key}`, `${what}: ${text.slice(0, 200)} — logged ${lastError}`)
    return
  }
  if (status >= 400) {
    if (type.includes('text/html') && HTML_REFUSALS.some((r) => r.test(key))) {
      // A page for the person who filled in the form.
    } else {
      let error: { code?: unknown; message?: unknown } | undefined
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error
      } catch {}
      if (typeof error?.code !== 'string' || typeof error.message !== 'string' || error.message.length < 5)
        tally.problem(`${status} without {error:{code,message}} on ${key}`, `${what}: ${text.slice(0, 200)}`)
    }
    if (status === 429 && !response.headers.get('retry-after'))
      tally.problem(`429 without Retry-After on ${key}`, what)
    const after = await writes()
    if (after !== before) {
      tally.problem(
        `refused but wrote on ${key}`,
        `${status} ${what} wrote ${await writtenSince(before)}: ${text.slice(0, 200)}`,
      )
    }
  }
}

describe('fuzzing every route', () => {
  it('walks the whole app, and would see a write', async () => {
    const mark = await writes()
    expect((await t.api('POST', '/v1/admin/tags', { name: 'fuzz-detector' })).status).toBe(201)
    expect(await writtenSince(mark)).toContain('INSERT tags')
    const all = routes()
    expect(all.length).toBeGreaterThan(100)
    expect(all.some((r) => r.path === '/v1/tickets/:ticket/reply')).toBe(true)
    expect(all.some((r) => r.path.startsWith('/webhooks/'))).toBe(true)
  })

  const ways: Auth[] = ['none', 'bad-key', 'api-key', 'session', 'provider']
  it.each(ways)(
    'answers every route called with %s without a 5xx, a bad shape or a half write',
    async (auth) => {
      for (const route of routes()) {
        if (auth === 'provider' && !(route.path.startsWith('/webhooks/') && route.method === 'POST')) continue
        // Signing out would end the session the other cases use.
        if (auth === 'session' && route.path.endsWith('/logout')) continue
        const runs = runsFor(route, auth)
        await fc.assert(
          fc.asyncProperty(caseArbitrary(route), async (input) => {
            await send(route, auth, input)
          }),
          { numRuns: runs, endOnFailure: true },
        )
      }
      expect(tally.problems.filter((p) => p.includes(`${auth} `))).toEqual([])
    },
  )

  it('still serves once it is over', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200)
    expect((await t.api('GET', '/v1/conversations')).status).toBe(200)
    expect(tally.cases).toBeGreaterThan(RUNS * 300)
  })
})

// What the fuzzing found, pinned down (each was a 500 before).
describe('bad text and bad forms found by fuzzing', () => {
  const json = (path: string, body: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
  const key = () => ({ authorization: `Bearer ${t.apiKey}` })

  it('refuses NUL and lone surrogates in JSON bodies with a 400 that says where, storing nothing', async () => {
    const mark = await writes()
    const nul = await json('/v1/widget/demo/messages', '{"visitorId":"v-nul","text":"a\\u0000b"}')
    expect(nul.status).toBe(400)
    expect(((await nul.json()) as { error: { message: string } }).error.message).toBe(
      'The request body has text that cannot be stored at text: it must not contain NUL (\\u0000)',
    )
    const surrogate = await json(
      '/v1/admin/custom-fields',
      '{"key":"plan_x","label":"Plan","type":"select","options":["free","\\udc00pro"]}',
      key(),
    )
    expect(surrogate.status).toBe(400)
    expect(((await surrogate.json()) as { error: { issues: unknown } }).error.issues).toEqual([
      { path: 'options.1', message: 'must not contain a lone surrogate (\\ud800–\\udfff)' },
    ])
    expect((await json('/v1/admin/tags', '{"name":"x\\u0000"}', key())).status).toBe(400)
    expect(await writes()).toBe(mark)
  })

  it('refuses a NUL in the URL', async () => {
    for (const path of ['/v1/conversations?q=%00', '/v1/contacts?q=a%00', '/v1/library/search?q=%00'])
      expect((await t.app.request(path, { headers: key() })).status, path).toBe(400)
  })

  it('stores a provider message with NUL in it, without the NUL', async () => {
    const mime = [
      'From: nul@example.com',
      'To: support@quillstack.example',
      'Subject: hi\u0000there',
      'Message-ID: <nul-1@example.com>',
      '',
      'hello\u0000 there',
    ].join('\r\n')
    const response = await t.app.request('/webhooks/email/email', {
      method: 'POST',
      headers: {
        'content-type': 'message/rfc822',
        authorization: `Basic ${Buffer.from(`inbound:${EMAIL_SECRET}`).toString('base64')}`,
      },
      body: mime,
    })
    expect(response.status).toBe(200)
    const [row] = await t.runtime.database.query<{ body: string }>(
      "select body from messages where provider_message_id = 'nul-1@example.com'",
    )
    expect(row?.body).toBe('hello there')
  })

  it('answers an unreadable dashboard form with a 400, and a throttled sign-in with Retry-After', async () => {
    for (const path of ['/app/login', '/app/logout']) {
      const response = await t.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=----x' },
        body: '{"not":"a form"}',
      })
      expect(response.status, path).toBe(400)
    }
    const attempt = () =>
      t.app.request('/app/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.99' },
        body: 'email=nobody%40example.com&password=wrong',
      })
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401)
    const throttled = await attempt()
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
