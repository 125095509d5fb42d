// library_search on the demo Library in a real database (PostgreSQL full-text search).
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseArticle } from '../server/library/article.ts'
import { upsertArticle } from '../server/library/store.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../testing/database.ts'
import { createTenant } from '../testing/fixtures.ts'
import { librarySearch, queryWords } from './library-search.ts'

let testDb: TestDatabase
let tenantId: string
let otherTenantId: string
const LIBRARY = 'server/demo/library'

beforeAll(async () => {
  testDb = await createTestDatabase()
  tenantId = (await createTenant(testDb.database.db)).tenant.id
  otherTenantId = (await createTenant(testDb.database.db)).tenant.id
  for (const file of readdirSync(LIBRARY)) {
    await upsertArticle(
      testDb.database.db,
      tenantId,
      parseArticle(readFileSync(`${LIBRARY}/${file}`, 'utf8')),
    )
  }
  await upsertArticle(
    testDb.database.db,
    otherTenantId,
    parseArticle(
      '---\nslug: secret\ntitle: Other tenant password policy\n---\n\n## Reset your password\nCall Bob.',
    ),
  )
})
afterAll(async () => {
  await testDb?.drop()
})

const search = (query: string, limit = 5, tenant = tenantId) =>
  librarySearch.call({ tenantId: tenant, db: testDb.database.db }, { query, limit })

describe(`library_search (${testDatabaseKind})`, () => {
  it('finds the passage that answers a paraphrased question, with what a citation needs', async () => {
    const { passages, terms } = await search('I forgot my password, how do I reset it?')
    expect(passages[0]).toMatchObject({
      slug: 'reset-password',
      heading: 'Reset a forgotten password',
      title: 'Reset your password and fix sign-in problems',
      url: 'https://help.quillstack.io/articles/reset-password',
    })
    expect(passages[0]!.body).toContain('Forgot password?')
    expect(passages[0]!.score).toBeGreaterThanOrEqual(passages[1]!.score)
    expect(terms).toEqual(expect.arrayContaining(['forgot', 'password']))
  })

  it.each([
    ['can i export a board as csv', 'import-and-export'],
    ['how do I turn on two-factor authentication', 'two-factor-authentication'],
    ['what does the business plan cost per member', 'plans-and-pricing'],
    ['how do I connect slack', 'integrations'],
    ['what is your refund policy for annual plans', 'refund-policy'],
  ])('ranks the right article first for %j', async (query, slug) => {
    const { passages } = await search(query)
    expect(passages[0]!.slug).toBe(slug)
  })

  it('scores unrelated text low and finds nothing for stop words alone', async () => {
    const weather = await search("what's the weather like in Paris tomorrow")
    expect(weather.passages[0]?.score ?? 0).toBeLessThan(0.5)
    expect((await search('how do I it')).passages).toEqual([])
  })

  it('keeps tenants apart', async () => {
    const { passages } = await search('reset your password', 10)
    expect(passages.every((p) => p.slug !== 'secret')).toBe(true)
    const other = await search('reset your password', 10, otherTenantId)
    expect(other.passages.map((p) => p.slug)).toEqual(['secret'])
  })

  it('treats query syntax as plain words', async () => {
    await expect(search("password' | ! & <-> :* (( '")).resolves.toMatchObject({
      passages: expect.any(Array),
    })
    expect(queryWords("password' | ! & <-> :* (( 2fa")).toEqual(['password', '2fa'])
  })

  it('refuses invalid input with a clear error', async () => {
    await expect(search('')).rejects.toMatchObject({ code: 'bad_request' })
    await expect(search('ok', 50)).rejects.toThrow(/limit/)
  })
})
