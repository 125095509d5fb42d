// Atlas, the support agent, as a LangGraph graph:  retrieve → draft → gate → (answer | hand over)
// The router has already classified the message. Atlas answers from the Library when the gate
// allows; when it cannot help (an action only a person may take, or no good answer), it hands the
// conversation to the team with a ticket and a summary — on the widget it first asks for the
// visitor's email when it does not know it, so the team can reach them.
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { HANDOVER_QUESTION_PREFIX } from '../../machines/ticket-clocks.ts'
import { answerConfidence, answerFeatures } from '../answer-confidence.ts'
import { type AgentOutcome, type AgentServices, type AgentTurn, defineAgent } from '../define.ts'
import { decide, type GateDecision } from '../gate.ts'
import { extractEmail, handoff, neededAction, summarize } from '../handoff.ts'
import type { ComposedReply } from '../model.ts'
import type { Retrieval } from '../retrieval.ts'

export const ATLAS = 'atlas'

interface AtlasMemory {
  /** Atlas asked for an email before handing over; the next message should carry it. */
  awaitingEmail?: {
    reason: string
    summary: string
    /** What the customer asked for, and how it was classified: the reply with the email says neither. */
    request: string
    labels: { category: string; intent: string; urgency: string }
  }
}

const State = Annotation.Root({
  turn: Annotation<AgentTurn>(),
  services: Annotation<AgentServices>(),
  retrieval: Annotation<Retrieval | null>({ reducer: (_, next) => next, default: () => null }),
  reply: Annotation<ComposedReply | null>({ reducer: (_, next) => next, default: () => null }),
  outcome: Annotation<AgentOutcome | null>({ reducer: (_, next) => next, default: () => null }),
})
type S = typeof State.State

const graph = new StateGraph(State)
  .addNode('resume', (s: S) => ({ outcome: resumeHandoff(s.turn) }))
  .addNode('scope', (s: S) => ({ outcome: scopeReply(s) }))
  .addNode('retrieve', async (s: S) => ({ retrieval: await s.services.retrieve(s.turn.message) }))
  .addNode('draft', async (s: S) => ({
    reply: await s.services.model.compose({
      message: s.turn.message,
      passages: s.retrieval!.passages,
      contactName: s.turn.contact.name,
      history: s.turn.history,
      instructions:
        'You are Atlas, the support assistant. Answer product, account and billing questions from the help center.',
    }),
  }))
  .addNode('gate', (s: S) => ({ outcome: gateTurn(s) }))
  // A visitor who was asked for their email: finish the hand-over whatever they answered.
  // Chit-chat ("hi", "what's the weather") gets a friendly word on what Atlas can do, no search.
  .addConditionalEdges(
    START,
    (s: S) => (memoryOf(s.turn).awaitingEmail ? 'resume' : chitChat(s) ? 'scope' : 'retrieve'),
    ['resume', 'scope', 'retrieve'],
  )
  .addEdge('resume', END)
  .addEdge('scope', END)
  // A request only a person can act on needs no drafted answer: spare the model call.
  .addConditionalEdges('retrieve', (s: S) => (needsPerson(s) ? 'gate' : 'draft'), ['gate', 'draft'])
  .addEdge('draft', 'gate')
  .addEdge('gate', END)
  .compile({ name: ATLAS })

export const atlas = defineAgent({
  name: ATLAS,
  description: 'Support: how-to, problems, bugs, account and billing questions, answered from the Library.',
  handles: { intent: ['support'] },
  async run(turn, services) {
    const final = await graph.invoke({ turn, services })
    return final.outcome!
  },
})

function chitChat({ turn }: S): boolean {
  const action = turn.triage.action
  return (
    thanked(turn) ||
    (action.label === 'off_topic' && action.confidence >= 0.5 && readsAsEnglish(turn.message))
  )
}

/**
 * The triage is trained on English, and reads what it cannot understand as chit-chat ("asdfgh" is
 * off-topic). A message of more than a few words with hardly any English function words — another
 * language, l33tspeak, another script — is one it could not read, whatever it labelled it: it goes
 * through the Library and the gate (to a person, most likely), not to the chit-chat reply. A refund
 * asked for in Spanish is not small talk.
 */
