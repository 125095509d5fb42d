// The Library over the API: search it as the agent does, and add or replace an article.
import { Hono } from 'hono'
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { librarySearch } from '../../tools/library-search.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, readBody } from '../http/body.ts'
import { parseArticle } from '../library/article.ts'
import { upsertArticle } from '../library/store.ts'
import type { Runtime } from '../runtime.ts'

const SearchQuery = z.object({
  q: z.string().trim().min(1).max(4000),
  limit: z.coerce.number().int().min(1).max(20).default(5),
})
const ArticleBody = z.strictObject({ markdown: z.string().min(1).max(200_000) })

export function libraryRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/search', async (c) => {
    const query = parseInput(SearchQuery, c.req.query(), 'query')
    const result = await librarySearch.call(
      { tenantId: c.get('auth').tenantId, db },
      { query: query.q, limit: query.limit },
    )
    return c.json(result)
  })

  app.post('/articles', limitBody(256 * 1024), async (c) => {
    const { markdown } = await readBody(c, ArticleBody, 'article')
    const article = parseArticle(markdown)
    const documentId = await upsertArticle(db, c.get('auth').tenantId, article)
    return c.json({ documentId, slug: article.slug, sections: article.sections.length }, 201)
  })

  return app
}
