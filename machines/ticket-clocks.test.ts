// The clock planner (machines/ticket-clocks.ts), tested through the path the host takes: persist →
// JSON → restore → applyTicketEvent, which runs the machine's transition and then plans the clocks.
// Every assertion reads the step's real effect list (machine effects and planned ones, unfiltered)
// and the planned context (timers, clockSeq, sla, responded).

import { describe, expect, it } from 'vitest'
import { transition } from 'xstate'
import {
  applyTicketEvent,
  persistTicket,
  restoreTicket,
  type Step,
  startTicket,
  stateOf,
  type TicketSnapshot,
} from './actor-snapshot.ts'
import {
  SLA_METRICS,
  type SlaClock,
  TIMER_NAMES,
  type TicketEffect,
  type TicketEvent,
  type TicketState,
  type TimerName,
  ticketMachine,
} from './ticket.machine.ts'
import { planClocks } from './ticket-clocks.ts'
import { type EventOf, ev } from './ticket-events.fixture.ts'

type Priority = EventOf<'SET_PRIORITY'>['priority']

/** An event built from the snapshot it is applied to (a timer's current token, the turn in flight). */
type EventSource = TicketEvent | ((snapshot: TicketSnapshot) => TicketEvent)

/** The TIMER event for the timer's current token (throws when it is not armed). */
const fire =
  (timer: TimerName, extra: Partial<EventOf<'TIMER'>> = {}) =>
  (snapshot: TicketSnapshot): TicketEvent => {
    const token = snapshot.context.timers[timer]
    if (token === undefined) throw new Error(`${timer} is not armed`)
    return ev.timer(timer, token, extra)
  }

const roundTrip = (snapshot: TicketSnapshot): TicketSnapshot =>
  restoreTicket(JSON.parse(JSON.stringify(persistTicket(snapshot))))

/** Applies events like the host does (persist → JSON → restore → transition + clocks), effects unfiltered. */
function drive(events: EventSource[], from?: TicketSnapshot) {
  let snapshot = from ?? startTicket({ ticketId: 't-1', autoCloseSeconds: 60 }).snapshot
  const steps: Step[] = []
  for (const source of events) {
    const restored = roundTrip(snapshot)
    const event = typeof source === 'function' ? source(restored) : source
    const step = applyTicketEvent(restored, event)
    steps.push(step)
    snapshot = step.snapshot
  }
  return { snapshot, steps, last: steps[steps.length - 1]! }
}

const clocks = (snapshot: TicketSnapshot) => {
  const { timers, clockSeq, sla, responded } = snapshot.context
  return { timers, clockSeq, sla, responded }
}

const running: SlaClock = { status: 'running', warned: false, breached: false }
const paused: SlaClock = { status: 'paused', warned: false, breached: false }
const met: SlaClock = { status: 'met', warned: false, breached: false }

const sla = (
  metric: 'firstResponse' | 'nextResponse' | 'resolution',
  op: 'start' | 'pause' | 'resume' | 'stop' | 'retarget',
  token: number | null,
  priority: Priority = 'normal',
  urgency: string | null = 'normal',
): TicketEffect => ({ type: 'slaClock', params: { metric, op, token, priority, urgency } })
const schedule = (timer: TimerName, token: number, delaySeconds: number | null = null): TicketEffect => ({
  type: 'scheduleTimer',
  params: { timer, token, delaySeconds },
})
const survey = (by: string | null): TicketEffect => ({ type: 'survey', params: { by } })
const escalationNotice = (reason: string): TicketEffect => ({
  type: 'notify',
  params: { kind: 'escalation', reason },
})

/** Machine effects whose params the machine's own tests pin down; here only their place in the list. */
const recordDecision = { type: 'recordDecision', params: expect.any(Object) }
const startTurn = (turn: number, messageId: string) => ({ type: 'startTurn', params: { turn, messageId } })
const reply = (idempotencyKey: string) => ({
  type: 'queueReply',
  params: expect.objectContaining({ idempotencyKey }),
})

/** customer m1 → the bot answers (turn 1): fr met, resolution paused, followUpCustomer = 3. */
const answeredByBot = () => drive([ev.customer(), ev.decided(1, 'auto')]).snapshot

describe('ticket clocks: the first customer message', () => {
  it('starts the first-response and resolution clocks with fresh tokens', () => {
    const { snapshot, last } = drive([ev.customer('m7')])
    expect(stateOf(snapshot)).toBe('triaging')
    // No decision yet: the urgency is still unknown.
    expect(last.effects).toEqual([
      startTurn(1, 'm7'),
      sla('firstResponse', 'start', 1, 'normal', null),
      sla('resolution', 'start', 2, 'normal', null),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { 'sla.firstResponse': 1, 'sla.resolution': 2 },
      clockSeq: 2,
      sla: { firstResponse: running, resolution: running },
      responded: false,
    })
  })

  it('starts with the priority the ticket already has', () => {
    // Not reachable through the host (tickets open on a message), but the clock reads the context.
    const prioritised = drive([ev.priority('urgent')]).snapshot
    const { last } = drive([ev.customer()], prioritised)
    expect(last.effects.filter((e) => e.type === 'slaClock')).toEqual([
      sla('firstResponse', 'start', 1, 'urgent', null),
      sla('resolution', 'start', 2, 'urgent', null),
    ])
  })

  it('an event that changes nothing plans nothing (no tokens, same clockSeq)', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { snapshot, last } = drive([ev.decided(7, 'auto'), ev.timer('sla.firstResponse', 99)], triaging)
    expect(last.changed).toBe(false)
    expect(last.effects).toEqual([])
    expect(clocks(snapshot)).toEqual(clocks(triaging))
  })
})

