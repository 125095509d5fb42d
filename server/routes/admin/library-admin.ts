// Managing the Library: list, read (as the Markdown an admin edits), create, replace and delete
// articles, and import many at once — all of them or none, with each bad article named by index.
import { and, asc, count, eq } from 'drizzle-orm'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError, type ErrorIssue } from '../../../common/errors.ts'
import { parseInput } from '../../../common/validation.ts'
import type { Executor } from '../../../drizzle/database.ts'
import { libraryDocuments, libraryPassages } from '../../../drizzle/schema/library.ts'
import { limitBody, readBody, readJson, refuseUnstorable } from '../../http/body.ts'
import { type Article, parseArticle } from '../../library/article.ts'
import { upsertArticle } from '../../library/store.ts'
import type { Runtime } from '../../runtime.ts'
import { type Env, found, ownRow, tenantOf } from './common.ts'

const MAX_ARTICLE_CHARS = 200_000
const MAX_IMPORT = 200
const Markdown = z.string().min(1, 'must not be empty').max(MAX_ARTICLE_CHARS)
const ArticleBody = z.strictObject({ markdown: Markdown })
const ImportItem = z.union([Markdown, ArticleBody], {
  error: 'must be the article as a Markdown string, or { "markdown": "…" }',
})
const ImportBody = z
  .array(ImportItem)
  .min(1, 'send at least one article')
  .max(MAX_IMPORT, `send at most ${MAX_IMPORT} articles at once`)
/** An article by its UUID or its slug. */
const ArticleRef = z.union([z.uuid(), z.string().regex(/^[a-z0-9][a-z0-9-]{0,119}$/)], {
  error: 'must be an article id or slug',
})

type DocumentRow = typeof libraryDocuments.$inferSelect

/** The document as the Markdown it came from: front matter, then the body. */
export function toMarkdown(doc: Pick<DocumentRow, 'slug' | 'title' | 'url' | 'tags' | 'body'>): string {
  const front = [
    `slug: ${doc.slug}`,
    `title: ${doc.title}`,
    ...(doc.url ? [`url: ${doc.url}`] : []),
    ...(doc.tags.length ? [`tags: ${doc.tags.join(', ')}`] : []),
  ]
  return `---\n${front.join('\n')}\n---\n\n${doc.body}\n`
}

async function sectionCounts(db: Executor, tenantId: string) {
  const rows = await db
    .select({ documentId: libraryPassages.documentId, n: count() })
    .from(libraryPassages)
    .where(eq(libraryPassages.tenantId, tenantId))
    .groupBy(libraryPassages.documentId)
  return new Map(rows.map((r) => [r.documentId, Number(r.n)]))
}

function summaryView(doc: DocumentRow, sections: number) {
  return {
    id: doc.id,
    slug: doc.slug,
    title: doc.title,
    url: doc.url,
    tags: doc.tags,
    sections,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  }
}

/** Parses one article; its problems are reported under `prefix` (the index in an import). */
function parseOne(markdown: string, prefix?: string): { article?: Article; issues: ErrorIssue[] } {
  try {
    return { article: parseArticle(markdown), issues: [] }
  } catch (error) {
    if (!(error instanceof AtlasError)) throw error
    const issues = error.issues.length ? error.issues : [{ path: '(root)', message: error.message }]
    return {
      issues: issues.map((i) => ({
        path: prefix === undefined ? i.path : i.path === '(root)' ? prefix : `${prefix}.${i.path}`,
        message: i.message,
      })),
    }
  }
}

function invalid(what: string, issues: ErrorIssue[]): never {
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  throw new AtlasError('validation_failed', `Invalid ${what}: ${summary}`, { issues })
}

/** The one article of a create or replace request, parsed (422 naming its problems). */
async function readArticle(c: Context<Env>): Promise<Article> {
  const { markdown } = await readBody(c, ArticleBody, 'article')
  const { article, issues } = parseOne(markdown)
  if (!article) invalid('article', issues)
  return article
}

/** What a create, replace or import answers about an article it stored. */
const savedView = (id: string, article: Article) => ({
  id,
  slug: article.slug,
  title: article.title,
  sections: article.sections.length,
})

async function slugTaken(db: Executor, tenantId: string, slug: string): Promise<boolean> {
  const [row] = await db
    .select({ id: libraryDocuments.id })
    .from(libraryDocuments)
    .where(and(eq(libraryDocuments.tenantId, tenantId), eq(libraryDocuments.slug, slug)))
  return row !== undefined
}

/** An import is one JSON array, or a single article sent as text/markdown. */
async function readImport(c: Context<Env>): Promise<string[]> {
  const type = c.req.header('content-type') ?? ''
  if (/^text\/(markdown|x-markdown|plain)\b/i.test(type)) {
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer())
    } catch {
      throw new AtlasError('bad_request', 'The request body is not valid UTF-8')
    }
    refuseUnstorable(text, 'article')
    return [parseInput(Markdown, text, 'article')]
  }
  const items = parseInput(ImportBody, await readJson(c), 'import')
  return items.map((item) => (typeof item === 'string' ? item : item.markdown))
}

