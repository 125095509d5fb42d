// Generated bad input for parser tests: from one valid payload and a description of its fields,
// every field deleted, given wrong types, oversized or replaced by deep nesting; and the raw body
// with invalid UTF-8, truncated, empty or oversized. Every case must be rejected with a 4xx AtlasError.
import { expect } from 'vitest'
import { AtlasError } from '../../common/errors.ts'

export interface FieldSpec {
  /** Dotted path into the valid payload (`entry.0.changes.0.value.metadata`). */
  path: string
  /** `pattern` and `literal` strings reject other strings too. */
  kind: 'string' | 'pattern' | 'literal' | 'number' | 'boolean' | 'object' | 'array'
  optional?: boolean
  /** The longest string accepted: one more character is a case. */
  max?: number
  /** More values that must be rejected here. */
  bad?: unknown[]
  /** Wrong-type cases that are in fact accepted here (WhatsApp timestamps may be numbers). */
  except?: string[]
}

export interface Malformed {
  name: string
  payload: unknown
}

const DEPTH = 5000
/** Two million non-ASCII characters; one string shared by every case that needs it. */
const HUGE = 'é'.repeat(2_000_000)

function deepObject(): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true }
  for (let i = 0; i < DEPTH; i++) value = { nested: value }
  return value
}

function deepArray(): unknown[] {
  let value: unknown[] = [1]
  for (let i = 0; i < DEPTH; i++) value = [value]
  return value
}

const WRONG: Record<string, () => unknown> = {
  number: () => 42,
  float: () => -1.5,
  boolean: () => true,
  null: () => null,
  string: () => 'not-what-was-expected',
  emptyString: () => '',
  array: () => [],
  mixedArray: () => ['x', 1, null],
  object: () => ({ unexpected: 1 }),
  deepObject,
  deepArray,
}

const WRONG_FOR: Record<FieldSpec['kind'], string[]> = {
  string: ['number', 'float', 'boolean', 'null', 'array', 'mixedArray', 'object', 'deepObject', 'deepArray'],
  pattern: [
    'number',
    'float',
    'boolean',
    'null',
    'string',
    'emptyString',
    'array',
    'mixedArray',
    'object',
    'deepObject',
    'deepArray',
  ],
  literal: [
    'number',
    'boolean',
    'null',
    'string',
    'emptyString',
    'array',
    'object',
    'deepObject',
    'deepArray',
  ],
  number: ['boolean', 'null', 'string', 'emptyString', 'array', 'object', 'deepObject', 'deepArray'],
  boolean: ['number', 'null', 'string', 'array', 'object', 'deepObject', 'deepArray'],
  object: ['number', 'boolean', 'null', 'string', 'array', 'mixedArray', 'deepArray', 'deepObject'],
  array: ['number', 'boolean', 'null', 'string', 'object', 'deepObject', 'deepArray', 'mixedArray'],
}

/** Field-level cases: each field deleted (when required), mistyped, oversized, deeply nested. */
export function malformedFields(valid: unknown, fields: FieldSpec[]): Malformed[] {
  const cases: Malformed[] = []
  for (const field of fields) {
    if (!field.optional)
      cases.push({ name: `${field.path} missing`, payload: edit(valid, field.path, undefined) })
    for (const wrong of WRONG_FOR[field.kind].filter((w) => !field.except?.includes(w))) {
      cases.push({ name: `${field.path} = ${wrong}`, payload: edit(valid, field.path, WRONG[wrong]!()) })
    }
    if (field.max !== undefined) {
      cases.push({
        name: `${field.path} too long`,
        payload: edit(valid, field.path, 'x'.repeat(field.max + 1)),
      })
      cases.push({ name: `${field.path} huge`, payload: edit(valid, field.path, HUGE) })
    }
    for (const [i, bad] of (field.bad ?? []).entries()) {
      cases.push({ name: `${field.path} bad value ${i}`, payload: edit(valid, field.path, bad) })
    }
  }
  return cases
}

/** Whole-body cases: not an object, and raw bodies that are not UTF-8, not JSON, empty or too big. */
export function malformedBodies(valid: unknown, seed = 1): Malformed[] {
  const json = JSON.stringify(valid)
  const bytes = new TextEncoder().encode(json)
  const random = mulberry32(seed)
  const cases: Malformed[] = [
    { name: 'null', payload: null },
    { name: 'number', payload: 7 },
    { name: 'boolean', payload: false },
    { name: 'array', payload: [valid] },
    { name: 'empty object', payload: {} },
    { name: 'empty string', payload: '' },
    { name: 'whitespace', payload: ' \n\t ' },
    { name: 'JSON null', payload: 'null' },
    { name: 'JSON string', payload: '"hello"' },
    { name: 'JSON array', payload: '[]' },
    { name: 'not JSON', payload: 'object=whatsapp_business_account' },
    { name: 'empty bytes', payload: new Uint8Array(0) },
    { name: 'deep JSON text', payload: `${'['.repeat(200_000)}${']'.repeat(200_000)}` },
    { name: 'unterminated deep JSON', payload: '{"a":'.repeat(100_000) },
    { name: 'huge body', payload: `{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}` },
    { name: 'huge bytes', payload: new Uint8Array(5 * 1024 * 1024).fill(0x20) },
  ]
  for (let cut = 1; cut < 12; cut++) {
    const at = Math.floor((json.length * cut) / 12)
    cases.push({ name: `truncated at ${at}`, payload: json.slice(0, at) })
  }
  // Bytes that are never valid UTF-8: a lone continuation, an overlong slash, a surrogate, 0xFF,
  // a truncated three-byte sequence; placed inside the JSON text at random points.
  const invalid = [
    [0x80],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xff],
    [0xe2, 0x82],
    [0xc3, 0x28],
    [0xf8, 0x88, 0x80],
  ]
  for (let i = 0; i < 35; i++) {
    const sequence = invalid[i % invalid.length]!
    const at = Math.floor(random() * bytes.length)
    const corrupted = new Uint8Array(bytes.length + sequence.length)
    corrupted.set(bytes.subarray(0, at))
    corrupted.set(sequence, at)
    corrupted.set(bytes.subarray(at), at + sequence.length)
    cases.push({
      name: `invalid UTF-8 ${sequence.map((b) => b.toString(16)).join(' ')} at ${at}`,
      payload: corrupted,
    })
  }
  return cases
}

/** Runs one case: the parser must throw an AtlasError with a 4xx status, and nothing else. */
export async function expectRejected(
  parse: (payload: unknown) => unknown,
  item: Malformed,
): Promise<AtlasError> {
  let outcome: unknown
  try {
    await parse(item.payload)
  } catch (error) {
    outcome = error
  }
  if (!(outcome instanceof AtlasError)) {
    throw new Error(
      `${item.name}: expected an AtlasError, got ${outcome === undefined ? 'success' : String(outcome)}`,
    )
  }
  expect(
    outcome.status,
    `${item.name}: ${outcome.code} ${outcome.message.slice(0, 200)}`,
  ).toBeGreaterThanOrEqual(400)
  expect(outcome.status, item.name).toBeLessThan(500)
  return outcome
}

function edit(valid: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(valid) as Record<string, unknown>
  const keys = path.split('.')
  let target: Record<string, unknown> = copy
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>
  const last = keys.at(-1)!
  if (value === undefined) delete target[last]
  else target[last] = value
  return copy
}

/** A small seeded PRNG, so the generated cases are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
