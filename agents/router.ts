// The router, as a LangGraph graph:  classify → route → <agent> | clarify
// It classifies the turn once (category, intent, urgency, action) and hands it to the agent whose
// `handles` fit best — the most specific one that fits — or, when support and sales are too close to
// call, asks the customer one clarifying question (once per ticket). An agent that asked the customer
// something keeps the conversation until it lets go. A change of agent is a hand-off: the decision
// records the new agent, and the ticket's audit trail shows it.
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { AtlasError } from '../common/errors.ts'
import { withSpan } from '../common/tracing.ts'
import type { Citation } from '../drizzle/schema/conversations.ts'
import type { ProposedToolCall } from '../machines/ticket.machine.ts'
import type { AgentDefinition, AgentOutcome, AgentServices, AgentTurn } from './define.ts'
import { routeScore } from './define.ts'
import { DEFAULT_GATE, type GateAction, type GateConfig, personNeeded } from './gate.ts'
import type { HeadPrediction, Triage } from './model.ts'

export const ROUTER = 'router'

/** What the agent-turn job knows about a turn before anything is classified (memory: the whole ticket's). */
export type TurnInput = Omit<AgentTurn, 'triage'>

export interface AgentDecision {
  agent: string
  action: GateAction
  confidence: number
  reason: string
  category: string | null
  intent: string | null
  urgency: string | null
  reply: { body: string; citations: Citation[] } | null
  toolCalls: ProposedToolCall[]
  memory: Record<string, unknown>
  /** Every score behind the decision, stored so the gate can be calibrated from real traffic. */
  scores: Record<string, unknown>
  model: string
  toolsUsed: string[]
}

export interface RouterOptions {
  agents: readonly AgentDefinition[]
  /** The agent for everything no other agent fits (and for chit-chat). */
  fallback: string
  /** Support and sales closer than this (difference of probabilities) ask one clarifying question. */
  clarifyMargin: number
  clarifyQuestion: string
  /** The actions only a person may take (default: the default gate's), which no clarifying question delays. */
  gate?: Pick<GateConfig, 'humanActions' | 'humanActionThreshold'> | undefined
}

export const DEFAULT_CLARIFY_QUESTION =
  'Happy to help! Is this about buying or changing a plan, or do you need help with your account or the product?'

interface RouterMemory {
  clarified?: boolean
}

const State = Annotation.Root({
  input: Annotation<TurnInput>(),
  /** Services per agent: each agent may run on its own model (the router classifies with `router`'s). */
  services: Annotation<(agent: string) => AgentServices>(),
  triage: Annotation<Triage | null>({ reducer: (_, next) => next, default: () => null }),
  routed: Annotation<{ agent: string; why: string } | null>({
    reducer: (_, next) => next,
    default: () => null,
  }),
  outcome: Annotation<AgentOutcome | null>({ reducer: (_, next) => next, default: () => null }),
})
type S = typeof State.State

export function createRouter(options: RouterOptions) {
  const agents = new Map(options.agents.map((a) => [a.name, a]))
  if (!agents.has(options.fallback)) {
    throw new AtlasError('config_invalid', `The fallback agent ${options.fallback} is not among the agents`)
  }
  if (agents.has(ROUTER) || agents.has('clarify'))
    throw new AtlasError('config_invalid', 'Agent names router and clarify are reserved')

  const graph = new StateGraph(State)
    .addNode('classify', async (s: S) => ({
      triage: await withSpan(
        'router.classify',
        { 'gen_ai.request.model': s.services(ROUTER).model.name },
        () => s.services(ROUTER).model.triage(s.input.message),
      ),
    }))
    .addNode('route', (s: S) => ({ routed: chooseRoute(options, s.input.memory, s.triage!) }))
    .addNode('clarify', (s: S) => ({
      outcome: {
        action: 'auto' as const,
        confidence: 1 - s.triage!.intent.margin,
        reason: 'clarify_intent',
        reply: { body: options.clarifyQuestion, citations: [] },
      },
    }))
    // The chosen agent takes the turn (one node: agents are plug-ins, registered at run time).
    .addNode('agent', async (s: S) => {
      const agent = agents.get(s.routed!.agent)!
      return {
        outcome: await withSpan(`agent.${agent.name}`, {}, () =>
          agent.run(turnFor(s.input, s.triage!, agent.name), s.services(agent.name)),
        ),
      }
    })
    .addEdge(START, 'classify')
    .addEdge('classify', 'route')
    .addConditionalEdges('route', (s: S) => (s.routed!.agent === 'clarify' ? 'clarify' : 'agent'), [
      'clarify',
      'agent',
    ])
    .addEdge('clarify', END)
    .addEdge('agent', END)
    .compile({ name: ROUTER })

  return {
    async run(input: TurnInput, services: (agent: string) => AgentServices): Promise<AgentDecision> {
      const final = await graph.invoke({ input, services })
      const decidedBy = final.routed!.agent === 'clarify' ? ROUTER : final.routed!.agent
      return toDecision(input, final.triage!, final.routed!, final.outcome!, services(decidedBy))
    },
  }
}

