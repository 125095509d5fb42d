// The offline composer: an extractive answer. It quotes Library passages as written (so it cannot
// state anything the Library does not say) and cites them. When the runner-up is another section of
// the same article and nearly as good, it quotes both: which of two neighbouring sections answers a
// question is where retrieval is least sure, and the customer can tell at a glance.
import type { Passage } from '../../tools/library-search.ts'
import { type ComposedReply, type ComposeInput, citationOf } from '../model.ts'

/** How close (in fused score) a sibling section must be to the best one to be quoted too. */
export const SIBLING_SECTION_GAP = 0.15

/** The passages a reply quotes: the best one, and its sibling section when that is nearly as good. */
export function answerPassages<P extends Passage>(passages: readonly P[]): P[] {
  const [best, second] = passages
  if (!best) return []
  if (second && second.documentId === best.documentId && best.score - second.score <= SIBLING_SECTION_GAP) {
    return [best, second]
  }
  return [best]
}

export function composeFromPassages(input: ComposeInput): ComposedReply | null {
  const quoted = answerPassages(input.passages)
  const [best] = quoted
  if (!best) return null
  const source = best.url ? `${best.title}: ${best.url}` : best.title
  const firstName = input.contactName?.trim().split(/\s+/)[0]
  const greeting = firstName ? `Hi ${firstName},\n\n` : ''
  const sections = quoted.map((p, i) =>
    i === 0 || !p.heading ? p.body.trim() : `${p.heading}:\n${p.body.trim()}`,
  )
  return {
    body: `${greeting}${sections.join('\n\n')}\n\nSource: ${source}`,
    citations: quoted.map(citationOf),
    grounding: best.coverage,
  }
}

export type { Passage }