describe('ticket clocks: answers', () => {
  it('the bot answers: first response met, resolution paused, customer follow-up armed', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { snapshot, last } = drive([ev.decided(1, 'auto')], triaging)
    expect(stateOf(snapshot)).toBe('bot_handled')
    expect(last.effects).toEqual([
      recordDecision,
      reply('turn:1'),
      sla('firstResponse', 'stop', null),
      sla('resolution', 'pause', null),
      schedule('followUpCustomer', 3),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { followUpCustomer: 3 },
      clockSeq: 3,
      sla: { firstResponse: met, resolution: paused },
      responded: true,
    })
    // The first-response breach job already queued is stale now.
    expect(drive([ev.timer('sla.firstResponse', 1, { phase: 'breach' })], snapshot).last.changed).toBe(false)
    expect(drive([ev.timer('sla.resolution', 2, { phase: 'warning' })], snapshot).last.changed).toBe(false)
  })

  it('an escalation with a notice is not an answer: first response keeps running, one escalation notice', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { snapshot, steps } = drive(
      [ev.decided(1, 'escalate', { withReply: true }), ev.tag(['refund']), ev.note()],
      triaging,
    )
    const [escalated, tagged, noted] = steps
    expect(stateOf(snapshot)).toBe('pending')
    // The notice goes out, but nothing stops; the decision's urgency re-targets both running clocks.
    expect(escalated!.effects).toEqual([
      recordDecision,
      reply('turn:1'),
      { type: 'route', params: { reason: 'restricted_action:refund' } },
      sla('firstResponse', 'retarget', 3),
      sla('resolution', 'retarget', 4),
      schedule('followUpOwner', 5),
      escalationNotice('restricted_action:refund'),
    ])
    expect(clocks(escalated!.snapshot)).toEqual({
      timers: { 'sla.firstResponse': 3, 'sla.resolution': 4, followUpOwner: 5 },
      clockSeq: 5,
      sla: { firstResponse: running, resolution: running },
      responded: false,
    })
    expect(tagged!.changed).toBe(true)
    expect(tagged!.effects).toEqual([])
    expect(noted!.effects).toEqual([{ type: 'addNote', params: expect.any(Object) }])
    expect(clocks(snapshot)).toEqual(clocks(escalated!.snapshot))
  })

  it("the bot's hand-over question (what email?) is no answer: first response keeps running, no follow-up", () => {
    const asked = drive([
      ev.customer(),
      ev.decided(1, 'auto', { reason: 'ask_email:needs_human:human_request' }),
    ])
    expect(asked.last.effects).toContainEqual(reply('turn:1'))
    expect(clocks(asked.snapshot)).toMatchObject({
      sla: { firstResponse: running, resolution: running },
      responded: false,
    })
    expect(Object.keys(clocks(asked.snapshot).timers)).not.toContain('followUpCustomer')
    // An ordinary answer on the next turn is a response.
    const answered = drive([ev.customer('m2'), ev.decided(2, 'auto')], asked.snapshot)
    expect(clocks(answered.snapshot)).toMatchObject({ sla: { firstResponse: met }, responded: true })
  })

  it('the person answers after the escalation: that is the first response', () => {
    const escalated = drive([ev.customer(), ev.decided(1, 'escalate', { withReply: true })]).snapshot
    const { snapshot, last } = drive([ev.humanReply()], escalated)
    expect(stateOf(snapshot)).toBe('in_progress')
    expect(last.effects).toEqual([
      reply('human:out-h'),
      sla('firstResponse', 'stop', null),
      sla('resolution', 'pause', null),
      schedule('followUpCustomer', 6),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { followUpCustomer: 6 },
      clockSeq: 6,
      sla: { firstResponse: met, resolution: paused },
      responded: true,
    })
  })

  it('an escalation without a notice is no answer either, and another reason notifies again', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { steps } = drive(
      [ev.decided(1, 'escalate'), ev.markPending('needs billing'), ev.markPending('needs billing')],
      triaging,
    )
    expect(steps[0]!.effects.filter((e) => e.type === 'notify')).toEqual([
      escalationNotice('restricted_action:refund'),
    ])
    expect(steps[0]!.snapshot.context.sla.firstResponse).toEqual(running)
    expect(steps[1]!.effects.filter((e) => e.type === 'notify')).toEqual([escalationNotice('needs billing')])
    // The same reason again is the same escalation.
    expect(steps[2]!.effects.filter((e) => e.type === 'notify')).toEqual([])
  })

  it('a draft is no answer; approving it is', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { snapshot, steps } = drive([ev.decided(1, 'review'), ev.approve('draft-1')], triaging)
    const [review, approve] = steps
    expect(stateOf(review!.snapshot)).toBe('awaiting_approval')
    expect(review!.effects).toEqual([
      recordDecision,
      { type: 'storeDraft', params: expect.objectContaining({ draftId: 'draft-1' }) },
      sla('firstResponse', 'retarget', 3),
      sla('resolution', 'retarget', 4),
    ])
    expect(clocks(review!.snapshot)).toMatchObject({
      sla: { firstResponse: running, resolution: running },
      responded: false,
    })
    expect(stateOf(snapshot)).toBe('bot_handled')
    expect(approve!.effects).toEqual([
      reply('draft:draft-1'),
      { type: 'settleDraft', params: expect.objectContaining({ draftId: 'draft-1', status: 'sent' }) },
      sla('firstResponse', 'stop', null),
      sla('resolution', 'pause', null),
      schedule('followUpCustomer', 5),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { followUpCustomer: 5 },
      clockSeq: 5,
      sla: { firstResponse: met, resolution: paused },
      responded: true,
    })
  })

  it('an edited draft (DRAFT_SEND) is an answer; a rejected one is not', () => {
    const review = drive([ev.customer(), ev.decided(1, 'review')]).snapshot
    const sent = drive([ev.send('draft-1')], review)
    expect(sent.snapshot.context.sla.firstResponse).toEqual(met)
    expect(sent.snapshot.context.responded).toBe(true)
    const rejected = drive([ev.reject('draft-1')], review)
    expect(stateOf(rejected.snapshot)).toBe('pending')
    expect(rejected.last.effects.filter((e) => e.type === 'slaClock')).toEqual([])
    expect(rejected.snapshot.context.sla.firstResponse).toEqual(running)
    expect(rejected.snapshot.context.responded).toBe(false)
    expect(rejected.last.effects.filter((e) => e.type === 'notify')).toEqual([
      escalationNotice('draft_rejected: wrong article'),
    ])
  })
})