export type Router = ReturnType<typeof createRouter>

/** Exported for tests: which agent takes the turn, and why. */
export function chooseRoute(
  options: Pick<RouterOptions, 'agents' | 'fallback' | 'clarifyMargin' | 'gate'>,
  memory: Record<string, unknown>,
  triage: Triage,
): { agent: string; why: string } {
  // An agent waiting for the customer's answer keeps the conversation, unless the message is
  // clearly for someone else ("actually, I can't log in" in the middle of a sales chat).
  const active = options.agents.find((a) => a.name === memory.active)
  if (active) {
    const own = memory[active.name] as Record<string, unknown> | undefined
    const fit = routeScore(active.handles, triage).score
    if (own && Object.keys(own).length > 0 && fit >= 0.2)
      return { agent: active.name, why: 'continues its conversation' }
  }
  const chat = triage.action.label === 'off_topic'
  if (chat) return { agent: options.fallback, why: 'chit-chat' }
  const router = (memory[ROUTER] ?? {}) as RouterMemory
  const support = probability(triage.intent, 'support')
  const sales = probability(triage.intent, 'sales')
  if (!router.clarified && Math.abs(support - sales) < options.clarifyMargin) {
    const why = `support ${support.toFixed(2)} vs sales ${sales.toFixed(2)}`
    // Which team is worth asking only about a message the classifier can read, and not when a person
    // must act on it whichever team it is (a refund, an account change …): an agent hands that over.
    if (triage.intent.outOfScope) return { agent: options.fallback, why: `${why}, out of scope` }
    const gate = options.gate ?? DEFAULT_GATE
    const person = personNeeded(gate, triage, ['sales_contact'])
    if (person.probability < gate.humanActionThreshold) return { agent: 'clarify', why }
  }
  const ranked = options.agents
    .map((agent) => ({ agent, ...routeScore(agent.handles, triage) }))
    .filter((r) => r.score >= 0.5)
    .sort((a, b) => b.specificity - a.specificity || b.score - a.score)
  const best = ranked[0]
  return best
    ? { agent: best.agent.name, why: `fits ${JSON.stringify(best.agent.handles)} (${best.score.toFixed(2)})` }
    : { agent: options.fallback, why: 'no agent fits' }
}

function probability(head: HeadPrediction, label: string): number {
  return head.ranking.find((r) => r.label === label)?.probability ?? 0
}

function turnFor(input: TurnInput, triage: Triage, agent: string): AgentTurn {
  const memory = (input.memory[agent] ?? {}) as Record<string, unknown>
  return { ...input, triage, memory }
}

function toDecision(
  input: TurnInput,
  triage: Triage,
  route: { agent: string; why: string },
  outcome: AgentOutcome,
  services: AgentServices,
): AgentDecision {
  const agent = route.agent === 'clarify' ? ROUTER : route.agent
  const community = input.channel === 'mentions'
  // A public post is answered in public: a person approves every reply, and a hand-over is not announced there.
  const action = community && outcome.action === 'auto' ? 'review' : outcome.action
  const reply = community && action === 'escalate' ? null : outcome.reply
  const memory: Record<string, unknown> = { ...input.memory }
  if (route.agent === 'clarify') {
    memory[ROUTER] = { ...((memory[ROUTER] as RouterMemory) ?? {}), clarified: true } satisfies RouterMemory
  } else {
    memory[agent] = outcome.memory ?? {}
    memory.active = agent
  }
  return {
    agent,
    action,
    confidence: outcome.confidence,
    reason: community && action !== outcome.action ? `community:${outcome.reason}` : outcome.reason,
    category: outcome.labels?.category ?? triage.category.label,
    intent: outcome.labels?.intent ?? triage.intent.label,
    urgency: outcome.labels?.urgency ?? triage.urgency.label,
    reply,
    // Proposals ride only on decisions that act; a draft for review proposes nothing.
    toolCalls: action === 'review' ? [] : (outcome.toolCalls ?? []),
    memory,
    scores: {
      route: route.why,
      category: headScores(triage.category),
      intent: headScores(triage.intent),
      urgency: headScores(triage.urgency),
      action: headScores(triage.action),
      ...(community ? { community: communityType(triage, input.message) } : {}),
      ...(outcome.scores ?? {}),
    },
    model: services.model.name,
    toolsUsed: outcome.toolsUsed ?? [],
  }
}

export type CommunityType = 'question' | 'complaint' | 'praise' | 'sales_lead'

/** What a public mention is, for the Community view. */
export function communityType(triage: Triage, text: string): CommunityType {
  const action = triage.action.label
  if (action === 'complaint' || action === 'billing_dispute') return 'complaint'
  if (triage.intent.label === 'sales' || action === 'sales_contact') return 'sales_lead'
  // Feedback that asks nothing: a compliment to thank, not a question to answer.
  if (triage.category.label === 'general_feedback' && !text.includes('?')) return 'praise'
  return 'question'
}

function headScores(head: HeadPrediction) {
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
