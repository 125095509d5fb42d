// Reply suggestions on the demo Library (full-text search in the database, as the HTTP route runs
// it: no trained matcher) and a team's canned responses; the openai variant against the fake server.
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseArticle } from '../../server/library/article.ts'
import { upsertArticle } from '../../server/library/store.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { toolCallCompletion } from '../../testing/fake-openai.ts'
import { createTenant } from '../../testing/fixtures.ts'
import type { AssistMessage } from './messages.ts'
import {
  type CannedResponse,
  rankCanned,
  SUGGEST_TOOL,
  type SuggestOptions,
  suggestReplies,
} from './suggestions.ts'
import { useFakeAssistModel } from './testing.ts'

let testDb: TestDatabase
let tenantId: string
const LIBRARY = 'server/demo/library'

beforeAll(async () => {
  testDb = await createTestDatabase()
  tenantId = (await createTenant(testDb.database.db)).tenant.id
  for (const file of readdirSync(LIBRARY)) {
    await upsertArticle(
      testDb.database.db,
      tenantId,
      parseArticle(readFileSync(`${LIBRARY}/${file}`, 'utf8')),
    )
  }
})
afterAll(async () => {
  await testDb?.drop()
})

const canned: CannedResponse[] = [
  {
    id: '0b7a3c1e-0000-4000-8000-000000000001',
    shortcut: '/refund',
    title: 'Refund request received',
    body: 'Thanks for reaching out about a refund. Our billing team reviews refund requests within two business days.',
  },
  {
    id: '0b7a3c1e-0000-4000-8000-000000000002',
    shortcut: '/reset',
    title: 'Password reset',
    body: 'Hi {{name}}, you can set a new password yourself: click "Forgot password?" on the sign-in page and use the reset link we email you within an hour.',
  },
  {
    id: '0b7a3c1e-0000-4000-8000-000000000003',
    shortcut: '/vat',
    title: 'VAT on invoices',
    body: 'You can add your VAT number under Settings → Billing; it appears on every invoice after that.',
  },
]

const customer = (body: string): AssistMessage => ({ direction: 'inbound', author: 'customer', body })
const bot = (body: string): AssistMessage => ({
  direction: 'outbound',
  author: 'bot',
  body,
})

/** An answered question about the apps, then a sign-in problem nobody has answered yet. */
const conversation: AssistMessage[] = [
  customer('Do you have a mobile app for Android?'),
  bot('Yes — Quillstack has apps for iOS and Android.\n\nSource: Mobile and desktop apps'),
  customer('Great, thanks.'),
  bot("You're welcome! Is there anything else I can help with?"),
  customer("Actually yes. I forgot my password and now I can't sign in."),
  customer('How do I reset my password?'),
]

const options = (over: Partial<SuggestOptions> = {}): SuggestOptions => ({
  tenantId,
  db: testDb.database.db,
  messages: conversation,
  cannedResponses: canned,
  contactName: 'Dana Reyes',
  ...over,
})