describe('ticket clocks: the customer writes again', () => {
  it('after an answer: next response starts, resolution resumes, follow-ups are dropped', () => {
    const answered = answeredByBot()
    // The reminder went out, so auto-resolve is armed too.
    const reminded = drive([fire('followUpCustomer')], answered).snapshot
    expect(reminded.context.timers).toEqual({ autoResolve: 4 })
    const { snapshot, last } = drive([ev.customer('m2')], reminded)
    expect(stateOf(snapshot)).toBe('triaging')
    expect(last.effects).toEqual([
      startTurn(2, 'm2'),
      sla('nextResponse', 'start', 5),
      sla('resolution', 'resume', 6),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { 'sla.nextResponse': 5, 'sla.resolution': 6 },
      clockSeq: 6,
      sla: { firstResponse: met, nextResponse: running, resolution: running },
      responded: true,
    })
    // Jobs queued for the dropped tokens fire stale.
    for (const stale of [
      ev.timer('followUpCustomer', 3),
      ev.timer('autoResolve', 4),
      ev.timer('sla.resolution', 2, { phase: 'breach' }),
    ]) {
      const step = drive([stale], snapshot).last
      expect(step.changed).toBe(false)
      expect(step.effects).toEqual([])
      expect(stateOf(step.snapshot)).toBe('triaging')
    }
  })

  it('the follow-up token alone is dropped when no reminder went out yet', () => {
    const { snapshot } = drive([ev.customer('m2')], answeredByBot())
    expect(snapshot.context.timers).toEqual({ 'sla.nextResponse': 4, 'sla.resolution': 5 })
    expect(drive([ev.timer('followUpCustomer', 3)], snapshot).last.changed).toBe(false)
  })

  it('a second message while still unanswered does not restart next response', () => {
    const waiting = drive([ev.customer('m2')], answeredByBot()).snapshot
    const { snapshot, last } = drive([ev.customer('m3')], waiting)
    expect(last.effects).toEqual([startTurn(3, 'm3')])
    expect(clocks(snapshot)).toEqual(clocks(waiting))
  })

  it('a second message before the first answer starts no next response', () => {
    const { snapshot, last } = drive([ev.customer('m1'), ev.customer('m2')])
    expect(last.effects).toEqual([startTurn(2, 'm2')])
    expect(clocks(snapshot)).toEqual({
      timers: { 'sla.firstResponse': 1, 'sla.resolution': 2 },
      clockSeq: 2,
      sla: { firstResponse: running, resolution: running },
      responded: false,
    })
  })

  it('a person replies: next response met, resolution paused, follow-up armed', () => {
    const waiting = drive([ev.customer('m2'), ev.takeOver()], answeredByBot()).snapshot
    expect(waiting.context.timers).toEqual({
      'sla.nextResponse': 4,
      'sla.resolution': 5,
      followUpOwner: 6,
    })
    const { snapshot, last } = drive([ev.humanReply()], waiting)
    expect(last.effects).toEqual([
      reply('human:out-h'),
      sla('nextResponse', 'stop', null),
      sla('resolution', 'pause', null),
      schedule('followUpCustomer', 7),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { followUpCustomer: 7 },
      clockSeq: 7,
      sla: { firstResponse: met, nextResponse: met, resolution: paused },
      responded: true,
    })
  })

  it('the bot answering the next message meets next response the same way', () => {
    const waiting = drive([ev.customer('m2')], answeredByBot()).snapshot
    const { snapshot, last } = drive([ev.decided(2, 'auto')], waiting)
    expect(last.effects).toEqual([
      recordDecision,
      reply('turn:2'),
      sla('nextResponse', 'stop', null),
      sla('resolution', 'pause', null),
      schedule('followUpCustomer', 6),
    ])
    expect(snapshot.context.sla).toEqual({ firstResponse: met, nextResponse: met, resolution: paused })
  })

  it('a third round starts next response again with a fresh token', () => {
    const { snapshot, steps } = drive(
      [ev.customer('m2'), ev.decided(2, 'auto'), ev.customer('m3')],
      answeredByBot(),
    )
    expect(steps[2]!.effects.filter((e) => e.type === 'slaClock')).toEqual([
      sla('nextResponse', 'start', 7),
      sla('resolution', 'resume', 8),
    ])
    expect(snapshot.context.timers).toEqual({ 'sla.nextResponse': 7, 'sla.resolution': 8 })
  })
})

