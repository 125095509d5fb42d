// Property-based bad input (fast-check) for the fuzz suites: odd strings, wrong types, deep nesting,
// huge values, malformed and non-UTF-8 bodies, unexpected content types, odd path and query values.
// Each suite tallies its cases and the server errors it saw and prints them at the end.
import fc from 'fast-check'

/** Strings that have broken parsers before: controls, lone surrogates, traversal, injection, numbers as text. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t',
  '\u0000',
  '\r\n',
  'a\r\nBcc: victim@example.com',
  '\u2028\u2029',
  '\ufeff',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u202eevil',
  '..',
  '../../etc/passwd',
  '%',
  '%00',
  '%ff',
  '%E0%A4%A',
  '%2e%2e%2f',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '-0',
  '9007199254740993',
  '0x10',
  '1.5',
  '__proto__',
  'constructor',
  'prototype',
  "'; drop table messages; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, on purpose
  '${7*7}',
  '{{7*7}}',
  'TKT-99999999999999999999999',
  'TKT-0',
  'TKT--1',
  'me',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2025-02-30',
  '2025-13-01T25:61:61Z',
  '275760-09-13T00:00:00Z',
  '-271821-04-19',
  'é'.repeat(300),
  '💥'.repeat(100),
]

/** Characters that are fine in JSON but not everywhere after it: NUL, lone surrogates, line breaks, bidi. */
export const TWEAKS = [
  '\u0000',
  '\ud800',
  '\udc00',
  '\r\n',
  '\u202e',
  '\u0085',
  '\uffff',
  '\u0008',
  '%00',
  '\\',
  "'",
  '"',
]

/** Any string, with the nasty ones and long ones well represented. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 2 },
  { arbitrary: fc.uuid(), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
)

/** A scalar of any JSON type (and numbers JSON cannot say exactly). */
export const oddScalar: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
)

/** Values of every JSON type, nested a little. */
export const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: oddScalar, weight: 6 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(oddKey(), tie('value'), { maxKeys: 4 }), weight: 1 },
  ),
})).value

function oddKey(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('__proto__', 'constructor', '', 'a.b', '$where'),
  )
}

/** Deep nesting, written as text (JSON.stringify itself would overflow on the deepest). */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('array', 'object', 'mixed'), fc.boolean())
  .map(([depth, kind, close]) => {
    const open = kind === 'array' ? '[' : kind === 'object' ? '{"a":' : '{"a":['
    const end = kind === 'array' ? ']' : kind === 'object' ? '}' : ']}'
    return `${open.repeat(depth)}1${close ? end.repeat(depth) : ''}`
  })

/** A JSON object value nested `depth` deep (for a field the schema expects to hold something small). */
export function nested(depth: number): unknown {
  let value: unknown = { leaf: true }
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

/** An object with the documented fields (and some others), each holding a value of any type. */
export function objectWith(fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = fields.length > 0 ? fields : ['text', 'name', 'id']
  return fc
    .tuple(
      fc.subarray(keys),
      fc.array(fc.oneof(oddValue, fc.constantFrom(nested(200), nested(3000)), fc.constant(undefined)), {
        minLength: keys.length,
        maxLength: keys.length,
      }),
      fc.dictionary(oddKey(), oddValue, { maxKeys: 2 }),
      fc.boolean(),
    )
    .map(([chosen, values, extra, withExtra]) => {
      const out: Record<string, unknown> = withExtra ? { ...extra } : {}
      chosen.forEach((key, i) => {
        if (values[i] !== undefined) out[key] = values[i]
      })
      return out
    })
}

/** JSON text that is broken: truncated, trailing garbage, comments, single quotes, bare words. */
export function brokenJson(of: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(of, fc.nat()).map(([value, cut]) => {
      const text = safeStringify(value)
      return text.slice(0, text.length > 1 ? cut % text.length : 0)
    }),
    of.map((value) => `${safeStringify(value)}}`),
    of.map((value) => `/* c */${safeStringify(value)}`),
    of.map((value) => safeStringify(value).replaceAll('"', "'")),
    fc.constantFrom('{', '[', '"', '{"a":}', '{"a" 1}', 'NaN', 'undefined', '{a:1}', '\u0000{}', '{"a":1,}'),
    fc.string({ unit: 'binary', maxLength: 60 }),
  )
}

