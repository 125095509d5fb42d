// Hybrid Library retrieval: full-text search in the database (library_search) fused with the
// tenant's semantic passage matcher when one exists. Full-text search finds the passages that share
// the customer's words; the matcher recognises paraphrases. Their scores are averaged per passage.
import { withSpan } from '../common/tracing.ts'
import type { Executor } from '../drizzle/database.ts'
import { librarySearch, type Passage } from '../tools/library-search.ts'
import type { PassageMatcher } from './local/passage-matcher.ts'

export interface RankedPassage extends Passage {
  /** The full-text score alone (0 when full-text search did not find it). */
  lexical: number
  /** The matcher's probability that this passage answers the message (0 when not in its top five). */
  semantic: number
}

export interface Retrieval {
  passages: RankedPassage[]
  /** How unlike anything in the Library the message is, per the matcher (0..1; 0 without one). */
  novelty: number
  toolCalls: string[]
}

export interface RetrievalDependencies {
  db: Executor
  /** The tenant's passage matcher; null when the Library is too small to have one. */
  matcher?: ((tenantId: string) => Promise<PassageMatcher | null>) | undefined
}

/** Weight of the matcher in the fused score, chosen on the dev half of the demo retrieval cases. */
export const SEMANTIC_WEIGHT = 0.5
const CANDIDATES = 20

export async function retrieve(
  deps: RetrievalDependencies,
  tenantId: string,
  message: string,
  limit = 5,
): Promise<Retrieval> {
  // library_search's span comes from its tool call; the matcher's is here.
  const lexical = await librarySearch.call({ tenantId, db: deps.db }, { query: message, limit: CANDIDATES })
  const matcher = deps.matcher ? await deps.matcher(tenantId) : null
  const semantic = matcher
    ? await withSpan(
        'execute_tool library_match',
        { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'library_match' },
        async () => matcher.match(message),
      )
    : { matches: [], oosScore: 0 }
  if (!matcher) {
    return {
      passages: lexical.passages.slice(0, limit).map((p) => ({ ...p, lexical: p.score, semantic: 0 })),
      novelty: 0,
      toolCalls: ['library_search'],
    }
  }
  const byId = new Map<string, RankedPassage>()
  for (const p of lexical.passages) byId.set(p.passageId, { ...p, lexical: p.score, semantic: 0 })
  for (const { passage, probability } of semantic.matches) {
    const found = byId.get(passage.passageId)
    if (found) found.semantic = probability
    else
      byId.set(passage.passageId, {
        ...passage,
        rank: 0,
        coverage: 0,
        score: 0,
        lexical: 0,
        semantic: probability,
      })
  }
  const passages = [...byId.values()].map((p) => ({
    ...p,
    score: (1 - SEMANTIC_WEIGHT) * p.lexical + SEMANTIC_WEIGHT * p.semantic,
  }))
  passages.sort((a, b) => b.score - a.score)
  return {
    passages: passages.slice(0, limit),
    novelty: semantic.oosScore,
    toolCalls: ['library_search', 'library_match'],
  }
}