export function readsAsEnglish(text: string): boolean {
  const words = text.toLowerCase().match(/[\p{L}\p{N}'’]+/gu) ?? []
  const letters = text.match(/\p{L}/gu)?.length ?? 0
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0
  if (letters > 0 && latin / letters < 0.5) return false
  if (words.length <= 4) return true
  const common = words.filter((w) => ENGLISH_FUNCTION_WORDS.has(w.replace('’', "'"))).length
  return common / words.length >= 0.15
}

const ENGLISH_FUNCTION_WORDS = new Set(
  (
    'a an the and or but if so of to in on at by for with from about into over as than then ' +
    'is are was were be been being am do does did have has had can could will would should may might must ' +
    "i i'm i've i'd me my we we're our us you you're your u ur it it's its they their them he she his her " +
    "this that these those there here what what's whats who how why when where which " +
    'not no yes any some all just like up out please thanks thank hi hey hello'
  ).split(' '),
)

/** A short thank-you after the bot answered (classifiers do not reliably call that chit-chat). */
function thanked(turn: AgentTurn): boolean {
  return THANKS.test(turn.message) && turn.history.some((m) => m.author !== 'customer')
}

const THANKS =
  /^\s*(?:thanks?|thank you|thx|ty|cheers|great|perfect|awesome|got it|ok(?:ay)?)\b[\s\S]{0,40}$/i

/** The scope message (or a "you're welcome") states no fact about the customer's account: safe to send. */
function scopeReply({ turn, services }: S): AgentOutcome {
  const thanked = THANKS.test(turn.message) && turn.history.some((m) => m.author !== 'customer')
  return {
    action: 'auto',
    confidence: turn.triage.action.confidence,
    reason: thanked ? 'thanks' : 'off_topic',
    reply: {
      body: thanked
        ? "You're welcome! Is there anything else I can help with?"
        : services.settings.scopeMessage,
      citations: [],
    },
    memory: {},
  }
}

function needsPerson({ turn, services }: S): boolean {
  const action = turn.triage.action
  return (
    services.gate.humanActions.includes(action.label) &&
    action.confidence >= services.gate.humanActionThreshold
  )
}

function memoryOf(turn: AgentTurn): AtlasMemory {
  return turn.memory as AtlasMemory
}

function gateTurn(s: S): AgentOutcome {
  const { turn, services } = s
  const retrieval = s.retrieval!
  const features = answerFeatures(retrieval)
  const confidence = answerConfidence(features)
  const gate = decide(services.gate, {
    triage: turn.triage,
    passages: retrieval.passages,
    answerConfidence: confidence,
    hasReply: s.reply !== null,
  })
  const scores = {
    retrieval: {
      features: features.map(round),
      answerConfidence: round(confidence),
      top: retrieval.passages.slice(0, 3).map((p) => ({
        slug: p.slug,
        heading: p.heading,
        score: round(p.score),
        lexical: round(p.lexical),
        semantic: round(p.semantic),
      })),
    },
  }
  const toolsUsed = [...retrieval.toolCalls, ...(s.reply?.toolCalls ?? [])]
  if (gate.action !== 'escalate') {
    return {
      ...gate,
      reply: { body: s.reply!.body, citations: s.reply!.citations },
      scores,
      toolsUsed,
      memory: {},
    }
  }
  return { ...cannotHelp(turn, gate, retrieval), scores, toolsUsed }
}

/** Atlas cannot answer: hand the conversation over, asking for an email first on the widget. */
function cannotHelp(turn: AgentTurn, gate: GateDecision, retrieval: Retrieval): AgentOutcome {
  const summary = summarize(turn, gate.reason)
  // A question the Library could not answer is a knowledge gap worth writing up.
  const gap = neededAction(gate.reason)
    ? []
    : [
        {
          tool: 'log_knowledge_gap',
          input: {
            question: turn.message.slice(0, 4000),
            bestPassageId: retrieval.passages[0]?.passageId ?? null,
            bestScore: round(retrieval.passages[0]?.score ?? 0),
          },
        },
      ]
  if (turn.channel === 'widget' && !turn.contact.email) {
    return {
      // Asking for an address states no fact and changes nothing: safe to send.
      action: 'auto',
      confidence: gate.confidence,
      reason: `${HANDOVER_QUESTION_PREFIX}${gate.reason}`,
      reply: {
        body: `${needPhrase(gate.reason)} I'll pass this to our team. What email address can they reach you at? (If you'd rather not share one, just say so and they'll reply here.)`,
        citations: [],
      },
      toolCalls: gap,
      memory: {
        awaitingEmail: {
          reason: gate.reason,
          summary,
          request: turn.message,
          labels: {
            category: turn.triage.category.label,
            intent: turn.triage.intent.label,
            urgency: turn.triage.urgency.label,
          },
        },
      } satisfies AtlasMemory,
    }
  }
  const out = handoff(turn, gate.reason, summary, turn.contact.email)
  return {
    ...gate,
    reply: { body: out.reply, citations: [] },
    toolCalls: [...gap, ...out.toolCalls],
    memory: {},
  }
}

function resumeHandoff(turn: AgentTurn): AgentOutcome {
  const pending = memoryOf(turn).awaitingEmail!
  const email = extractEmail(turn.message)
  const out = handoff(turn, pending.reason, pending.summary, email ?? turn.contact.email, pending.request)
  return {
    action: 'escalate',
    confidence: 1,
    reason: pending.reason,
    reply: { body: out.reply, citations: [] },
    toolCalls: out.toolCalls,
    memory: {},
    labels: pending.labels,
    // The customer answered the hand-over form: the team gets a summary (agent-turn job).
    scores: { form: { field: 'email', given: email !== null } },
  }
}

function needPhrase(reason: string): string {
  switch (neededAction(reason)) {
    case 'refund':
      return "I can't issue refunds myself, but"
    case 'cancellation':
      return "I can't change subscriptions myself, but"
    case 'human_request':
      return 'Of course —'
    case null:
      return "I don't have a good answer to that in our help center, so"
    default:
      return 'This needs a person on our team, so'
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
