// Atlas, the support agent, as a LangGraph graph:
//   classify (category, intent, urgency, action) → retrieve (library_search) → draft → gate
// It returns a decision; it never sends anything itself. The ticket machine turns the decision into
// a sent reply (`auto`), a draft awaiting approval (`review`) or a hand-over to people (`escalate`).
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { withSpan } from '../../common/tracing.ts'
import type { Executor } from '../../drizzle/database.ts'
import type { Citation } from '../../drizzle/schema/conversations.ts'
import { answerConfidence, answerFeatures } from '../answer-confidence.ts'
import { decide, type GateAction, type GateConfig } from '../gate.ts'
import { handoffNotice } from '../handoff.ts'
import type { PassageMatcher } from '../local/passage-matcher.ts'
import type { AgentModel, ComposedReply, Triage } from '../model.ts'
import { type RankedPassage, retrieve } from '../retrieval.ts'

export const ATLAS = 'atlas'

export interface AgentInput {
  tenantId: string
  /** The customer's words this turn: every message since the last reply, oldest first. */
  message: string
  contactName: string | null
}

export interface AgentDecision {
  agent: string
  action: GateAction
  confidence: number
  reason: string
  category: string | null
  intent: string | null
  urgency: string | null
  /** The answer for `auto`/`review`; for `escalate`, the notice telling the customer a person will reply. */
  reply: { body: string; citations: Citation[] } | null
  /** Every score behind the decision, stored so the gate can be calibrated from real traffic. */
  scores: Record<string, unknown>
  model: string
  toolCalls: string[]
}

export interface AtlasDependencies {
  model: AgentModel
  gate: GateConfig
  db: Executor
  /** Sent for messages that have nothing to do with the product (greetings, chit-chat). */
  scopeMessage: string
  /** The tenant's semantic passage matcher, fused with full-text search when present. */
  matcher?: ((tenantId: string) => Promise<PassageMatcher | null>) | undefined
}

const AtlasState = Annotation.Root({
  input: Annotation<AgentInput>(),
  triage: Annotation<Triage | null>({ reducer: (_, next) => next, default: () => null }),
  passages: Annotation<RankedPassage[]>({ reducer: (_, next) => next, default: () => [] }),
  novelty: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }),
  reply: Annotation<ComposedReply | null>({ reducer: (_, next) => next, default: () => null }),
  decision: Annotation<AgentDecision | null>({ reducer: (_, next) => next, default: () => null }),
  toolCalls: Annotation<string[]>({ reducer: (all, next) => all.concat(next), default: () => [] }),
})
type State = typeof AtlasState.State

export function createAtlas(deps: AtlasDependencies) {
  const graph = new StateGraph(AtlasState)
    .addNode('classify', async (state: State) => ({
      triage: await withSpan('atlas.triage', { 'gen_ai.request.model': deps.model.name }, () =>
        deps.model.triage(state.input.message),
      ),
    }))
    .addNode('retrieve', async (state: State) => {
      const result = await retrieve(
        { db: deps.db, matcher: deps.matcher },
        state.input.tenantId,
        state.input.message,
      )
      return { passages: result.passages, novelty: result.novelty, toolCalls: result.toolCalls }
    })
    .addNode('draft', async (state: State) => ({
      reply: await deps.model.compose({
        message: state.input.message,
        passages: state.passages,
        contactName: state.input.contactName,
      }),
    }))
    .addNode('gate', (state: State) => ({ decision: decideTurn(deps, state) }))
    .addEdge(START, 'classify')
    // A greeting or an off-topic message needs no Library search.
    .addConditionalEdges(
      'classify',
      (state: State) => (isOffTopic(deps, state.triage!) ? 'gate' : 'retrieve'),
      ['gate', 'retrieve'],
    )
    .addEdge('retrieve', 'draft')
    .addEdge('draft', 'gate')
    .addEdge('gate', END)
    .compile({ name: ATLAS })

  return {
    name: ATLAS,
    async run(input: AgentInput): Promise<AgentDecision> {
      const final = await graph.invoke({ input })
      return final.decision!
    },
  }
}

export type Atlas = ReturnType<typeof createAtlas>

function isOffTopic(deps: AtlasDependencies, triage: Triage): boolean {
  return triage.action.label === 'off_topic' && triage.action.confidence >= deps.gate.auto
}

function decideTurn(deps: AtlasDependencies, state: State): AgentDecision {
  const triage = state.triage!
  const base = {
    agent: ATLAS,
    category: triage.category.label,
    intent: triage.intent.label,
    urgency: triage.urgency.label,
    model: deps.model.name,
    toolCalls: state.toolCalls,
  }
  const scores: Record<string, unknown> = {
    category: headScores(triage.category),
    intent: headScores(triage.intent),
    urgency: headScores(triage.urgency),
    action: headScores(triage.action),
  }
  if (isOffTopic(deps, triage)) {
    return {
      ...base,
      action: 'auto',
      confidence: triage.action.confidence,
      reason: 'off_topic',
      reply: { body: deps.scopeMessage, citations: [] },
      scores,
    }
  }
  const features = answerFeatures({ passages: state.passages, novelty: state.novelty })
  const confidence = answerConfidence(features)
  scores.retrieval = {
    features: features.map(round),
    answerConfidence: round(confidence),
    top: state.passages.slice(0, 3).map((p) => ({
      slug: p.slug,
      heading: p.heading,
      score: round(p.score),
      lexical: round(p.lexical),
      semantic: round(p.semantic),
    })),
  }
  const gate = decide(deps.gate, {
    triage,
    passages: state.passages,
    answerConfidence: confidence,
    hasReply: state.reply !== null,
  })
  const reply =
    gate.action === 'escalate'
      ? { body: handoffNotice(gate.reason), citations: [] }
      : { body: state.reply!.body, citations: state.reply!.citations }
  return { ...base, ...gate, reply, scores }
}

function headScores(head: Triage['category']) {
  return {
    label: head.label,
    confidence: round(head.confidence),
    margin: round(head.margin),
    outOfScope: head.outOfScope,
    top: head.ranking.slice(0, 3).map((r) => ({ label: r.label, p: round(r.probability) })),
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
