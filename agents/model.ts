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

export interface TurnMessage {
  author: 'customer' | 'bot' | 'human'
  body: string
}

/** A read-only tool a model may call while composing (e.g. another Library search). */
export interface ModelTool {
  name: string
  description: string
  /** JSON schema of the arguments, as the model sees it. */
  parameters: Record<string, unknown>
  /** Validates the arguments (throws on malformed ones) and runs the tool; returns JSON-able output. */
  call(args: unknown): Promise<unknown>
}

export interface ComposeInput {
  message: string
  passages: Passage[]
  contactName: string | null
  /** The conversation so far, oldest first (without `message`). */
  history?: TurnMessage[]
  /** What this agent is for, e.g. "You answer pricing and plan questions for the sales team." */
  instructions?: string
  tools?: ModelTool[]
}

export interface ComposedReply {
  body: string
  /** Only passages from `passages` (or found by a tool call) may be cited. */
  citations: Citation[]
  /** How well the reply is supported by the passages it cites, 0..1. */
  grounding: number
  /** Names of the tools the model called while composing. */
  toolCalls?: string[]
}

export interface ModelUsage {
  promptTokens: number
  completionTokens: number
}

export interface AgentModel {
  /** Recorded with every decision, e.g. `local` or `openai:gpt-4o-mini`. */
  readonly name: string
  triage(message: string): Promise<Triage>
  compose(input: ComposeInput): Promise<ComposedReply | null>
  /** Tokens used since the model was created (zero for `local`), for cost reporting. */
  usage?(): ModelUsage
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