describe('ticket clocks: priority and urgency', () => {
  it('SET_PRIORITY re-targets a paused clock but not a met one', () => {
    const { snapshot, last } = drive([ev.priority('high')], answeredByBot())
    expect(last.effects).toEqual([sla('resolution', 'retarget', 4, 'high', 'normal')])
    expect(clocks(snapshot)).toEqual({
      // The paused clock gets a token, but stays paused: its warning and breach cannot fire.
      timers: { followUpCustomer: 3, 'sla.resolution': 4 },
      clockSeq: 4,
      sla: { firstResponse: met, resolution: paused },
      responded: true,
    })
    expect(drive([ev.timer('sla.resolution', 4, { phase: 'breach' })], snapshot).last.changed).toBe(false)
  })

  it('SET_PRIORITY then a decision with another urgency re-target every running clock', () => {
    const waiting = drive([ev.customer('m2')], answeredByBot()).snapshot
    const { snapshot, steps } = drive(
      [ev.priority('high'), ev.decided(2, 'review', { urgency: 'urgent' })],
      waiting,
    )
    expect(steps[0]!.effects).toEqual([
      sla('nextResponse', 'retarget', 6, 'high', 'normal'),
      sla('resolution', 'retarget', 7, 'high', 'normal'),
    ])
    expect(steps[1]!.effects).toEqual([
      recordDecision,
      { type: 'storeDraft', params: expect.objectContaining({ draftId: 'draft-2' }) },
      sla('nextResponse', 'retarget', 8, 'high', 'urgent'),
      sla('resolution', 'retarget', 9, 'high', 'urgent'),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { 'sla.nextResponse': 8, 'sla.resolution': 9 },
      clockSeq: 9,
      sla: { firstResponse: met, nextResponse: running, resolution: running },
      responded: true,
    })
    // The tokens the re-targets replaced are stale.
    for (const [timer, token] of [
      ['sla.nextResponse', 4],
      ['sla.nextResponse', 6],
      ['sla.resolution', 7],
    ] as const) {
      expect(drive([ev.timer(timer, token, { phase: 'warning' })], snapshot).last.changed).toBe(false)
    }
    expect(drive([ev.timer('sla.nextResponse', 8, { phase: 'warning' })], snapshot).last.effects).toEqual([
      { type: 'slaAlert', params: { metric: 'nextResponse', phase: 'warning' } },
    ])
  })

  it('a decision with the same urgency re-targets nothing; RECLASSIFY with another one does', () => {
    const triaging = drive([ev.customer()]).snapshot
    const review = drive([ev.decided(1, 'review', { urgency: null })], triaging).last
    expect(review.effects.filter((e) => e.type === 'slaClock')).toEqual([])
    const reclassified = drive([ev.reclassify('high')], review.snapshot).last
    expect(reclassified.effects).toEqual([
      sla('firstResponse', 'retarget', 3, 'normal', 'high'),
      sla('resolution', 'retarget', 4, 'normal', 'high'),
    ])
  })

  it('a priority change on a resolved ticket re-targets nothing', () => {
    const resolved = drive([ev.resolve()], answeredByBot()).snapshot
    const { last } = drive([ev.priority('urgent')], resolved)
    expect(last.changed).toBe(true)
    expect(last.effects).toEqual([])
  })

  it('a breach that raises the priority re-targets the running clocks', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { snapshot, last } = drive(
      [fire('sla.firstResponse', { phase: 'breach', onBreach: { raisePriority: true, reassignTo: null } })],
      triaging,
    )
    expect(last.effects).toEqual([
      { type: 'slaAlert', params: { metric: 'firstResponse', phase: 'breach' } },
      sla('firstResponse', 'retarget', 3, 'high', null),
      sla('resolution', 'retarget', 4, 'high', null),
    ])
    expect(snapshot.context.sla.firstResponse).toEqual({ status: 'running', warned: true, breached: true })
    expect(snapshot.context.timers).toEqual({ 'sla.firstResponse': 3, 'sla.resolution': 4 })
  })

  it('an answer in the same step as an urgency change emits one op per clock (stop/pause, no retarget)', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { last } = drive([ev.decided(1, 'auto', { urgency: 'urgent' })], triaging)
    expect(last.effects.filter((e) => e.type === 'slaClock')).toEqual([
      sla('firstResponse', 'stop', null, 'normal', 'urgent'),
      sla('resolution', 'pause', null, 'normal', 'urgent'),
    ])
  })
})

