// Plays one case as the server would: each customer turn goes into the ticket machine (the pure
// XState machine the host runs), and when the machine starts an agent turn the production agent
// runtime decides it; the decision goes back into the machine. A turn the bot no longer owns (a person
// took the ticket) gets no decision: that turn is the human's. History and memory carry over exactly
// as the agent-turn job builds them: the customer's messages since the last reply, and the replies sent.
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { decidedEvent } from '../../agents/decided-event.ts'
import type { TurnMessage } from '../../agents/model.ts'
import type { Retrieval } from '../../agents/retrieval.ts'
import type { AgentDecision } from '../../agents/router.ts'
import type { AgentRuntime } from '../../agents/services.ts'
import { applyTicketEvent, startTicket, stateOf } from '../../machines/actor-snapshot.ts'
import type { EvalCase } from './case.ts'

export type Route = 'atlas' | 'loot' | 'clarify' | 'human' | string

export interface TurnResult {
  customer: string
  /** What the agent decided, or null when the turn went to a person without an agent turn. */
  decision: AgentDecision | null
  route: Route
  /** The ticket state after the turn. */
  state: string
  /** Read-only tools called and world-changing tools proposed (and accepted by the machine). */
  tools: string[]
  /** Every passage retrieved while deciding (what a citation may point at). */
  retrieved: Array<{ passageId: string; slug: string }>
  latencyMs: number
  /** A failed agent turn (the server would retry, then escalate). */
  error: string | null
}

/** Which retrievals belong to which turn when cases run concurrently. */
const currentTurn = new AsyncLocalStorage<Retrieval[]>()

/** Give the environment's `onRetrieve` this: it files each retrieval under the turn that made it. */
export function recordRetrieval(retrieval: Retrieval): void {
  currentTurn.getStore()?.push(retrieval)
}

export async function playConversation(
  agents: AgentRuntime,
  tenantId: string,
  evalCase: EvalCase,
): Promise<TurnResult[]> {
  const ticketId = randomUUID()
  const conversationId = randomUUID()
  const contact = { id: randomUUID(), ...evalCase.contact }
  let step = startTicket({ ticketId })
  // What the customer and the bot said, in order; what a person answered is not replayed.
  const thread: TurnMessage[] = []
  const results: TurnResult[] = []
  for (const turn of evalCase.turns) {
    thread.push({ author: 'customer', body: turn.customer })
    step = applyTicketEvent(step.snapshot, { type: 'CUSTOMER_MESSAGE', messageId: randomUUID() })
    const pendingTurn = step.snapshot.context.pendingTurn
    const undecided = (latencyMs: number, error: string | null): TurnResult => ({
      customer: turn.customer,
      decision: null,
      route: 'human',
      state: stateOf(step.snapshot),
      tools: [],
      retrieved: [],
      latencyMs,
      error,
    })
    // The machine starts no agent turn on a ticket a person owns: the message is theirs.
    if (pendingTurn === null || !step.effects.some((e) => e.type === 'startTurn')) {
      results.push(undecided(0, null))
      continue
    }
    // As the agent-turn job builds it: this turn is what the customer wrote since the last reply.
    const lastReply = thread.findLastIndex((m) => m.author !== 'customer')
    const retrievals: Retrieval[] = []
    const started = performance.now()
    let decision: AgentDecision | null = null
    let error: string | null = null
    try {
      decision = await currentTurn.run(retrievals, () =>
        agents.run({
          tenantId,
          conversationId,
          ticket: { id: ticketId, number: `TKT-${results.length + 1}` },
          channel: evalCase.channel,
          message: thread
            .slice(lastReply + 1)
            .map((m) => m.body)
            .join('\n'),
          history: thread.slice(0, lastReply + 1),
          contact,
          memory: step.snapshot.context.memory ?? {},
        }),
      )
    } catch (e) {
      error = (e as Error).message
    }
    const latencyMs = performance.now() - started
    if (!decision) {
      step = applyTicketEvent(step.snapshot, { type: 'AGENT_FAILED', turn: pendingTurn, error: error ?? '' })
      results.push(undecided(latencyMs, error))
      continue
    }
    step = applyTicketEvent(step.snapshot, decidedEvent(decision, pendingTurn, latencyMs))
    // A reply goes out unless it is a draft waiting for a person; the customer sees what was sent.
    if (decision.reply && decision.action !== 'review')
      thread.push({ author: 'bot', body: decision.reply.body })
    const ran = step.effects.flatMap((e) =>
      e.type === 'runTool' ? [(e.params as { tool: string }).tool] : [],
    )
    results.push({
      customer: turn.customer,
      decision,
      route: routeOf(decision),
      state: stateOf(step.snapshot),
      tools: [...new Set([...decision.toolsUsed, ...ran])],
      retrieved: retrievals.flatMap((r) => r.passages.map((p) => ({ passageId: p.passageId, slug: p.slug }))),
      latencyMs,
      error: null,
    })
  }
  return results
}

/** Who answered: a person when the bot let go, the router when it asked which team, else the agent. */
export function routeOf(decision: AgentDecision): Route {
  if (decision.action === 'escalate') return 'human'
  return decision.agent === 'router' ? 'clarify' : decision.agent
}