/** Bytes that are not UTF-8, placed inside otherwise fine JSON text. */
export function invalidUtf8(of: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  const sequences = [
    [0x80],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xff],
    [0xe2, 0x82],
    [0xc3, 0x28],
    [0xfe, 0xfe],
  ]
  return fc.tuple(of, fc.nat(), fc.constantFrom(...sequences)).map(([value, at, sequence]) => {
    const bytes = new TextEncoder().encode(safeStringify(value))
    const cut = bytes.length === 0 ? 0 : at % bytes.length
    const out = new Uint8Array(bytes.length + sequence.length)
    out.set(bytes.subarray(0, cut))
    out.set(sequence, cut)
    out.set(bytes.subarray(cut), cut + sequence.length)
    return out
  })
}

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/jsonx',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=----x',
  'message/rfc822',
  'application/octet-stream',
  'application/xml',
  '*/*',
  'garbage',
  ';;;',
]

/** How a body is sent: its bytes (or text) and content type, if any. */
export interface FuzzBody {
  body: string | Uint8Array | undefined
  contentType: string | undefined
  what: string
}

/**
 * Bodies for a route: plausible documents from its schema, valid examples with one node broken, and
 * junk (wrong types, broken JSON, bad bytes, deep nesting, huge strings, empty, form data).
 */
export function fuzzBody(
  route: { fields: string[]; schema?: unknown; seeds?: unknown[]; contentType?: string } = { fields: [] },
): fc.Arbitrary<FuzzBody> {
  const fields = route.fields
  const object = objectWith(fields)
  const json = (what: string) => (body: string) => ({ body, what })
  const seeds = route.seeds ?? []
  const text = (value: unknown) => (typeof value === 'string' ? value : safeStringify(value))
  const payload: fc.Arbitrary<{
    body: string | Uint8Array | undefined
    what: string
    type?: string | undefined
  }> = fc.oneof(
    ...(route.schema
      ? [
          {
            arbitrary: fromSchema(route.schema as JsonSchema)
              .map(text)
              .map(json('from its schema')),
            weight: 6,
          },
        ]
      : []),
    ...(seeds.length > 0
      ? [
          {
            arbitrary: fc.constantFrom(...seeds).chain((seed) =>
              mutate(seed).map((value) => ({
                body: text(value),
                what: 'a valid one, broken',
                type: typeof seed === 'string' ? 'message/rfc822' : undefined,
              })),
            ),
            weight: 10,
          },
        ]
      : []),
    { arbitrary: object.map((v) => safeStringify(v)).map(json('object of odd fields')), weight: 8 },
    {
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .map((v) => safeStringify(v))
        .map(json('any JSON')),
      weight: 2,
    },
    { arbitrary: brokenJson(object).map(json('broken JSON')), weight: 3 },
    { arbitrary: invalidUtf8(object).map((body) => ({ body, what: 'invalid UTF-8' })), weight: 2 },
    { arbitrary: deepJson.map(json('deep nesting')), weight: 1 },
    {
      arbitrary: fc
        .constantFrom(20_000, 70_000, 300_000, 1_100_000)
        .map((n) => ({ body: `{"text":"${'a'.repeat(n)}"}`, what: `huge string (${n})` })),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom('', '   ', 'null', '[]', '{}', '""').map(json('empty-ish')),
      weight: 1,
    },
    { arbitrary: fc.constant({ body: undefined, what: 'no body' }), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...fields, 'email', 'password', 'comment', 'score'), oddString)
        .map(([k, v]) => ({
          body: `${encodeURIComponent(k)}=${encodeURIComponent(v.toWellFormed())}`,
          what: 'form encoded',
        })),
      weight: 1,
    },
    fc
      .constantFrom(
        '------x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n------x--\r\n',
        '------x\r\nContent-Disposition: form-data; name="file"; filename="../../a"\r\n\r\n\u0000\r\n',
        '--\r\n\r\n',
        '------x',
      )
      .map(json('multipart-ish')),
  )
  return fc.tuple(payload, fc.nat(9), fc.constantFrom(...CONTENT_TYPES)).map(([p, pick, other]) => {
    const preferred = p.type ?? route.contentType ?? 'application/json'
    const type = p.body === undefined || pick === 9 ? undefined : pick < 6 ? preferred : other
    return { body: p.body, contentType: type, what: `${p.what} as ${type ?? 'no content type'}` }
  })
}

