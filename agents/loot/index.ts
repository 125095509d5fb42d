// Loot, the sales agent. It answers pricing and plan questions from the Library (through the same
// gate as Atlas), qualifies the lead across turns — company size, use case, timeline — offers the
// demo booking link from configuration, and hands a qualified lead to the sales queue with a ticket
// that summarises what the prospect said.
import { answerConfidence, answerFeatures } from '../answer-confidence.ts'
import { type AgentOutcome, type AgentServices, type AgentTurn, defineAgent } from '../define.ts'
import { decide, personNeeded } from '../gate.ts'
import { handoff, summarize } from '../handoff.ts'
import { describeLead, type Lead, type LeadSlot, missingSlot, plainLead, updateLead } from './lead.ts'

export const LOOT = 'loot'

interface LootMemory {
  lead?: Lead
  /** Questions the Library could not answer, for the sales team. */
  open?: string[]
  /** The detail Loot asked for last turn. */
  asked?: LeadSlot
  linkShared?: boolean
}

const QUESTIONS: Record<LeadSlot, string> = {
  companySize: 'How many people on your team would use Quillstack?',
  useCase: 'What would your team mainly use Quillstack for?',
  timeline: 'When are you hoping to get started?',
}

export const loot = defineAgent({
  name: LOOT,
  description: 'Sales: pricing and plans, demos, upgrades and quotes; qualifies leads for the sales team.',
  handles: { intent: ['sales'] },
  run: (turn, services) => runLoot(turn, services),
})

async function runLoot(turn: AgentTurn, services: AgentServices): Promise<AgentOutcome> {
  const memory = turn.memory as LootMemory
  const action = turn.triage.action
  // Something only a person can do (a refund, a dispute, a price exception …) is not a sales
  // conversation. Loot's questions do not go through the gate, so it hands over as soon as such
  // actions are likelier than not together, not only when one of them alone is.
  const person = personNeeded(services.gate, turn.triage, ['sales_contact'])
  if (person.label && person.probability >= services.gate.humanActionThreshold) {
    const label =
      action.label !== 'sales_contact' && services.gate.humanActions.includes(action.label)
        ? action.label
        : person.label
    const reason = `needs_human:${label}`
    const out = handoff(turn, reason, summarize(turn, reason), turn.contact.email)
    return {
      action: 'escalate',
      confidence: person.probability,
      reason,
      reply: { body: out.reply, citations: [] },
      toolCalls: out.toolCalls,
      memory: {},
    }
  }

  const lead = updateLead(memory.lead ?? {}, turn.message, memory.asked)
  let answer: AgentOutcome['reply'] = null
  let answerScore: number | null = null
  let openQuestion: string | null = null
  const toolsUsed: string[] = []
  if (asksSomething(turn.message) && action.label === 'answer') {
    const retrieval = await services.retrieve(turn.message)
    toolsUsed.push(...retrieval.toolCalls)
    const composed = await services.model.compose({
      message: turn.message,
      passages: retrieval.passages,
      contactName: turn.contact.name,
      history: turn.history,
      instructions:
        'You are Loot, the sales assistant. Answer pricing and plan questions from the help center.',
    })
    const gate = decide(services.gate, {
      triage: turn.triage,
      passages: retrieval.passages,
      answerConfidence: answerConfidence(answerFeatures(retrieval)),
      hasReply: composed !== null,
    })
    answerScore = gate.confidence
    if (gate.action === 'auto') answer = { body: composed!.body, citations: composed!.citations }
    else if (gate.action === 'review') {
      // A person checks the answer before it goes out; the qualifying question goes with it.
      const next = missingSlot(lead)
      const body = next ? `${composed!.body}\n\n${QUESTIONS[next]}` : composed!.body
      return {
        ...gate,
        reply: { body, citations: composed!.citations },
        memory: { lead, ...(next ? { asked: next } : {}) } satisfies LootMemory,
        toolsUsed,
      }
    } else {
      // The Library does not answer it: the sales team will, once they have the lead. Keep qualifying.
      openQuestion = turn.message
    }
  }

  const link = services.settings.demoBookingUrl
  const next = missingSlot(lead)
  if (!next) {
    // Qualified: the demo link, and the lead in the sales queue with everything the prospect said.
    const details = describeLead(lead)
    const open = [...(memory.open ?? []), ...(openQuestion ? [openQuestion] : [])]
    const questions = open.length > 0 ? `\nOpen questions: ${open.map((q) => `"${q}"`).join('; ')}` : ''
    const summary = `Qualified lead: ${details}.${questions}\n${summarize(turn, 'qualified_lead')}`
    const out = handoff(turn, 'needs_human:sales_contact', summary, turn.contact.email)
    const ticketCall = out.toolCalls[0]!
    // The team gets the lead as written; the customer's own words come back only as plain phrases.
    const thanks = `Thanks, that's everything I need (${describeLead(plainLead(lead))}). You can book a demo with our team at ${link}. ${out.announcement}`
    return {
      action: 'escalate',
      confidence: 1,
      reason: 'qualified_lead',
      reply: { body: answer ? `${answer.body}\n\n${thanks}` : thanks, citations: answer?.citations ?? [] },
      toolCalls: [
        {
          ...ticketCall,
          input: { ...ticketCall.input, subject: `Qualified lead: ${details}`.slice(0, 200) },
        },
      ],
      memory: { lead, linkShared: true } satisfies LootMemory,
      toolsUsed,
    }
  }
  const offerLink = action.label === 'sales_contact' && !memory.linkShared
  const parts = [
    answer?.body,
    openQuestion ? "Good question — I'll make sure our sales team answers it." : null,
    offerLink
      ? `You can book a demo with our team any time at ${link}. To point you to the right plan:`
      : null,
    QUESTIONS[next],
  ].filter(Boolean)
  return {
    // A question, and answers the gate let through: nothing here needs a person's approval.
    action: 'auto',
    confidence: answer ? (answerScore ?? 1) : 1,
    reason: answer ? 'answered_and_qualifying' : openQuestion ? 'question_for_sales' : 'qualifying',
    reply: { body: parts.join('\n\n'), citations: answer?.citations ?? [] },
    memory: {
      lead,
      asked: next,
      linkShared: memory.linkShared || offerLink,
      open: [...(memory.open ?? []), ...(openQuestion ? [openQuestion] : [])],
    } satisfies LootMemory,
    toolsUsed,
  }
}

/** A question of its own (not only an answer to ours). */
function asksSomething(text: string): boolean {
  return /\?|\b(how|what|which|when|where|why|can|could|do|does|is|are|will|would)\b/i.test(text)
}
