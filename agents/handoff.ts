// Hand-overs to people: which queue a reason goes to, the summary the team reads, and what the bot
// tells the customer. The notice only states what is true once the decision commits — the ticket
// exists in the team's queue — and never claims an action (a refund, a cancellation) no one took.
import type { ProposedToolCall } from '../machines/ticket.machine.ts'
import type { AgentTurn } from './define.ts'

const WHAT: Record<string, { need: string; queue: string }> = {
  refund: { need: "I can't issue refunds myself", queue: 'billing' },
  cancellation: { need: "I can't change subscriptions myself", queue: 'billing' },
  billing_dispute: { need: "I'm sorry about the trouble with your bill", queue: 'billing' },
  exception: { need: "That's a decision for our team", queue: 'billing' },
  account_change: { need: 'Changes like this have to be made by someone on our team', queue: 'support' },
  account_lookup: { need: "I can't look into account details myself", queue: 'support' },
  complaint: { need: "I'm sorry this has been frustrating", queue: 'support' },
  investigation: { need: 'This needs someone to look into your account', queue: 'support' },
  human_request: { need: 'Sure', queue: 'support' },
  sales_contact: { need: 'Our sales team can help with that', queue: 'sales' },
}

/** `needs_human:refund` → `refund`; other reasons (low confidence …) have no specific need. */
export function neededAction(reason: string): string | null {
  return reason.startsWith('needs_human:') ? reason.slice('needs_human:'.length) : null
}

export function queueFor(reason: string): string {
  return WHAT[neededAction(reason) ?? '']?.queue ?? 'support'
}

/** The notice when no ticket number is announced (kept for callers that only escalate). */
export function handoffNotice(reason: string): string {
  const need = WHAT[neededAction(reason) ?? '']?.need
  return need
    ? `${need}, so I've passed your message to our team. A person will reply here.`
    : "I've passed your message to our team, and a person will reply here."
}

export interface Handoff {
  /** What the customer is told: why a person is needed, and the announcement. */
  reply: string
  /** "I've created ticket TKT-… for our … team. They'll reply …" */
  announcement: string
  toolCalls: ProposedToolCall[]
}

/**
 * The customer is told the ticket number and where the answer will come; the team gets a ticket
 * with a subject and a summary. `email` is the address the customer gave (or had on file).
 */
export function handoff(
  turn: AgentTurn,
  reason: string,
  summary: string,
  email: string | null,
  request: string = turn.message,
): Handoff {
  const need = WHAT[neededAction(reason) ?? '']?.need ?? 'This needs a person on our team'
  const queue = queueFor(reason)
  const team = queue === 'support' ? 'our support team' : `our ${queue} team`
  const where = email
    ? `They'll reply by email to ${email} and here in this chat.`
    : "They'll reply here in this chat."
  const announcement = `I've created ticket ${turn.ticket.number} for ${team}. ${where}`
  const reply = `${need}, so ${announcement}`
  const createTicket: ProposedToolCall = {
    tool: 'create_ticket',
    input: {
      subject: subjectOf(request, reason),
      summary,
      queue,
      priority: priorityOf(turn.triage.urgency.label),
      ...(email && email !== turn.contact.email ? { email } : {}),
    },
  }
  return { reply, announcement, toolCalls: [createTicket] }
}

/** An extractive summary for the team: what kind of request, and what the customer wrote. */
export function summarize(turn: AgentTurn, reason: string, text = turn.message): string {
  const t = turn.triage
  const kind = neededAction(reason)?.replace(/_/g, ' ') ?? reason.replace(/_/g, ' ')
  const said = text.length > 600 ? `${text.slice(0, 597)}…` : text
  return [
    `Request: ${kind}. Category: ${t.category.label.replace(/_/g, ' ')}; intent: ${t.intent.label}; urgency: ${t.urgency.label}.`,
    `The customer wrote: "${said}"`,
  ].join('\n')
}

function subjectOf(request: string, reason: string): string {
  const kind = neededAction(reason)?.replace(/_/g, ' ') ?? 'question'
  const first = request.split(/(?<=[.!?])\s+|\n/)[0]!.trim()
  const subject = `${kind.charAt(0).toUpperCase()}${kind.slice(1)}: ${first}`
  return subject.length > 120 ? `${subject.slice(0, 117)}…` : subject
}

function priorityOf(urgency: string): 'low' | 'normal' | 'high' | 'urgent' {
  return urgency === 'low' || urgency === 'high' || urgency === 'urgent' ? urgency : 'normal'
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/

export function extractEmail(text: string): string | null {
  return EMAIL.exec(text)?.[0] ?? null
}