/** A path parameter: a real id now and then, otherwise anything, encoded or not. */
export function pathValue(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...(real.length > 0 ? real : ['x'])), weight: 2 },
    { arbitrary: oddString.map((s) => encodePathSegment(s)), weight: 5 },
    { arbitrary: oddString.map((s) => rawPathSegment(s)), weight: 2 },
  )
}

/** Percent-encodes everything a URL would otherwise reinterpret; keeps lone surrogates as %EF%BF%BD. */
export function encodePathSegment(value: string): string {
  return encodeURIComponent(value.toWellFormed())
}

/** As it might arrive from a careless client: only the characters that would end the path escaped. */
export function rawPathSegment(value: string): string {
  return value.toWellFormed().replace(/[/?#\s]/g, (c) => encodeURIComponent(c))
}

/** A query string: the route's documented keys (and others), odd values, sometimes repeated or empty. */
export function queryString(keys: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...keys, 'limit', 'before', 'q', 'from', 'to', 'days'), weight: 4 },
    { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  )
  const value = fc.oneof(
    oddString,
    fc.integer().map(String),
    fc
      .tuple(fc.constantFrom('a', '1', 'all', 'true', '2025-06-01'), fc.constantFrom(...TWEAKS))
      .map(([v, t]) => v + t),
  )
  const pair = fc
    .tuple(key, value, fc.boolean())
    .map(([k, v, raw]) =>
      raw
        ? `${rawPathSegment(k).replace(/[&=]/g, '')}=${rawPathSegment(v).replace(/[&]/g, '')}`
        : `${encodeURIComponent(k)}=${encodeURIComponent(v.toWellFormed())}`,
    )
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((p) => `?${p.join('&')}`), weight: 6 },
    { arbitrary: fc.constantFrom('?', '?&&', '?=', '?limit', '?limit=&limit=5', '?%', '?a=%ZZ'), weight: 1 },
  )
}

/** A header value a client could actually send (HTTP forbids CR, LF, NUL and non-Latin-1). */
export function headerValue(value: string): string {
  return [...value]
    .filter((c) => c.charCodeAt(0) <= 0xff && !'\r\n\u0000'.includes(c))
    .join('')
    .slice(0, 8000)
}

/** JSON.stringify without throwing on cycles or depth (the fuzz values never have cycles). */
export function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null'
  } catch {
    return '{}'
  }
}

/** A tally of what a fuzz suite sent and what went wrong, printed when it ends. */
export class FuzzTally {
  cases = 0
  serverErrors = 0
  /** The first example of each kind of problem (by `key`), and how often it happened. */
  readonly #problems = new Map<string, { example: string; count: number }>()
  readonly statuses = new Map<number, number>()

  readonly name: string

  constructor(name: string) {
    this.name = name
  }

  record(status: number): void {
    this.cases++
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1)
    if (status >= 500) this.serverErrors++
  }

  problem(key: string, example: string): void {
    const seen = this.#problems.get(key)
    if (seen) seen.count++
    else this.#problems.set(key, { example: example.slice(0, 600), count: 1 })
  }

  get problems(): string[] {
    return [...this.#problems.entries()].map(([key, p]) => `${key} (×${p.count}): ${p.example}`)
  }

  summary(): string {
    const statuses = [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')
    const other = this.#problems.size > 0 ? `, ${this.#problems.size} kinds of problem` : ''
    return `fuzz ${this.name}: ${this.cases} cases, ${this.serverErrors} server errors${other}${statuses ? ` (${statuses})` : ''}`
  }
}

const DELETE = Symbol('delete')

/** What replaces one node of a valid document: a value of another type, or one at the edge of its type. */
export const replacement: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: oddValue, weight: 6 },
  {
    arbitrary: fc.constantFrom(
      nested(3000),
      [nested(3000)],
      'a\u0000b',
      '\u0000',
      'é'.repeat(70_000),
      -1,
      0,
      2 ** 31,
      2 ** 63,
      -(2 ** 63),
      1e308,
      Number.MIN_VALUE,
      '9999-12-31T23:59:59Z',
      '0001-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '1970-01-01T00:00:00.000+25:00',
      new Array(2000).fill('x'),
      Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
    ),
    weight: 2,
  },
  { arbitrary: fc.constant(DELETE), weight: 1 },
)

