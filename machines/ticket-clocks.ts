// The ticket's clocks, planned from what a transition did rather than wired into each of its thirty
// transitions: SLA clocks (first response, next response, resolution), the customer follow-up and
// auto-resolve, the owner reminder, back-to-bot, the satisfaction survey and escalation notices.
// Pure: it compares the state before and after one event and returns the new timer tokens and the
// effects to add. A timer stops by losing its token, so a job already queued for it fires stale.
//
// When the clocks run (as Zendesk and Intercom count them, with the bot's answers counting as replies):
// - first response: from the first message until the first reply (an escalation notice is not one);
// - next response: from each later customer message that finds nobody owing an answer, to the reply;
// - resolution: from the first message until resolved, paused while we wait on the customer.
import type { TicketSnapshot } from './actor-snapshot.ts'
import type {
  SlaClock,
  SlaMetric,
  TicketContext,
  TicketEffect,
  TicketEvent,
  TicketState,
  TimerName,
} from './ticket.machine.ts'

const isOpen = (state: TicketState) => state !== 'resolved' && state !== 'closed'

/** Reason prefix of an agent's question asked on the way to a hand-over (agents/atlas: `ask_email:`). */
export const HANDOVER_QUESTION_PREFIX = 'ask_email:'

export interface PlannedClocks {
  context: Pick<TicketContext, 'timers' | 'clockSeq' | 'sla' | 'responded'>
  effects: TicketEffect[]
}

export function planClocks(
  before: TicketSnapshot,
  after: TicketSnapshot,
  event: TicketEvent,
  effects: readonly TicketEffect[],
): PlannedClocks {
  const was = { state: before.value as TicketState, ...before.context }
  const now = { state: after.value as TicketState, ...after.context }
  const timers = { ...now.timers }
  const sla: Partial<Record<SlaMetric, SlaClock>> = { ...now.sla }
  // Its own token sequence: tokens only need to be unique per timer, and auto-close keeps `timerSeq`.
  let seq = now.clockSeq
  const out: TicketEffect[] = []

  const arm = (timer: TimerName) => {
    seq += 1
    timers[timer] = seq
    out.push({ type: 'scheduleTimer', params: { timer, token: seq, delaySeconds: null } })
  }
  const disarm = (timer: TimerName) => {
    delete timers[timer]
  }
  const clock = (metric: SlaMetric, op: 'start' | 'pause' | 'resume' | 'stop' | 'retarget') => {
    const timer: TimerName = `sla.${metric}`
    let token: number | null = null
    if (op === 'pause' || op === 'stop') disarm(timer)
    else {
      seq += 1
      timers[timer] = seq
      token = seq
    }
    const current = sla[metric]
    if (op === 'start') sla[metric] = { status: 'running', warned: false, breached: false }
    else if (op === 'resume' && current) sla[metric] = { ...current, status: 'running' }
    else if (op === 'pause' && current) sla[metric] = { ...current, status: 'paused' }
    else if (op === 'stop' && current) sla[metric] = { ...current, status: 'met' }
    out.push({
      type: 'slaClock',
      params: { metric, op, token, priority: now.priority, urgency: now.urgency },
    })
  }

  // A reply went out in this step. A hand-over is not an answer: neither an escalation's "a person
  // will get back to you" nor the bot's "what email can they reach you at?" on the way to one. The
  // customer asked for a person, so the first-response clock runs until a person replies.
  const replied =
    effects.some((e) => e.type === 'queueReply') &&
    !(
      event.type === 'AGENT_DECIDED' &&
      (event.action === 'escalate' || event.reason.startsWith(HANDOVER_QUESTION_PREFIX))
    )
  const responded = now.responded || replied

  // ——— SLA ———
  if (was.state === 'new' && now.state !== 'new' && event.type === 'CUSTOMER_MESSAGE') {
    clock('firstResponse', 'start')
    clock('resolution', 'start')
  }
  if (replied) {
    for (const metric of ['firstResponse', 'nextResponse'] as const) {
      if (sla[metric] && sla[metric].status !== 'met') clock(metric, 'stop')
    }
  }
  if (
    event.type === 'CUSTOMER_MESSAGE' &&
    !was.unanswered &&
    now.unanswered &&
    was.state !== 'new' &&
    responded &&
    now.state !== 'closed'
  ) {
    clock('nextResponse', 'start')
  }
  const resolution = sla.resolution
  if (!isOpen(now.state)) {
    // Resolved or closed: every clock stops, answered or not (a reopen restarts what applies).
    for (const metric of ['firstResponse', 'nextResponse', 'resolution'] as const) {
      const c = sla[metric]
      if (c && c.status !== 'met' && !out.some((e) => e.type === 'slaClock' && e.params.metric === metric))
        clock(metric, 'stop')
    }
  } else if (resolution && !isOpen(was.state)) {
    // Reopened: the resolution time keeps counting from where it stopped.
    clock('resolution', 'resume')
  } else if (resolution && was.state !== 'new') {
    if (now.unanswered) {
      if (resolution.status !== 'running') clock('resolution', 'resume')
    } else if (responded && resolution.status === 'running') {
      clock('resolution', 'pause')
    }
  }
  if (now.priority !== was.priority || now.urgency !== was.urgency) {
    for (const metric of ['firstResponse', 'nextResponse', 'resolution'] as const) {
      const c = sla[metric]
      // A clock started in this very step already used the new priority and urgency.
      if (c && c.status !== 'met' && !out.some((e) => e.type === 'slaClock' && e.params.metric === metric))
        clock(metric, 'retarget')
    }
  }

  // ——— follow-ups ———
  const waitingOnCustomer = isOpen(now.state) && !now.unanswered && responded
  if (waitingOnCustomer) {
    if (replied) {
      arm('followUpCustomer')
      disarm('autoResolve')
    } else if (effects.some((e) => e.type === 'followUp')) {
      // The reminder went out: if the customer stays silent, the ticket resolves itself.
      disarm('followUpCustomer')
      arm('autoResolve')
    }
  } else {
    disarm('followUpCustomer')
    disarm('autoResolve')
  }
  const waitsForPerson = (s: typeof now) => isOpen(s.state) && s.unanswered && s.owner === 'human'
  if (waitsForPerson(now)) {
    if (!waitsForPerson(was)) arm('followUpOwner')
    else if (effects.some((e) => e.type === 'notify' && e.params.kind === 'customer_waiting'))
      disarm('followUpOwner')
  } else disarm('followUpOwner')

  // ——— back to the bot, the survey, escalation notices ———
  const resolvedByPerson = (s: typeof now) => s.state === 'resolved' && s.owner === 'human'
  if (resolvedByPerson(now)) {
    if (!resolvedByPerson(was)) arm('backToBot')
  } else disarm('backToBot')
  if (isOpen(was.state) && was.state !== 'new' && !isOpen(now.state)) {
    out.push({ type: 'survey', params: { by: actorOf(event) } })
  }
  if (now.escalation && (!was.escalation || was.escalation.reason !== now.escalation.reason)) {
    out.push({ type: 'notify', params: { kind: 'escalation', reason: now.escalation.reason } })
  }

  return { context: { timers, clockSeq: seq, sla, responded }, effects: out }
}

function actorOf(event: TicketEvent): string | null {
  return 'by' in event && typeof event.by === 'string' ? event.by : null
}