describe(`reply suggestions, local (${testDatabaseKind})`, () => {
  it('answers the unanswered password question from the password article, with the /reset canned response', async () => {
    const result = await suggestReplies(options())
    expect(result).toMatchObject({ provider: 'local', model: 'local' })
    expect(result.query).toBe(
      "Actually yes. I forgot my password and now I can't sign in.\nHow do I reset my password?",
    )
    expect(result.suggestions).toHaveLength(3)

    // The best Library answer: the section on resetting a forgotten password, quoted and cited.
    const best = result.suggestions.find((s) => s.source === 'library')
    expect(best).toMatchObject({
      source: 'library',
      title: 'Reset your password and fix sign-in problems — Reset a forgotten password',
    })
    expect(best!.id).toBe(`library:${best!.citations[0]!.passageId}`)
    expect(best!.citations.map((c) => c.slug)).toEqual(['reset-password'])
    expect(best!.text).toMatch(/^Hi Dana,\n\n/)
    expect(best!.text).toContain('click Forgot password? on the sign-in page')
    expect(best!.text).toContain(
      'Source: Reset your password and fix sign-in problems: https://help.quillstack.io/articles/reset-password',
    )

    const reset = result.suggestions.find((s) => s.source === 'canned')
    expect(reset).toMatchObject({
      id: 'canned:0b7a3c1e-0000-4000-8000-000000000002',
      title: 'Password reset (/reset)',
      citations: [],
    })
    expect(reset!.text).toMatch(/^Hi Dana, you can set a new password yourself/)
    for (const s of result.suggestions) expect(s.score).toBeGreaterThan(0)
    expect(result.suggestions.map((s) => s.score)).toEqual(
      [...result.suggestions.map((s) => s.score)].sort((a, b) => b - a),
    )
  })

  it('refresh: excluding what was shown gives the next best, different suggestions', async () => {
    const first = await suggestReplies(options())
    const shown = first.suggestions.map((s) => s.id)
    const second = await suggestReplies(options({ exclude: shown }))
    expect(second.suggestions.length).toBeGreaterThan(0)
    expect(second.suggestions.map((s) => s.id).filter((id) => shown.includes(id))).toEqual([])
    // Still about signing in: the other sections of the password article come next.
    expect(second.suggestions[0]!.citations.map((c) => c.slug)).toEqual(['reset-password'])
    const third = await suggestReplies(
      options({ exclude: [...shown, ...second.suggestions.map((s) => s.id)] }),
    )
    expect(third.suggestions.map((s) => s.id).filter((id) => shown.includes(id))).toEqual([])
  })

  it('suggests for the latest customer message when everything has been answered, and nothing without one', async () => {
    const answered = await suggestReplies(options({ messages: conversation.slice(0, 4) }))
    expect(answered.query).toBe('Great, thanks.')
    const empty = await suggestReplies(options({ messages: [bot('Hi! How can I help?')] }))
    expect(empty).toMatchObject({ suggestions: [], query: '' })
  })

  it('ranks canned responses by what the message is about', () => {
    const ranked = rankCanned('Can I get my money back? I want a refund for last month', canned)
    expect(ranked[0]).toMatchObject({ id: 'canned:0b7a3c1e-0000-4000-8000-000000000001', source: 'canned' })
    expect(ranked.map((r) => r.id)).not.toContain('canned:0b7a3c1e-0000-4000-8000-000000000003')
    expect(rankCanned('where do I put our VAT number for invoices', canned)[0]!.title).toBe(
      'VAT on invoices (/vat)',
    )
    expect(rankCanned('hello there', canned)).toEqual([])
  })
})

describe(`reply suggestions, openai (${testDatabaseKind})`, () => {
  const openai = useFakeAssistModel()

  it('uses the replies the model grounds in retrieved passages, drops one citing anything else, fills up locally', async () => {
    openai.fake.enqueue((request) => {
      const prompt = request.body.messages[1]!.content as string
      const ids = [...prompt.matchAll(/<passage id="([^"]+)">/g)].map((m) => m[1]!)
      return toolCallCompletion(
        SUGGEST_TOOL,
        {
          replies: [
            {
              text: 'Hi Dana, click "Forgot password?" on the sign-in page and follow the link in the email within an hour.',
              citedPassageIds: [ids[0]],
              confidence: 0.92,
            },
            {
              text: 'I have reset your password for you.',
              citedPassageIds: ['made-up-passage'],
              confidence: 0.9,
            },
          ],
        },
        { promptTokens: 900, completionTokens: 80 },
      )
    })
    const result = await suggestReplies(options({ provider: 'openai', model: openai.model() }))
    expect(result).toMatchObject({
      provider: 'openai',
      model: 'openai:gpt-4o-mini',
      usage: { promptTokens: 900, completionTokens: 80 },
    })
    const [written, ...rest] = result.suggestions
    expect(written).toMatchObject({ source: 'model', score: 0.92 })
    expect(written!.id).toMatch(/^model:[0-9a-f]{8}\.[0-9a-f]{10}$/)
    expect(written!.text).toContain('Forgot password?')
    expect(written!.text).toContain('Source: Reset your password and fix sign-in problems')
    expect(written!.citations.map((c) => c.slug)).toEqual(['reset-password'])
    expect(result.suggestions.some((s) => s.text.includes('I have reset your password'))).toBe(false)
    expect(rest).toHaveLength(2)
    expect(rest.every((s) => s.source !== 'model')).toBe(true)

    const body = openai.fake.requests[0]!.body
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: SUGGEST_TOOL } })
    const prompt = body.messages[1]!.content as string
    expect(prompt).toContain('How do I reset my password?')
    expect(prompt).toContain('Title: Reset your password and fix sign-in problems')
    expect(prompt).toContain('Password reset (/reset)')
  })

  it('falls back to the local suggestions when the provider fails', async () => {
    openai.fake.enqueue({ status: 500, message: 'boom' }, { status: 500, message: 'boom' })
    const local = await suggestReplies(options())
    const result = await suggestReplies(options({ provider: 'openai', model: openai.model() }))
    expect(openai.fake.requests).toHaveLength(2)
    expect(result).toMatchObject({ provider: 'local', fallback: { from: 'openai:gpt-4o-mini' } })
    expect(result.suggestions).toEqual(local.suggestions)
  })
})