/** A valid document with one node (chosen by index, depth first) replaced or deleted. */
export function mutate(seed: unknown): fc.Arbitrary<unknown> {
  if (typeof seed === 'string') return mutateText(seed)
  return fc.oneof(
    fc.tuple(fc.nat(), replacement).map(([n, value]) => replaceNode(seed, n, value)),
    fc
      .tuple(fc.nat(), fc.nat(), fc.constantFrom(...TWEAKS))
      .map(([n, at, tweak]) => tweakString(seed, n, at, tweak)),
  )
}

/** A valid document with one of its strings given an odd character at some point. */
function tweakString(seed: unknown, n: number, at: number, tweak: string): unknown {
  const copy = structuredClone(seed)
  const strings: Array<{ parent: Record<string, unknown>; key: string }> = []
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node)) {
      if (typeof child === 'string') strings.push({ parent: node as Record<string, unknown>, key })
      else walk(child)
    }
  }
  walk(copy)
  if (strings.length === 0) return copy
  const { parent, key } = strings[n % strings.length]!
  const value = parent[key] as string
  const i = at % (value.length + 1)
  parent[key] = value.slice(0, i) + tweak + value.slice(i)
  return copy
}

function replaceNode(seed: unknown, n: number, value: unknown): unknown {
  const copy = structuredClone(seed)
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = []
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node)) {
      nodes.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key })
      walk(child)
    }
  }
  walk(copy)
  if (nodes.length === 0) return value === DELETE ? {} : value
  const { parent, key } = nodes[n % nodes.length]!
  if (value === DELETE) {
    if (Array.isArray(parent)) parent.splice(key as number, 1)
    else delete parent[key as string]
  } else {
    ;(parent as Record<string, unknown>)[key as string] = value
  }
  return copy
}

/** Raw text (MIME) with odd text spliced in, a line broken, or cut short. */
export function mutateText(seed: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.nat(), oddString).map(([at, s]) => {
      const i = at % (seed.length + 1)
      return seed.slice(0, i) + s + seed.slice(i)
    }),
    fc
      .tuple(
        fc.nat(),
        fc.constantFrom('\r\n', '\n', '\r', '\r\n\r\n', ': ', '=?utf-8?B?', '=?x?Q?=FF?=', '--'),
      )
      .map(([at, s]) => {
        const i = at % (seed.length + 1)
        return seed.slice(0, i) + s + seed.slice(i)
      }),
    fc.nat().map((at) => seed.slice(0, at % (seed.length + 1))),
    fc.tuple(fc.nat(), fc.nat({ max: 200 })).map(([at, n]) => {
      const i = at % (seed.length + 1)
      return seed.slice(0, i) + seed.slice(i + n)
    }),
  )
}

interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
}

/** Plausible documents for a (simple) JSON schema, with odd strings and numbers inside. */
export function fromSchema(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (!schema) return oddValue
  if (schema.enum) return fc.oneof({ arbitrary: fc.constantFrom(...schema.enum), weight: 4 }, oddScalar)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      return fc.oneof(fc.string({ maxLength: 20 }), fc.emailAddress(), fc.uuid(), oddString)
    case 'integer':
      return fc.oneof(
        fc.integer({ min: -10, max: 100 }),
        fc.integer(),
        fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5, -0),
      )
    case 'number':
      return fc.oneof(fc.integer({ min: -10, max: 100 }), fc.double())
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(fromSchema(schema.items), { maxLength: 4 })
    case 'object': {
      const properties = schema.properties ?? {}
      if (Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ maxLength: 10 }), oddValue, { maxKeys: 3 })
      return fc.record(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s)])), {
        requiredKeys: schema.required ?? [],
      })
    }
    default:
      return oddValue
  }
}
