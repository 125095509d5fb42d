// Property-based fuzzing (fast-check) of every channel adapter's parser: realistic payloads with one
// node broken or one string given an odd character, any JSON, broken JSON text, invalid UTF-8,
// deep nesting, as objects, text and bytes, with and without a content type. A parser must return
// a webhook it can vouch for or throw a 4xx AtlasError; nothing else, and never hang or crash.
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { AtlasError } from '../common/errors.ts'
import { FuzzTally, fuzzBody, mutate, oddValue } from '../testing/fuzz.ts'
import { parseEmail } from './email/parse.ts'
import { eml, POSTMARK } from './email/test-fixtures.ts'
import { single as MENTION, batch as MENTIONS_BATCH } from './mentions/malformed-cases.ts'
import { parseMentions } from './mentions/parse.ts'
import { valid as META } from './meta/malformed-cases.ts'
import { parseMetaWebhook } from './meta/parse.ts'
import type { ParseContext, ParsedWebhook } from './types.ts'
import { valid as WHATSAPP } from './whatsapp/malformed-cases.ts'
import { parseWhatsAppWebhook } from './whatsapp/parse.ts'
import { valid as WIDGET } from './widget/malformed-cases.ts'
import { parseWidgetMessage } from './widget/parse.ts'

const tally = new FuzzTally('parsers')
afterAll(() => console.log(tally.summary()))

/** Cases per parser; the email parser (MIME through mailparser) is the slowest. */
const RUNS = Number(process.env.ATLAS_FUZZ_RUNS ?? 16) * 64

interface Parser {
  name: string
  parse(payload: unknown, context: ParseContext): unknown
  seeds: unknown[]
  contentType: string
  runs?: number
}

const PARSERS: Parser[] = [
  {
    name: 'widget',
    parse: (p) => ({ messages: parseWidgetMessage(p), statuses: [], ignored: 0 }),
    seeds: [WIDGET],
    contentType: 'application/json',
  },
  {
    name: 'WhatsApp',
    parse: (p) => parseWhatsAppWebhook(p),
    seeds: [WHATSAPP],
    contentType: 'application/json',
  },
  {
    name: 'Messenger',
    parse: (p) => parseMetaWebhook(p, 'messenger'),
    seeds: [META.messenger],
    contentType: 'application/json',
  },
  {
    name: 'Instagram',
    parse: (p) => parseMetaWebhook(p, 'instagram'),
    seeds: [META.instagram],
    contentType: 'application/json',
  },
  {
    name: 'mentions',
    parse: (p) => parseMentions(p),
    seeds: [MENTION, MENTIONS_BATCH],
    contentType: 'application/json',
  },
  {
    name: 'email (Postmark)',
    parse: (p, c) => parseEmail(p, c),
    seeds: [POSTMARK],
    contentType: 'application/json',
  },
  {
    name: 'email (MIME)',
    parse: (p, c) => parseEmail(p, c),
    seeds: [
      'plain',
      'reply',
      'attachment',
      'alternative',
      'html-only',
      'bounce',
      'auto-reply',
      'no-message-id',
    ].map(eml),
    contentType: 'message/rfc822',
    runs: RUNS / 2,
  },
]

/** A payload as a parser can receive it: the decoded value, its JSON text, or the raw bytes. */
function payloads(parser: Parser) {
  const mutated = fc.constantFrom(...parser.seeds).chain((seed) => mutate(seed))
  return fc.oneof(
    { arbitrary: mutated.map((value) => ({ payload: value, contentType: parser.contentType })), weight: 5 },
    {
      arbitrary: mutated.map((value) => ({
        payload: typeof value === 'string' ? new TextEncoder().encode(value) : JSON.stringify(value),
        contentType: parser.contentType,
      })),
      weight: 3,
    },
    {
      arbitrary: fuzzBody({ fields: [], seeds: parser.seeds, contentType: parser.contentType }).map((b) => ({
        payload: b.body,
        contentType: b.contentType,
      })),
      weight: 4,
    },
    { arbitrary: oddValue.map((payload) => ({ payload, contentType: undefined })), weight: 1 },
    { arbitrary: fc.anything().map((payload) => ({ payload, contentType: parser.contentType })), weight: 1 },
  )
}

/** What a successful parse must look like: lists of messages and statuses the runtime can store. */
function sane(result: ParsedWebhook): string | null {
  if (!Array.isArray(result.messages) || !Array.isArray(result.statuses)) return 'no message or status list'
  for (const m of result.messages) {
    if (typeof m.text !== 'string') return 'a message without text'
    if (typeof m.contact?.identity?.value !== 'string' || m.contact.identity.value.length === 0)
      return 'a message without a sender'
    if (m.sentAt !== undefined && Number.isNaN(m.sentAt.getTime())) return 'an invalid sentAt'
  }
  for (const s of result.statuses) {
    if (typeof s.providerMessageId !== 'string' || Number.isNaN(s.at.getTime())) return 'a bad status'
  }
  return null
}

describe.each(PARSERS)('$name parser, fuzzed', (parser) => {
  it('returns a webhook or throws a 4xx AtlasError, for anything', async () => {
    await fc.assert(
      fc.asyncProperty(payloads(parser), async ({ payload, contentType }) => {
        let result: unknown
        try {
          result = await parser.parse(payload, contentType ? { contentType } : {})
        } catch (error) {
          const ok = error instanceof AtlasError && error.status >= 400 && error.status < 500
          tally.record(ok ? (error as AtlasError).status : 500)
          if (!ok) tally.problem(`${parser.name} threw ${String(error).slice(0, 100)}`, show(payload))
          return
        }
        tally.record(200)
        const problem = sane(result as ParsedWebhook)
        if (problem) tally.problem(`${parser.name}: ${problem}`, show(payload))
      }),
      { numRuns: parser.runs ?? RUNS },
    )
    expect(tally.problems.filter((p) => p.startsWith(parser.name))).toEqual([])
  })
})

function show(payload: unknown): string {
  if (payload instanceof Uint8Array) return `bytes ${Buffer.from(payload).toString('latin1').slice(0, 300)}`
  if (typeof payload === 'string') return payload.slice(0, 300)
  try {
    return JSON.stringify(payload)?.slice(0, 300) ?? String(payload)
  } catch {
    return String(payload).slice(0, 300)
  }
}
