// library_search: find the Library passages that answer a customer's message, with PostgreSQL
// full-text search. Candidates come from an OR query over the message's words (a customer never
// uses all the words of an article), ranked by ts_rank_cd, then re-scored by how much of the
// message's meaning (IDF-weighted lexemes) each passage covers, which is what the gate needs.
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { type Executor, rowsOf } from '../drizzle/database.ts'
import { defineTool } from './define-tool.ts'

export const PassageSchema = z.object({
  passageId: z.string(),
  documentId: z.string(),
  slug: z.string(),
  title: z.string(),
  heading: z.string().nullable(),
  url: z.string().nullable(),
  body: z.string(),
  /** ts_rank_cd normalised to 0..1 (rank / (rank + 1)). */
  rank: z.number(),
  /** IDF-weighted share of the message's lexemes found in the passage, 0..1. */
  coverage: z.number(),
  /** The combined relevance used for ordering, 0..1. */
  score: z.number(),
})
export type Passage = z.infer<typeof PassageSchema>

export const LibrarySearchInput = z.object({
  query: z.string().trim().min(1).max(4000),
  limit: z.number().int().min(1).max(20).default(5),
})

export const LibrarySearchOutput = z.object({
  passages: z.array(PassageSchema),
  /** The message's lexemes after stemming and stop-word removal. */
  terms: z.array(z.string()),
})
export type LibrarySearchResult = z.infer<typeof LibrarySearchOutput>

/** Candidates fetched before re-scoring; small Libraries have a few hundred passages. */
const CANDIDATES = 30
const MAX_QUERY_WORDS = 48

export const librarySearch = defineTool({
  name: 'library_search',
  description:
    "Search the tenant's Library (help-center articles) for passages that answer the customer's message. " +
    'Returns the best passages with their document title, URL and relevance scores.',
  input: LibrarySearchInput,
  output: LibrarySearchOutput,
  run: (context, input) => searchLibrary(context.db, context.tenantId, input.query, input.limit),
})

export async function searchLibrary(
  db: Executor,
  tenantId: string,
  query: string,
  limit = 5,
): Promise<LibrarySearchResult> {
  const words = queryWords(query)
  if (words.length === 0) return { passages: [], terms: [] }
  const orQuery = words.join(' | ')

  // Lexemes of the message with their document frequency in this tenant's Library.
  const termRows = rowsOf<{ lexeme: string; df: number; total: number }>(
    await db.execute(sql`
      with terms as (
        select distinct lexeme from unnest(tsvector_to_array(to_tsvector('english', ${query}))) as lexeme
      ),
      corpus as (select count(*)::int as total from library_passages where tenant_id = ${tenantId})
      select t.lexeme,
        (select count(*)::int from library_passages p
          where p.tenant_id = ${tenantId} and p.search_vector @@ quote_literal(t.lexeme)::tsquery) as df,
        corpus.total
      from terms t cross join corpus`),
  )
  const total = Math.max(1, termRows[0]?.total ?? 1)
  const idf = new Map(termRows.map((t) => [t.lexeme, bm25Idf(total, Number(t.df))]))
  const idfSum = [...idf.values()].reduce((a, b) => a + b, 0)

  const candidates = rowsOf<{
    id: string
    document_id: string
    heading: string | null
    body: string
    slug: string
    title: string
    url: string | null
    rank: number
    lexemes: string[]
  }>(
    await db.execute(sql`
      with q as (select to_tsquery('english', ${orQuery}) as query)
      select p.id, p.document_id, p.heading, p.body, d.slug, d.title, d.url,
        ts_rank_cd(p.search_vector, q.query, 32) as rank,
        tsvector_to_array(p.search_vector) as lexemes
      from library_passages p
      join library_documents d on d.id = p.document_id
      cross join q
      where p.tenant_id = ${tenantId} and p.search_vector @@ q.query
      order by rank desc
      limit ${CANDIDATES}`),
  )

  const passages = candidates.map((c) => {
    const present = new Set(c.lexemes)
    let covered = 0
    for (const [lexeme, weight] of idf) if (present.has(lexeme)) covered += weight
    const coverage = idfSum > 0 ? covered / idfSum : 0
    const rank = Number(c.rank)
    const normalisedRank = rank / (rank + 1)
    return {
      passageId: c.id,
      documentId: c.document_id,
      slug: c.slug,
      title: c.title,
      heading: c.heading,
      url: c.url,
      body: c.body,
      rank: normalisedRank,
      coverage,
      score: 0.5 * coverage + 0.5 * Math.min(1, normalisedRank * 2),
    }
  })
  passages.sort((a, b) => b.score - a.score)
  return { passages: passages.slice(0, limit), terms: [...idf.keys()] }
}

/** Words safe to place in a tsquery: letters and digits only, de-duplicated, bounded. */
export function queryWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return [...new Set(words.filter((w) => w.length > 1 || /\d/.test(w)))].slice(0, MAX_QUERY_WORDS)
}

function bm25Idf(total: number, df: number): number {
  return Math.log(1 + (total - df + 0.5) / (df + 0.5))
}
