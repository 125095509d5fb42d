// Knowledge gaps over the API (mounted under the authenticated /v1/knowledge-gaps): the weekly
// digests, the gaps of the week so far grouped on the fly, and turning a group into a draft article.
import { and, desc, eq, max } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { knowledgeGapDigests } from '../../drizzle/schema/customer-success.ts'
import { buildDigest, draftArticleFromGroup } from '../customer-success/knowledge-gaps.ts'
import type { AuthVariables } from '../http/auth.ts'
import { param, UuidParam } from '../http/body.ts'
import type { Runtime } from '../runtime.ts'

const DIGESTS_LISTED = 12
const DAY_MS = 24 * 3600 * 1000

const GroupIndex = z.coerce
  .number({ error: 'must be a group number (0 for the first group)' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(10_000)
const RecentQuery = z.object({
  days: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(90, 'must be at most 90')
    .default(7),
})

type DigestRow = typeof knowledgeGapDigests.$inferSelect

function summaryView(d: DigestRow) {
  return {
    id: d.id,
    periodStart: d.periodStart,
    periodEnd: d.periodEnd,
    questions: d.groups.reduce((sum, g) => sum + g.count, 0),
    groupCount: d.groups.length,
    /** Labels and counts only; GET /digests/:id has the questions and answers. */
    groups: d.groups.map((g, index) => ({ index, label: g.label, count: g.count, articleId: g.articleId })),
    emailedAt: d.emailedAt,
    createdAt: d.createdAt,
  }
}

export function knowledgeGapRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/digests', async (c) => {
    const rows = await db
      .select()
      .from(knowledgeGapDigests)
      .where(eq(knowledgeGapDigests.tenantId, c.get('auth').tenantId))
      .orderBy(desc(knowledgeGapDigests.periodStart))
      .limit(DIGESTS_LISTED)
    return c.json({ digests: rows.map(summaryView) })
  })

  app.get('/digests/:id', async (c) => {
    const id = param(c, 'id', UuidParam)
    const [digest] = await db
      .select()
      .from(knowledgeGapDigests)
      .where(and(eq(knowledgeGapDigests.tenantId, c.get('auth').tenantId), eq(knowledgeGapDigests.id, id)))
    if (!digest) throw new AtlasError('not_found', `Knowledge-gap digest ${id} does not exist`)
    return c.json({ digest: { ...summaryView(digest), groups: digest.groups } })
  })

  // 201 with a new draft; 200 with the one drafted earlier from the same group.
  app.post('/digests/:id/groups/:index/article', async (c) => {
    const id = param(c, 'id', UuidParam)
    const index = param(c, 'index', GroupIndex)
    const auth = c.get('auth')
    const { articleId, created } = await draftArticleFromGroup(db, auth.tenantId, id, index, auth.operator)
    return c.json({ articleId, created }, created ? 201 : 200)
  })

  // The gaps no digest holds yet (asked since the latest digest's week ended), grouped as a digest
  // would group them: what the dashboard shows in the middle of the week.
  app.get('/recent', async (c) => {
    const { days } = parseInput(RecentQuery, c.req.query(), 'query')
    const tenantId = c.get('auth').tenantId
    const [latest] = await db
      .select({ end: max(knowledgeGapDigests.periodEnd) })
      .from(knowledgeGapDigests)
      .where(eq(knowledgeGapDigests.tenantId, tenantId))
    const now = new Date()
    const window = now.getTime() - days * DAY_MS
    const since = new Date(Math.max(window, latest?.end?.getTime() ?? window))
    // A moment past now: a gap logged in this very second is included.
    const groups = await buildDigest(db, tenantId, { start: since, end: new Date(now.getTime() + 1000) })
    return c.json({
      since,
      until: now,
      questions: groups.reduce((sum, g) => sum + g.count, 0),
      groups,
    })
  })

  return app
}