export function libraryAdminRoutes(runtime: Pick<Runtime, 'database' | 'logger'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()

  const findDocument = async (executor: Executor, tenantId: string, ref: string) => {
    const byId = z.uuid().safeParse(ref).success
    const [row] = await executor
      .select()
      .from(libraryDocuments)
      .where(
        and(
          eq(libraryDocuments.tenantId, tenantId),
          byId ? eq(libraryDocuments.id, ref) : eq(libraryDocuments.slug, ref),
        ),
      )
    return found(row, `Article ${ref}`)
  }
  const refParam = (c: Context<Env>) =>
    parseInput(ArticleRef, c.req.param('ref'), 'path parameter ref', 'not_found')

  app.get('/articles', async (c) => {
    const tenantId = tenantOf(c)
    const docs = await db
      .select()
      .from(libraryDocuments)
      .where(eq(libraryDocuments.tenantId, tenantId))
      .orderBy(asc(libraryDocuments.slug))
    const sections = await sectionCounts(db, tenantId)
    return c.json({ articles: docs.map((d) => summaryView(d, sections.get(d.id) ?? 0)) })
  })

  app.get('/articles/:ref', async (c) => {
    const tenantId = tenantOf(c)
    const doc = await findDocument(db, tenantId, refParam(c))
    const [sections] = await db
      .select({ n: count() })
      .from(libraryPassages)
      .where(and(eq(libraryPassages.tenantId, tenantId), eq(libraryPassages.documentId, doc.id)))
    return c.json({ article: { ...summaryView(doc, Number(sections?.n ?? 0)), markdown: toMarkdown(doc) } })
  })

  // Creates a new article; a slug that exists already is a conflict (replace it with PUT).
  app.post('/articles', limitBody(256 * 1024), async (c) => {
    const tenantId = tenantOf(c)
    const article = await readArticle(c)
    const documentId = await db.transaction(async (tx) => {
      if (await slugTaken(tx, tenantId, article.slug)) {
        throw new AtlasError('conflict', `An article with slug ${article.slug} exists; replace it with PUT`)
      }
      return upsertArticle(tx, tenantId, article)
    })
    return c.json({ article: savedView(documentId, article) }, 201)
  })

  // Replaces an article; its slug may change (unless another article has the new one).
  app.put('/articles/:ref', limitBody(256 * 1024), async (c) => {
    const tenantId = tenantOf(c)
    const ref = refParam(c)
    const article = await readArticle(c)
    const documentId = await db.transaction(async (tx) => {
      const doc = await findDocument(tx, tenantId, ref)
      if (article.slug !== doc.slug) {
        if (await slugTaken(tx, tenantId, article.slug)) {
          throw new AtlasError('conflict', `Another article already has the slug ${article.slug}`)
        }
        await tx
          .update(libraryDocuments)
          .set({ slug: article.slug })
          .where(ownRow(libraryDocuments, tenantId, doc.id))
      }
      return upsertArticle(tx, tenantId, article)
    })
    return c.json({ article: savedView(documentId, article) })
  })

  app.delete('/articles/:ref', async (c) => {
    const tenantId = tenantOf(c)
    const doc = await findDocument(db, tenantId, refParam(c))
    await db.delete(libraryDocuments).where(ownRow(libraryDocuments, tenantId, doc.id))
    runtime.logger.info({ tenantId, slug: doc.slug, by: c.get('auth').operator }, 'library article deleted')
    return c.json({ deleted: { id: doc.id, slug: doc.slug, title: doc.title } })
  })

  // Creates or replaces each article by slug, in one transaction: a single bad article fails the
  // whole import, and every bad one is listed by its index.
  app.post('/import', limitBody(16 * 1024 * 1024), async (c) => {
    const tenantId = tenantOf(c)
    const items = await readImport(c)
    const parsed = items.map((markdown, i) => parseOne(markdown, String(i)))
    const issues = parsed.flatMap((p) => p.issues)
    const firstIndex = new Map<string, number>()
    parsed.forEach((p, i) => {
      if (!p.article) return
      const first = firstIndex.get(p.article.slug)
      if (first === undefined) firstIndex.set(p.article.slug, i)
      else issues.push({ path: String(i), message: `repeats the slug ${p.article.slug} of article ${first}` })
    })
    if (issues.length > 0) invalid('import', issues)
    const articles = parsed.map((p) => p.article!)
    const results = await db.transaction(async (tx) => {
      const existing = new Set(
        (
          await tx
            .select({ slug: libraryDocuments.slug })
            .from(libraryDocuments)
            .where(eq(libraryDocuments.tenantId, tenantId))
        ).map((r) => r.slug),
      )
      const out: Array<ReturnType<typeof savedView> & { created: boolean }> = []
      for (const article of articles) {
        const id = await upsertArticle(tx, tenantId, article)
        out.push({ ...savedView(id, article), created: !existing.has(article.slug) })
      }
      return out
    })
    const created = results.filter((r) => r.created).length
    runtime.logger.info(
      { tenantId, created, replaced: results.length - created, by: c.get('auth').operator },
      'library imported',
    )
    return c.json(
      { imported: results.length, created, replaced: results.length - created, articles: results },
      201,
    )
  })

  return app
}