describe('ticket clocks: resolve, close, reopen', () => {
  it('the bot resolved it: resolution met, survey by the operator, no back-to-bot', () => {
    const { snapshot, last } = drive([ev.resolve('op-9')], answeredByBot())
    expect(stateOf(snapshot)).toBe('resolved')
    expect(last.effects).toEqual([
      schedule('autoClose', 1, 60),
      sla('resolution', 'stop', null),
      survey('op-9'),
    ])
    expect(clocks(snapshot)).toEqual({
      // The follow-up is dropped; autoClose is the machine's own timer.
      timers: { autoClose: 1 },
      clockSeq: 3,
      sla: { firstResponse: met, resolution: met },
      responded: true,
    })
    expect(drive([ev.timer('followUpCustomer', 3)], snapshot).last.changed).toBe(false)
  })

  it('a person resolved it: back-to-bot armed; resolving again plans nothing more', () => {
    const { snapshot, steps } = drive([
      ev.customer(),
      ev.takeOver(),
      ev.humanReply(),
      ev.resolve('op-1'),
      ev.resolve(),
    ])
    const resolve = steps[3]!
    expect(resolve.effects).toEqual([
      schedule('autoClose', 1, 60),
      sla('resolution', 'stop', null, 'normal', null),
      schedule('backToBot', 5),
      survey('op-1'),
    ])
    expect(clocks(resolve.snapshot)).toEqual({
      timers: { autoClose: 1, backToBot: 5 },
      clockSeq: 5,
      sla: { firstResponse: met, resolution: met },
      responded: true,
    })
    expect(steps[4]!.changed).toBe(false)
    expect(clocks(snapshot)).toEqual(clocks(resolve.snapshot))
  })

  it('a human follow-up on a resolved ticket keeps back-to-bot and plans nothing', () => {
    const resolved = drive([ev.customer(), ev.takeOver(), ev.humanReply(), ev.resolve()]).snapshot
    const { snapshot, last } = drive([ev.humanReply('out-h2')], resolved)
    expect(stateOf(snapshot)).toBe('resolved')
    expect(last.effects).toEqual([reply('human:out-h2')])
    expect(clocks(snapshot)).toEqual(clocks(resolved))
  })

  it('back-to-bot fires: the bot owns it, the token is dropped', () => {
    const resolved = drive([ev.customer(), ev.takeOver(), ev.humanReply(), ev.resolve()]).snapshot
    const { snapshot, last } = drive([fire('backToBot')], resolved)
    expect(last.effects).toEqual([])
    expect(snapshot.context.owner).toBe('bot')
    expect(snapshot.context.timers).toEqual({ autoClose: 1 })
    expect(drive([ev.timer('backToBot', 5)], snapshot).last.changed).toBe(false)
  })

  it('hand back on a resolved ticket disarms back-to-bot', () => {
    const resolved = drive([ev.customer(), ev.takeOver(), ev.humanReply(), ev.resolve()]).snapshot
    const { snapshot } = drive([ev.handBack()], resolved)
    expect(snapshot.context.timers).toEqual({ autoClose: 1 })
  })

  it('close from an open state surveys once; closing the resolved ticket does not survey again', () => {
    const { steps } = drive([ev.close('op-5')], answeredByBot())
    expect(stateOf(steps[0]!.snapshot)).toBe('closed')
    expect(steps[0]!.effects).toEqual([sla('resolution', 'stop', null), survey('op-5')])
    expect(clocks(steps[0]!.snapshot)).toEqual({
      timers: {},
      clockSeq: 3,
      sla: { firstResponse: met, resolution: met },
      responded: true,
    })

    const resolved = drive([ev.resolve('op-1')], answeredByBot()).snapshot
    const closed = drive([ev.close('op-5')], resolved)
    expect(stateOf(closed.snapshot)).toBe('closed')
    expect(closed.last.effects).toEqual([])
    const autoClosed = drive([fire('autoClose')], resolved)
    expect(stateOf(autoClosed.snapshot)).toBe('closed')
    expect(autoClosed.last.effects).toEqual([])
  })

  it('close from new is no resolution: no survey', () => {
    const { last } = drive([ev.close()])
    expect(last.effects.filter((e) => e.type === 'survey')).toEqual([])
  })

  it('reopen of a ticket resolved while the customer waited: resolution resumes, back-to-bot disarmed', () => {
    const resolved = drive([ev.customer(), ev.takeOver(), ev.humanReply(), ev.customer('m2'), ev.resolve()])
    // Resolved with the customer's second message unanswered: next response stays as it was (see the
    // failing test below); resolution is met and back-to-bot is armed.
    expect(resolved.snapshot.context.sla.resolution).toEqual(met)
    expect(resolved.snapshot.context.timers).toMatchObject({ autoClose: 1, backToBot: 8 })
    expect(resolved.snapshot.context.clockSeq).toBe(8)
    const { snapshot, last } = drive([ev.reopen('op-4')], resolved.snapshot)
    expect(stateOf(snapshot)).toBe('in_progress')
    // The customer still waits, now on a person: the owner reminder is armed again.
    expect(last.effects).toEqual([
      sla('resolution', 'resume', 9, 'normal', null),
      schedule('followUpOwner', 10),
    ])
    expect(snapshot.context.sla.resolution).toEqual(running)
    expect(snapshot.context.timers.backToBot).toBeUndefined()
    expect(snapshot.context.timers).toMatchObject({ 'sla.resolution': 9, followUpOwner: 10 })
    expect(drive([ev.timer('backToBot', 8)], snapshot).last.changed).toBe(false)
  })

  it('a customer message on a resolved ticket reopens the clocks: next response and resolution', () => {
    const resolved = drive([ev.resolve()], answeredByBot()).snapshot
    const { snapshot, last } = drive([ev.customer('m2')], resolved)
    expect(stateOf(snapshot)).toBe('triaging')
    expect(last.effects).toEqual([
      startTurn(2, 'm2'),
      sla('nextResponse', 'start', 4),
      sla('resolution', 'resume', 5),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { 'sla.nextResponse': 4, 'sla.resolution': 5 },
      clockSeq: 5,
      sla: { firstResponse: met, nextResponse: running, resolution: running },
      responded: true,
    })
  })

  it('a customer message on a person-resolved ticket disarms back-to-bot and reminds the owner', () => {
    const resolved = drive([ev.customer(), ev.takeOver(), ev.humanReply(), ev.resolve()]).snapshot
    const { snapshot, last } = drive([ev.customer('m2')], resolved)
    expect(stateOf(snapshot)).toBe('in_progress')
    expect(last.effects).toEqual([
      sla('nextResponse', 'start', 6, 'normal', null),
      sla('resolution', 'resume', 7, 'normal', null),
      schedule('followUpOwner', 8),
    ])
    expect(snapshot.context.timers).toEqual({
      'sla.nextResponse': 6,
      'sla.resolution': 7,
      followUpOwner: 8,
    })
  })
})

describe('ticket clocks: the owner reminder', () => {
  it('take-over then a customer message arms it; a human reply disarms it', () => {
    const { snapshot, steps } = drive(
      [ev.takeOver('op-1'), ev.customer('m2'), ev.humanReply()],
      answeredByBot(),
    )
    const [takeOver, message, humanReply] = steps
    // Nobody owes an answer at take-over: no reminder yet, the customer follow-up stays.
    expect(takeOver!.effects).toEqual([{ type: 'summarize', params: expect.any(Object) }])
    expect(takeOver!.snapshot.context.timers).toEqual({ followUpCustomer: 3 })
    expect(message!.effects).toEqual([
      sla('nextResponse', 'start', 4),
      sla('resolution', 'resume', 5),
      schedule('followUpOwner', 6),
    ])
    expect(message!.snapshot.context.timers).toEqual({
      'sla.nextResponse': 4,
      'sla.resolution': 5,
      followUpOwner: 6,
    })
    expect(humanReply!.effects).toEqual([
      reply('human:out-h'),
      sla('nextResponse', 'stop', null),
      sla('resolution', 'pause', null),
      schedule('followUpCustomer', 7),
    ])
    expect(snapshot.context.timers).toEqual({ followUpCustomer: 7 })
    expect(drive([ev.timer('followUpOwner', 6)], snapshot).last.changed).toBe(false)
  })

  it('take-over while the customer waits arms it at once; the reminder fires once', () => {
    const triaging = drive([ev.customer()]).snapshot
    const { snapshot, steps } = drive([ev.takeOver(), fire('followUpOwner'), ev.customer('m2')], triaging)
    expect(steps[0]!.effects).toEqual([
      { type: 'summarize', params: expect.any(Object) },
      schedule('followUpOwner', 3),
    ])
    expect(steps[1]!.effects).toEqual([
      { type: 'notify', params: { kind: 'customer_waiting', reason: null } },
    ])
    expect(steps[1]!.snapshot.context.timers).toEqual({ 'sla.firstResponse': 1, 'sla.resolution': 2 })
    // Still the same wait: another message does not re-arm it.
    expect(steps[2]!.effects).toEqual([])
    expect(snapshot.context.timers.followUpOwner).toBeUndefined()
  })

  it('hand back to the bot disarms it', () => {
    const waiting = drive([ev.customer(), ev.takeOver()]).snapshot
    const { snapshot, last } = drive([ev.handBack()], waiting)
    expect(stateOf(snapshot)).toBe('triaging')
    expect(last.effects).toEqual([startTurn(2, 'm1')])
    expect(snapshot.context.timers).toEqual({ 'sla.firstResponse': 1, 'sla.resolution': 2 })
  })
})

