// What an agent needs from a model provider. `local` (offline, the default) and `openai` (any
// OpenAI-compatible endpoint) implement the same interface, so graphs, gate and evals do not change.
import type { Citation } from '../drizzle/schema/conversations.ts'
import type { Passage } from '../tools/library-search.ts'

export interface HeadPrediction {
  label: string
  /** Calibrated probability of `label`, 0..1. */
  confidence: number
  /** Best minus second-best probability: a small margin means the call was close. */
  margin: number
  outOfScope: boolean
  ranking: Array<{ label: string; probability: number }>
}

/** What the message is: the four heads every agent decision starts from. */
export interface Triage {
  category: HeadPrediction
  intent: HeadPrediction
  urgency: HeadPrediction
  /** What handling it needs: `answer` from the Library, or an action only a human may take. */
  action: HeadPrediction
}

export interface ComposeInput {
  message: string
  passages: Passage[]
  contactName: string | null
}

export interface ComposedReply {
  body: string
  citations: Citation[]
  /** How well the reply is supported by the passages it cites, 0..1. */
  grounding: number
}

export interface AgentModel {
  /** Recorded with every decision, e.g. `local` or `openai:gpt-4o-mini`. */
  readonly name: string
  triage(message: string): Promise<Triage>
  compose(input: ComposeInput): Promise<ComposedReply | null>
}

export function citationOf(passage: Passage): Citation {
  return {
    documentId: passage.documentId,
    passageId: passage.passageId,
    slug: passage.slug,
    title: passage.title,
    heading: passage.heading,
    url: passage.url,
  }
}
