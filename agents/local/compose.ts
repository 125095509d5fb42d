// The offline composer: an extractive answer. It quotes the best passage as written in the
// Library (so it cannot state anything the Library does not say) and cites it.
import type { Passage } from '../../tools/library-search.ts'
import { type ComposedReply, type ComposeInput, citationOf } from '../model.ts'

export function composeFromPassages(input: ComposeInput): ComposedReply | null {
  const [best] = input.passages
  if (!best) return null
  const source = best.url ? `${best.title}: ${best.url}` : best.title
  const firstName = input.contactName?.trim().split(/\s+/)[0]
  const greeting = firstName ? `Hi ${firstName},\n\n` : ''
  return {
    body: `${greeting}${best.body.trim()}\n\nSource: ${source}`,
    citations: [citationOf(best)],
    grounding: best.coverage,
  }
}

export type { Passage }