describe('ticket clocks: the customer follow-up chain', () => {
  it('follow-up → auto-resolve → resolved with a survey', () => {
    const answered = answeredByBot()
    const { snapshot, steps } = drive([ev.timer('followUpCustomer', 3), ev.timer('autoResolve', 4)], answered)
    const [followUp, autoResolve] = steps
    expect(followUp!.effects).toEqual([
      { type: 'followUp', params: { reason: 'no_reply' } },
      schedule('autoResolve', 4),
    ])
    expect(clocks(followUp!.snapshot)).toEqual({
      timers: { autoResolve: 4 },
      clockSeq: 4,
      sla: { firstResponse: met, resolution: paused },
      responded: true,
    })
    expect(stateOf(snapshot)).toBe('resolved')
    expect(autoResolve!.effects).toEqual([
      schedule('autoClose', 1, 60),
      sla('resolution', 'stop', null),
      survey(null),
    ])
    expect(clocks(snapshot)).toEqual({
      timers: { autoClose: 1 },
      clockSeq: 4,
      sla: { firstResponse: met, resolution: met },
      responded: true,
    })
    // The follow-up fired once: its token is gone.
    expect(drive([ev.timer('followUpCustomer', 3)], followUp!.snapshot).last.changed).toBe(false)
  })

  it('an answer after the reminder re-arms the follow-up and drops auto-resolve', () => {
    const reminded = drive([ev.timer('followUpCustomer', 3), ev.takeOver()], answeredByBot()).snapshot
    expect(reminded.context.timers).toEqual({ autoResolve: 4 })
    const { snapshot, last } = drive([ev.humanReply()], reminded)
    expect(last.effects.filter((e) => e.type === 'scheduleTimer')).toEqual([schedule('followUpCustomer', 5)])
    expect(snapshot.context.timers).toEqual({ followUpCustomer: 5 })
  })

  it('a person-owned ticket that resolves itself arms back-to-bot', () => {
    const { snapshot, last } = drive(
      [ev.takeOver(), ev.humanReply(), fire('followUpCustomer'), fire('autoResolve')],
      drive([ev.customer()]).snapshot,
    )
    expect(stateOf(snapshot)).toBe('resolved')
    expect(last.effects).toEqual([
      schedule('autoClose', 1, 60),
      sla('resolution', 'stop', null, 'normal', null),
      schedule('backToBot', 6),
      survey(null),
    ])
  })
})

describe('ticket clocks: purity', () => {
  it('planClocks reads its inputs only and answers the same twice', () => {
    const before = roundTrip(drive([ev.customer()]).snapshot)
    const event = ev.decided(1, 'auto')
    const [after, actions] = transition(ticketMachine, before, event)
    const effects = actions
      .filter((a) => a.type === 'recordDecision' || a.type === 'queueReply')
      .map((a) => ({ type: a.type, params: a.params }) as TicketEffect)
    const frozen = JSON.stringify([before.context, after.context, effects])
    const deepFreeze = (value: unknown): void => {
      if (value && typeof value === 'object' && !Object.isFrozen(value)) {
        Object.freeze(value)
        for (const v of Object.values(value)) deepFreeze(v)
      }
    }
    deepFreeze(before.context)
    deepFreeze(after.context)
    deepFreeze(effects)
    const first = planClocks(before, after, event, effects)
    const second = planClocks(before, after, event, effects)
    expect(second).toEqual(first)
    expect(JSON.stringify([before.context, after.context, effects])).toBe(frozen)
    // What applyTicketEvent adds is exactly the plan.
    const step = applyTicketEvent(roundTrip(before), event)
    expect(step.effects.slice(effects.length)).toEqual(first.effects)
    expect(clocks(step.snapshot)).toEqual(first.context)
  })
})

// ——— found while writing these tests, fixed since: resolving, closing and reopening stop and resume every clock ———

