// Hybrid retrieval on the demo Library: full-text search fused with the tenant's passage matcher.
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseArticle } from '../server/library/article.ts'
import { upsertArticle } from '../server/library/store.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../testing/database.ts'
import { createTenant } from '../testing/fixtures.ts'
import { LibraryMatchers } from './local/library-matchers.ts'
import { retrieve } from './retrieval.ts'

let testDb: TestDatabase
let tenantId: string
const matchers = new LibraryMatchers({ cacheDir: '.tmp/model-cache' })
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

const hybrid = (text: string) =>
  retrieve(
    { db: testDb.database.db, matcher: (id) => matchers.forTenant(testDb.database.db, id) },
    tenantId,
    text,
  )

describe(`hybrid retrieval (${testDatabaseKind})`, () => {
  it('finds the section a paraphrase means, which shares few words with it', async () => {
    const { passages, toolCalls } = await hybrid(
      "clicked the link from yesterday's password email and it does nothing",
    )
    expect(passages[0]).toMatchObject({
      slug: 'reset-password',
      heading: "The password reset link expired or doesn't work",
    })
    expect(passages[0]!.semantic).toBeGreaterThan(0)
    expect(toolCalls).toEqual(['library_search', 'library_match'])
    const twoFactor = await hybrid('how do i turn on 2fa')
    expect(twoFactor.passages[0]).toMatchObject({ heading: 'Turn on two-factor authentication' })
  })

  it('survives typos that full-text search cannot stem', async () => {
    const { passages } = await hybrid('i forgot my pasword, how do i make a new one')
    expect(passages[0]!.slug).toBe('reset-password')
  })

  it('falls back to full-text search alone without a matcher', async () => {
    const { passages, novelty, toolCalls } = await retrieve(
      { db: testDb.database.db },
      tenantId,
      'export a board to CSV',
    )
    expect(passages[0]!.slug).toBe('import-and-export')
    expect(passages[0]!.semantic).toBe(0)
    expect(novelty).toBe(0)
    expect(toolCalls).toEqual(['library_search'])
  })

  it('keeps one matcher while the Library is unchanged and retrains when it changes', async () => {
    const db = testDb.database.db
    const first = await matchers.forTenant(db, tenantId)
    expect(await matchers.forTenant(db, tenantId)).toBe(first)
    await upsertArticle(
      db,
      tenantId,
      parseArticle(
        '---\nslug: gantt\ntitle: Timeline view\n---\n\n## Plan work on a timeline\nOpen a board and choose View → Timeline to see tasks as bars over weeks, like a Gantt chart.\n\n## Move a task on the timeline\nDrag a task bar to change its start and due dates on the Timeline view.',
      ),
    )
    const second = await matchers.forTenant(db, tenantId)
    expect(second).not.toBe(first)
    const { passages } = await hybrid('is there a gantt chart?')
    expect(passages[0]!.slug).toBe('gantt')
  })
})