describe('ticket clocks: resolve, close and reopen', () => {
  // BUG: resolving or closing a ticket nobody answered stops only the resolution clock. First response
  // (and next response) stay 'running', keep their timer token and get no `slaClock` stop, so the host
  // never closes them and the ticket sits resolved/closed with a running SLA clock.
  it('resolving an unanswered ticket stops first response', () => {
    const { snapshot, last } = drive([ev.customer(), ev.resolve('op-1')])
    expect(last.effects.filter((e) => e.type === 'slaClock')).toEqual([
      sla('firstResponse', 'stop', null, 'normal', null),
      sla('resolution', 'stop', null, 'normal', null),
    ])
    expect(snapshot.context.sla.firstResponse?.status).toBe('met')
    expect(snapshot.context.timers['sla.firstResponse']).toBeUndefined()
  })

  it('closing while the customer waits for a next response stops next response', () => {
    const waiting = drive([ev.customer('m2')], answeredByBot()).snapshot
    const { snapshot, last } = drive([ev.close('op-1')], waiting)
    expect(last.effects.filter((e) => e.type === 'slaClock')).toEqual([
      sla('nextResponse', 'stop', null),
      sla('resolution', 'stop', null),
    ])
    expect(snapshot.context.sla.nextResponse?.status).toBe('met')
    expect(snapshot.context.timers['sla.nextResponse']).toBeUndefined()
  })

  // The consequence: after a reopen, the breach job queued before the resolve (measured from the very
  // first message) is still current and raises a breach.
  it('a first-response breach queued before a resolve is stale after a reopen', () => {
    const reopened = drive([ev.customer(), ev.resolve(), ev.reopen()]).snapshot
    const { last } = drive([ev.timer('sla.firstResponse', 1, { phase: 'breach' })], reopened)
    expect(last.changed).toBe(false)
  })

  // BUG: reopening a ticket that was resolved after an answer leaves resolution 'met' on an open ticket,
  // with no slaClock effect (the resume branch requires `unanswered`, the pause branch a running clock).
  it('REOPEN after an answered resolve resumes resolution', () => {
    const resolved = drive([ev.customer(), ev.takeOver(), ev.humanReply(), ev.resolve()]).snapshot
    expect(resolved.context.timers.backToBot).toBe(5)
    const { snapshot, last } = drive([ev.reopen('op-4')], resolved)
    expect(stateOf(snapshot)).toBe('in_progress')
    expect(snapshot.context.timers.backToBot).toBeUndefined()
    expect(last.effects).toEqual([sla('resolution', 'resume', 6, 'normal', null)])
    expect(snapshot.context.sla.resolution).toEqual(running)
  })

  // LATENT BUG (the host opens tickets only on a customer message, so `new` never sees these today):
  // leaving `new` by anything but a customer message still starts the clocks as if a message came in.
  it('a human reply from new emits one slaClock op per metric and does not leave resolution running', () => {
    const { snapshot, last } = drive([ev.humanReply()])
    const ops = last.effects.filter((e) => e.type === 'slaClock').map((e) => e.params.metric)
    expect(new Set(ops).size).toBe(ops.length) // today: firstResponse start and stop in one step
    expect(snapshot.context.sla.resolution?.status).not.toBe('running') // waiting on the customer
  })

  it('closing a ticket straight from new starts no clocks', () => {
    const { snapshot, last } = drive([ev.close()])
    expect(last.effects.filter((e) => e.type === 'slaClock')).toEqual([])
    expect(snapshot.context.timers).toEqual({})
  })
})

// ——— property-style: many deterministic pseudo-random sequences ———

/** mulberry32: a small seeded PRNG, so every run replays the same sequences. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent']
const URGENCIES = ['low', 'normal', 'high', null]

/** A fixed menu of event builders; each may read the snapshot (current turn, draft, armed timers). */
function menu(random: () => number): Array<(s: TicketSnapshot, i: number) => TicketEvent> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const turnOf = (s: TicketSnapshot) => s.context.pendingTurn ?? s.context.turn
  const armedTimer = (s: TicketSnapshot): TimerName | null => {
    const armed = TIMER_NAMES.filter((t) => s.context.timers[t] !== undefined)
    return armed.length ? pick(armed) : null
  }
  const timerEvent = (s: TicketSnapshot, token: (current: number) => number): TicketEvent => {
    const timer = armedTimer(s)
    if (!timer) return ev.timer(pick(TIMER_NAMES), 1)
    const extra: Partial<EventOf<'TIMER'>> = timer.startsWith('sla.')
      ? {
          phase: pick(['warning', 'breach'] as const),
          onBreach: { raisePriority: random() < 0.5, reassignTo: random() < 0.3 ? 'lead-1' : null },
        }
      : {}
    return ev.timer(timer, token(s.context.timers[timer]!), extra)
  }
  return [
    (_, i) => ev.customer(`m-${i}`),
    (_, i) => ev.customer(`m-${i}`),
    (s) => ev.decided(turnOf(s), 'auto', { urgency: pick(URGENCIES) }),
    (s) => ev.decided(turnOf(s), 'auto', { urgency: pick(URGENCIES) }),
    (s) => ev.decided(turnOf(s), 'review', { urgency: pick(URGENCIES) }),
    (s) => ev.decided(turnOf(s), 'escalate', { withReply: true, urgency: pick(URGENCIES) }),
    (s) => ev.decided(turnOf(s), 'escalate', { urgency: pick(URGENCIES) }),
    (s) => ev.decided(turnOf(s) - 1, 'auto'),
    (s) => ev.failed(turnOf(s)),
    (s) => ev.approve(s.context.draftId ?? 'draft-none'),
    (s) => ev.send(s.context.draftId ?? 'draft-none'),
    (s) => ev.reject(s.context.draftId ?? 'draft-none'),
    (_, i) => ev.humanReply(`out-h-${i}`, pick(['op-1', 'op-2'])),
    (_, i) => ev.humanReply(`out-h-${i}`),
    () => ev.takeOver(pick(['op-1', 'op-2'])),
    () => ev.handBack(),
    () => ev.assign(pick(['op-1', 'op-3', null])),
    () => ev.tag([pick(['vip', 'refund'])], [pick(['vip', 'refund'])]),
    () => ev.priority(pick(PRIORITIES)),
    (_, i) => ev.note(`note-${i}`),
    () => ev.reclassify(pick(['low', 'normal', 'high'])),
    () => ev.markPending(pick(['needs billing', 'needs legal'])),
    () => ev.resolve(pick(['op-1', 'op-2'])),
    () => ev.reopen(),
    () => ev.close(),
    () => ev.delivered(),
    () => ev.deliveryFailed(),
    (s) => timerEvent(s, (t) => t),
    (s) => timerEvent(s, (t) => t),
    (s) => timerEvent(s, (t) => t),
    (s) => timerEvent(s, (t) => t - 1),
  ]
}

interface Violation {
  seed: number
  at: number
  event: string
  problem: string
}

/** Runs one sequence from a customer's first message (as the host opens tickets) and checks every step. */
function runSequence(seed: number, length: number, checkMetOnceDone: boolean): Violation[] {
  const random = prng(seed)
  const builders = menu(random)
  const seen = new Map<TimerName, Set<number>>()
  const violations: Violation[] = []
  let snapshot = startTicket({ ticketId: `t-${seed}`, autoCloseSeconds: 60 }).snapshot
  for (let i = 0; i < length; i++) {
    if (snapshot.status === 'done') break
    const before = roundTrip(snapshot)
    const event = i === 0 ? ev.customer('m-0') : builders[Math.floor(random() * builders.length)]!(before, i)
    const step = applyTicketEvent(before, event)
    const after = step.snapshot
    const fail = (problem: string) =>
      violations.push({ seed, at: i, event: JSON.stringify(event).slice(0, 120), problem })

    // Tokens never repeat per timer, and every token the step arms is announced by an effect.
    const armed: Array<[TimerName, number]> = []
    for (const e of step.effects) {
      if (e.type === 'scheduleTimer') armed.push([e.params.timer, e.params.token])
      if (e.type === 'slaClock' && e.params.token !== null)
        armed.push([`sla.${e.params.metric}`, e.params.token])
    }
    for (const [timer, token] of armed) {
      const tokens = seen.get(timer) ?? new Set<number>()
      if (tokens.has(token)) fail(`${timer} token ${token} armed twice`)
      tokens.add(token)
      seen.set(timer, tokens)
      if (timer !== 'autoClose' && token > after.context.clockSeq) fail(`${timer} token above clockSeq`)
      if (after.context.timers[timer] !== token) fail(`${timer} armed ${token} but context has another`)
    }
    for (const timer of TIMER_NAMES) {
      const token = after.context.timers[timer]
      if (token !== undefined && token !== before.context.timers[timer]) {
        if (!armed.some(([t, k]) => t === timer && k === token)) fail(`${timer} = ${token} without an effect`)
      }
    }
    // clockSeq never goes back; a step that changed nothing plans nothing.
    if (after.context.clockSeq < before.context.clockSeq) fail('clockSeq decreased')
    if (!step.changed && (step.effects.length > 0 || after.context.clockSeq !== before.context.clockSeq))
      fail('an ignored event planned something')
    // At most one slaClock op per metric, one survey and one escalation notice per step.
    const metrics = step.effects.flatMap((e) => (e.type === 'slaClock' ? [e.params.metric] : []))
    if (new Set(metrics).size !== metrics.length) fail(`two slaClock ops for one metric: ${metrics}`)
    const surveys = step.effects.filter((e) => e.type === 'survey')
    const closedNow = (s: TicketState) => s === 'resolved' || s === 'closed'
    const leftOpen = !closedNow(stateOf(before)) && closedNow(stateOf(after))
    if (surveys.length !== (leftOpen ? 1 : 0)) fail(`${surveys.length} surveys`)
    const notices = step.effects.filter((e) => e.type === 'notify' && e.params.kind === 'escalation')
    const newEscalation =
      !!after.context.escalation && after.context.escalation.reason !== before.context.escalation?.reason
    if (notices.length !== (newEscalation ? 1 : 0)) fail(`${notices.length} escalation notices`)
    // A met clock carries no token; a running one always has one.
    for (const metric of SLA_METRICS) {
      const clock = after.context.sla[metric]
      const token = after.context.timers[`sla.${metric}`]
      if (clock?.status === 'met' && token !== undefined) fail(`${metric} met but armed`)
      if (clock?.status === 'running' && token === undefined) fail(`${metric} running without a token`)
    }
    // `responded` never goes back to false.
    if (before.context.responded && !after.context.responded) fail('responded reset')
    if (checkMetOnceDone && closedNow(stateOf(after))) {
      for (const metric of SLA_METRICS) {
        const status = after.context.sla[metric]?.status
        if (status !== undefined && status !== 'met') fail(`${metric} ${status} while ${stateOf(after)}`)
      }
    }
    snapshot = after
  }
  return violations
}

describe('ticket clocks: properties over random event sequences', () => {
  const SEEDS = Array.from({ length: 300 }, (_, i) => 1000 + i)

  it('tokens are unique per timer, clockSeq never decreases, one slaClock op per metric per step', () => {
    const violations = SEEDS.flatMap((seed) => runSequence(seed, 60, false))
    expect(violations.slice(0, 5)).toEqual([])
  })

  it('the sequences reach every state and arm every timer', () => {
    const states = new Set<string>()
    const timers = new Set<string>()
    for (const seed of SEEDS.slice(0, 100)) {
      const random = prng(seed)
      const builders = menu(random)
      let snapshot = startTicket({ ticketId: 't', autoCloseSeconds: 60 }).snapshot
      for (let i = 0; i < 60 && snapshot.status !== 'done'; i++) {
        const event =
          i === 0 ? ev.customer('m-0') : builders[Math.floor(random() * builders.length)]!(snapshot, i)
        snapshot = applyTicketEvent(roundTrip(snapshot), event).snapshot
        states.add(stateOf(snapshot))
        for (const t of Object.keys(snapshot.context.timers)) timers.add(t)
      }
    }
    expect([...states].sort()).toEqual(
      ['awaiting_approval', 'bot_handled', 'closed', 'in_progress', 'pending', 'resolved', 'triaging'].sort(),
    )
    expect([...timers].sort()).toEqual([...TIMER_NAMES].sort())
  })

  // BUG (see 'known bugs'): resolving or closing before an answer leaves first/next response running.
  it('every SLA clock is met whenever the ticket is resolved or closed', () => {
    const violations = SEEDS.flatMap((seed) => runSequence(seed, 60, true))
    expect(violations.slice(0, 5)).toEqual([])
  })
})
