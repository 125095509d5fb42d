// The ticket lifecycle as a pure XState v5 machine. It never does I/O: it decides the next state and
// names the effects it wants (start an agent turn, queue a reply, store a draft, schedule a timer);
// the host (machines/host) persists the snapshot and turns those effects into rows and pg-boss jobs.
//
//   new → triaging → bot_handled | awaiting_approval | pending → in_progress → resolved → closed
//
// `owner` says who answers the customer's next message: the bot (an agent turn starts) or a human
// (the message waits in a person's queue). Take-over and hand-back move it; escalation gives it to
// humans. Timers are not XState `after` delays (those are not persisted): the machine asks for a
// durable timer with a token, and a TIMER event whose token is no longer current is stale and ignored.
import { assign, enqueueActions, setup } from 'xstate'
import type { Citation } from '../drizzle/schema/conversations.ts'
import type { GateAction, TicketOwner, TicketPriority, TicketStatus } from '../drizzle/schema/tickets.ts'

export const TICKET_MACHINE_VERSION = 1

// The stored forms of state, owner and gate action are the machine's own vocabulary.
export type TicketState = TicketStatus
export type Owner = TicketOwner
export type { GateAction }
/**
 * Durable timers. `sla.*` fire twice per token (a warning, then the breach); the follow-ups remind the
 * customer (then resolve), or the owner when the customer waits; `backToBot` returns a ticket a person
 * resolved to the bot. Their lengths are tenant settings the host reads when it schedules them.
 */
export const TIMER_NAMES = [
  'autoClose',
  'followUpCustomer',
  'autoResolve',
  'followUpOwner',
  'backToBot',
  'sla.firstResponse',
  'sla.nextResponse',
  'sla.resolution',
] as const
export type TimerName = (typeof TIMER_NAMES)[number]
export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const
export type SlaMetric = (typeof SLA_METRICS)[number]
export type SlaTimerName = `sla.${SlaMetric}`

/** What the machine knows of an SLA clock; due times and business hours are the host's business. */
export interface SlaClock {
  status: 'running' | 'paused' | 'met'
  warned: boolean
  breached: boolean
}

/** What a policy says to do on a breach; the host puts it on the breach timer when it schedules it. */
export interface BreachPlan {
  raisePriority: boolean
  reassignTo: string | null
}

/** Team notifications the ticket itself raises (the host fans them out to people's channels). */
export type TicketNotice = 'escalation' | 'customer_waiting'

export interface TicketContext {
  ticketId: string
  owner: Owner
  assignee: string | null
  /** Agent turns started so far; the turn in flight is `pendingTurn`. */
  turn: number
  pendingTurn: number | null
  /** The customer wrote last and nobody has answered yet. */
  unanswered: boolean
  lastCustomerMessageId: string | null
  category: string | null
  intent: string | null
  urgency: string | null
  lastDecision: { turn: number; agent: string; action: GateAction; confidence: number } | null
  /** The agent handling the conversation; a decision by another agent is a hand-off. */
  agent: string | null
  /** What the agents remember between turns (lead details, a question they asked …), small JSON. */
  memory: Record<string, unknown>
  /** The draft waiting for approval, if any. */
  draftId: string | null
  escalation: { reason: string } | null
  /** Current token per durable timer; a TIMER event with another token is stale. */
  timers: Partial<Record<TimerName, number>>
  timerSeq: number
  /** Token sequence of the timers machines/ticket-clocks.ts plans. */
  clockSeq: number
  /** How long a resolved ticket waits before it closes itself (a timer job, not an XState delay). */
  autoCloseSeconds: number
  /** The last reply the channel confirmed delivered. */
  lastDeliveredMessageId: string | null
  /** Tag names (operators and routing rules add them). */
  tags: string[]
  priority: TicketPriority
  /** SLA clocks by metric (planned by machines/ticket-clocks.ts). */
  sla: Partial<Record<SlaMetric, SlaClock>>
  /** Someone (bot or person) has answered the customer at least once. */
  responded: boolean
}

export interface TicketInput {
  ticketId: string
  autoCloseSeconds?: number
}

export interface ReplyPayload {
  messageId: string
  body: string
  citations: Citation[]
}

export type TicketEvent =
  | { type: 'CUSTOMER_MESSAGE'; messageId: string }
  | {
      type: 'AGENT_DECIDED'
      turn: number
      decisionId: string
      agent: string
      action: GateAction
      confidence: number
      reason: string
      category: string | null
      intent: string | null
      urgency: string | null
      /** The answer: sent as is when `auto`, stored as a draft when `review`. */
      reply: ReplyPayload | null
      draftId: string | null
      /** Kept with the decision so gate thresholds can be calibrated from data. */
      model: string
      latencyMs: number
      scores: Record<string, unknown>
      /** The agents' memory after this turn (replaces the previous one). */
      memory: Record<string, unknown>
      /** Tools that change the world, to run only if this decision is accepted (auto or escalate). */
      toolCalls: ProposedToolCall[]
    }
  | { type: 'AGENT_FAILED'; turn: number; error: string }
  | { type: 'REPLY_DELIVERED'; messageId: string }
  | { type: 'REPLY_FAILED'; messageId: string; error: string }
  | { type: 'DRAFT_APPROVE'; draftId: string; messageId: string; by: string }
  | { type: 'DRAFT_SEND'; draftId: string; messageId: string; text: string; by: string }
  | { type: 'DRAFT_REJECT'; draftId: string; by: string; reason?: string }
  | {
      type: 'HUMAN_REPLY'
      messageId: string
      text: string
      by: string
      /** An approved template (the only thing WhatsApp allows outside its 24-hour window). */
      template?: MessageTemplate
    }
  | { type: 'TAKE_OVER'; by: string }
  | { type: 'HAND_BACK'; by: string }
  | { type: 'ASSIGN'; assignee: string | null; by: string }
  | { type: 'TAG'; add?: string[]; remove?: string[]; by: string }
  | { type: 'SET_PRIORITY'; priority: TicketPriority; by: string }
  /** An internal note for the team: kept in the thread, never sent to the customer. */
  | { type: 'NOTE'; messageId: string; text: string; by: string }
  /** An operator corrects the classification (and so teaches the model). */
  | { type: 'RECLASSIFY'; category?: string; intent?: string; urgency?: string; by: string }
  | { type: 'MARK_PENDING'; by: string; reason?: string }
  | { type: 'RESOLVE'; by: string }
  | { type: 'REOPEN'; by: string }
  | { type: 'CLOSE'; by: string }
  | {
      type: 'TIMER'
      timer: TimerName
      token: number
      /** SLA timers: the warning at a share of the target, or the breach at the target. */
      phase?: 'warning' | 'breach' | undefined
      onBreach?: BreachPlan | undefined
    }

export type TicketEventType = TicketEvent['type']
type EventOf<T extends TicketEventType> = Extract<TicketEvent, { type: T }>

/** Effects the host runs in the transaction that persists the transition. */
export interface TicketEffects {
  startTurn: { turn: number; messageId: string | null }
  recordDecision: Omit<EventOf<'AGENT_DECIDED'>, 'type' | 'reply'> & {
    citations: Citation[]
    /** The customer message the decision answers. */
    messageId: string | null
  }
  queueReply: {
    messageId: string
    body: string
    citations: Citation[]
    author: 'bot' | 'human'
    authorRef: string
    replyToId: string | null
    idempotencyKey: string
    draftId: string | null
    template?: MessageTemplate | undefined
  }
  storeDraft: { draftId: string; decisionId: string; body: string; citations: Citation[]; confidence: number }
  settleDraft: {
    draftId: string
    status: 'sent' | 'rejected' | 'superseded'
    by: string | null
    sentMessageId: string | null
  }
  /** `delaySeconds` null: the length is a tenant setting the host reads (follow-ups, back to bot). */
  scheduleTimer: { timer: TimerName; token: number; delaySeconds: number | null }
  /**
   * An SLA clock starts, pauses, resumes, stops (met) or is re-targeted (priority or urgency changed,
   * so another policy may apply). The host keeps its due times and schedules warning and breach timers.
   */
  slaClock: {
    metric: SlaMetric
    op: 'start' | 'pause' | 'resume' | 'stop' | 'retarget'
    /** The clock's new timer token (start, resume, retarget). */
    token: number | null
    priority: TicketPriority
    urgency: string | null
  }
  /** An SLA timer fired for the current clock: record it and tell the team. */
  slaAlert: { metric: SlaMetric; phase: 'warning' | 'breach' }
  /** Remind the customer that we are waiting for their reply (the tenant's text or template). */
  followUp: { reason: 'no_reply' }
  /** The ticket was resolved or closed: the satisfaction survey goes out (if the tenant wants it). */
  survey: { by: string | null }
  notify: { kind: TicketNotice; reason: string | null }
  /** A world-changing tool call, keyed so a replayed effect runs it once. */
  runTool: ProposedToolCall & { idempotencyKey: string }
  addNote: { messageId: string; text: string; by: string }
  /**
   * A summary for the person who now has the conversation (AI assist): when a human takes over from
   * the bot or the ticket moves from one person to another. Written by a job, off the transaction.
   */
  summarize: { reason: 'take_over' | 'transfer'; by: string; turn: number }
  /** The ticket now waits for a person: routing rules and the queue's strategy pick who. */
  route: { reason: string }
}
export type TicketEffect = {
  [K in keyof TicketEffects]: { type: K; params: TicketEffects[K] }
}[keyof TicketEffects]
export const TICKET_EFFECTS = [
  'startTurn',
  'recordDecision',
  'queueReply',
  'storeDraft',
  'settleDraft',
  'scheduleTimer',
  'runTool',
  'addNote',
  'summarize',
  'route',
  'slaClock',
  'slaAlert',
  'followUp',
  'survey',
  'notify',
] as const satisfies readonly (keyof TicketEffects)[]

export interface MessageTemplate {
  name: string
  language: string
  parameters: string[]
}

export interface ProposedToolCall {
  tool: string
  input: Record<string, unknown>
}

const DEFAULT_AUTO_CLOSE_SECONDS = 4 * 24 * 3600

// Effects are declared, never executed here: the host reads them from `transition()`'s result.
const declared =
  <P>() =>
  (_: unknown, _params: P) => {}

export const ticketMachine = setup({
  types: {
    context: {} as TicketContext,
    events: {} as TicketEvent,
    input: {} as TicketInput,
  },
  actions: {
    startTurn: declared<TicketEffects['startTurn']>(),
    recordDecision: declared<TicketEffects['recordDecision']>(),
    queueReply: declared<TicketEffects['queueReply']>(),
    storeDraft: declared<TicketEffects['storeDraft']>(),
    settleDraft: declared<TicketEffects['settleDraft']>(),
    scheduleTimer: declared<TicketEffects['scheduleTimer']>(),
    runTool: declared<TicketEffects['runTool']>(),
    addNote: declared<TicketEffects['addNote']>(),
    summarize: declared<TicketEffects['summarize']>(),
    route: declared<TicketEffects['route']>(),
    slaClock: declared<TicketEffects['slaClock']>(),
    slaAlert: declared<TicketEffects['slaAlert']>(),
    followUp: declared<TicketEffects['followUp']>(),
    survey: declared<TicketEffects['survey']>(),
    notify: declared<TicketEffects['notify']>(),
    slaWarned: enqueueActions(({ context, event, enqueue }) => {
      const metric = slaMetricOf(event)
      const clock = metric && context.sla[metric]
      if (!metric || !clock) return
      enqueue.assign({ sla: { ...context.sla, [metric]: { ...clock, warned: true } } })
      enqueue({ type: 'slaAlert', params: { metric, phase: 'warning' } })
    }),
    // A breach: recorded, the team told, and the policy's escalation applied — the priority goes up
    // a step and the ticket moves to the person the policy names.
    slaBreached: enqueueActions(({ context, event, enqueue }) => {
      const metric = slaMetricOf(event)
      const clock = metric && context.sla[metric]
      if (!metric || !clock || event.type !== 'TIMER') return
      enqueue.assign({ sla: { ...context.sla, [metric]: { ...clock, warned: true, breached: true } } })
      enqueue({ type: 'slaAlert', params: { metric, phase: 'breach' } })
      const plan = event.onBreach
      if (plan?.raisePriority) {
        const raised =
          TICKET_PRIORITY_ORDER[Math.min(TICKET_PRIORITY_ORDER.indexOf(context.priority) + 1, 3)]!
        if (raised !== context.priority) enqueue.assign({ priority: raised })
      }
      if (plan?.reassignTo && plan.reassignTo !== context.assignee) {
        if (context.assignee) {
          enqueue({ type: 'summarize', params: { reason: 'transfer', by: 'sla', turn: context.turn } })
        }
        enqueue.assign({ assignee: plan.reassignTo })
      }
    }),
    remindCustomer: enqueueActions(({ enqueue }) => {
      enqueue({ type: 'followUp', params: { reason: 'no_reply' } })
    }),
    remindOwner: enqueueActions(({ enqueue }) => {
      enqueue({ type: 'notify', params: { kind: 'customer_waiting', reason: null } })
    }),
    // The tools an accepted decision proposed, each under a key of its turn and position.
    runProposedTools: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'AGENT_DECIDED') return
      event.toolCalls.forEach((call, i) => {
        enqueue({ type: 'runTool', params: { ...call, idempotencyKey: `turn:${event.turn}:tool:${i}` } })
      })
    }),

    noteCustomerMessage: assign(({ event }) => {
      const { messageId } = event as EventOf<'CUSTOMER_MESSAGE'>
      return { unanswered: true, lastCustomerMessageId: messageId }
    }),
    beginTurn: assign(({ context }) => ({ turn: context.turn + 1, pendingTurn: context.turn + 1 })),
    takeDecision: assign(({ event }) => {
      const e = event as EventOf<'AGENT_DECIDED'>
      return {
        pendingTurn: null,
        category: e.category,
        intent: e.intent,
        urgency: e.urgency,
        lastDecision: { turn: e.turn, agent: e.agent, action: e.action, confidence: e.confidence },
        agent: e.agent,
        memory: e.memory,
      }
    }),
    answered: assign({ unanswered: false }),
    keepDraft: assign(({ event }) => ({ draftId: (event as EventOf<'AGENT_DECIDED'>).draftId })),
    dropDraft: assign({ draftId: null }),
    supersedeDraft: enqueueActions(({ context, enqueue }) => {
      if (!context.draftId) return
      enqueue({
        type: 'settleDraft',
        params: { draftId: context.draftId, status: 'superseded', by: null, sentMessageId: null },
      })
      enqueue.assign({ draftId: null })
    }),
    escalate: enqueueActions(({ context, event, enqueue }) => {
      const reason = escalationReason(event)
      enqueue.assign({ owner: 'human' as const, pendingTurn: null, escalation: { reason } })
      // Nobody has it yet: routing rules and auto-assignment find someone.
      if (!context.assignee) enqueue({ type: 'route', params: { reason } })
    }),
    // Taking over from the bot, or moving the ticket from one person to another, hands the
    // conversation to someone new: they get a summary instead of reading the whole thread.
    summarizeForNewOwner: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'TAKE_OVER' && context.owner === 'bot') {
        enqueue({ type: 'summarize', params: { reason: 'take_over', by: event.by, turn: context.turn } })
      }
      if (
        event.type === 'ASSIGN' &&
        context.assignee &&
        event.assignee &&
        event.assignee !== context.assignee
      ) {
        enqueue({ type: 'summarize', params: { reason: 'transfer', by: event.by, turn: context.turn } })
      }
    }),
    tag: assign(({ context, event }) => {
      const e = event as EventOf<'TAG'>
      const remove = new Set(e.remove ?? [])
      const kept = context.tags.filter((t) => !remove.has(t))
      return { tags: [...kept, ...(e.add ?? []).filter((t) => !kept.includes(t))] }
    }),
    setPriority: assign(({ event }) => ({ priority: (event as EventOf<'SET_PRIORITY'>).priority })),
    toHuman: assign(({ context, event }) => ({
      owner: 'human' as const,
      pendingTurn: null,
      escalation: null,
      // Taking over claims the ticket; replying or reopening claims it only if nobody has it yet.
      assignee:
        event.type === 'TAKE_OVER'
          ? event.by
          : (context.assignee ?? (event.type === 'HUMAN_REPLY' || event.type === 'REOPEN' ? event.by : null)),
    })),
    toBot: assign({ owner: 'bot' as const, escalation: null }),
    setAssignee: assign(({ event }) => ({ assignee: (event as EventOf<'ASSIGN'>).assignee })),
    note: enqueueActions(({ event, enqueue }) => {
      const e = event as EventOf<'NOTE'>
      enqueue({ type: 'addNote', params: { messageId: e.messageId, text: e.text, by: e.by } })
    }),
    reclassify: assign(({ context, event }) => {
      const e = event as EventOf<'RECLASSIFY'>
      return {
        category: e.category ?? context.category,
        intent: e.intent ?? context.intent,
        urgency: e.urgency ?? context.urgency,
      }
    }),
    armAutoClose: assign(({ context }) => ({
      timerSeq: context.timerSeq + 1,
      timers: { ...context.timers, autoClose: context.timerSeq + 1 },
    })),
    disarmAutoClose: assign(({ context }) => {
      const { autoClose: _dropped, ...rest } = context.timers
      return { timers: rest }
    }),
  },
  guards: {
    currentTurn: ({ context, event }) => 'turn' in event && event.turn === context.pendingTurn,
    decidedAuto: ({ context, event }) =>
      event.type === 'AGENT_DECIDED' &&
      event.turn === context.pendingTurn &&
      event.action === 'auto' &&
      !!event.reply,
    decidedReview: ({ context, event }) =>
      event.type === 'AGENT_DECIDED' &&
      event.turn === context.pendingTurn &&
      event.action === 'review' &&
      !!event.reply &&
      !!event.draftId,
    decidedEscalateWithNotice: ({ context, event }) =>
      event.type === 'AGENT_DECIDED' &&
      event.turn === context.pendingTurn &&
      event.action === 'escalate' &&
      !!event.reply,
    currentDraft: ({ context, event }) => 'draftId' in event && event.draftId === context.draftId,
    botOwns: ({ context }) => context.owner === 'bot',
    humanOwns: ({ context }) => context.owner === 'human',
    humanOwnsAndUnanswered: ({ context }) => context.owner === 'human' && context.unanswered,
    assigneeChanges: ({ context, event }) => event.type === 'ASSIGN' && event.assignee !== context.assignee,
    tagsChange: ({ context, event }) =>
      event.type === 'TAG' &&
      ((event.add ?? []).some((t) => !context.tags.includes(t)) ||
        (event.remove ?? []).some((t) => context.tags.includes(t))),
    priorityChanges: ({ context, event }) =>
      event.type === 'SET_PRIORITY' && event.priority !== context.priority,
    currentAutoCloseTimer: ({ context, event }) =>
      event.type === 'TIMER' && event.timer === 'autoClose' && context.timers.autoClose === event.token,
    // Every other timer is current only while its token is: the clock planner drops or replaces the
    // token the moment the timer stops making sense (the customer wrote, the ticket was resolved …).
    slaWarningDue: ({ context, event }) => {
      const metric = slaMetricOf(event)
      return (
        !!metric &&
        currentTimer(context, event) &&
        (event as EventOf<'TIMER'>).phase === 'warning' &&
        context.sla[metric]?.status === 'running' &&
        !context.sla[metric]?.warned
      )
    },
    slaBreachDue: ({ context, event }) => {
      const metric = slaMetricOf(event)
      return (
        !!metric &&
        currentTimer(context, event) &&
        (event as EventOf<'TIMER'>).phase === 'breach' &&
        context.sla[metric]?.status === 'running' &&
        !context.sla[metric]?.breached
      )
    },
    customerFollowUpDue: ({ context, event }) =>
      isTimer(event, 'followUpCustomer') && currentTimer(context, event) && !context.unanswered,
    autoResolveDue: ({ context, event }) =>
      isTimer(event, 'autoResolve') && currentTimer(context, event) && !context.unanswered,
    ownerFollowUpDue: ({ context, event }) =>
      isTimer(event, 'followUpOwner') &&
      currentTimer(context, event) &&
      context.unanswered &&
      context.owner === 'human',
    backToBotDue: ({ context, event }) =>
      isTimer(event, 'backToBot') && currentTimer(context, event) && context.owner === 'human',
  },
}).createMachine({
  id: 'ticket',
  context: ({ input }) => ({
    ticketId: input.ticketId,
    owner: 'bot',
    assignee: null,
    turn: 0,
    pendingTurn: null,
    unanswered: false,
    lastCustomerMessageId: null,
    category: null,
    intent: null,
    urgency: null,
    lastDecision: null,
    agent: null,
    memory: {},
    draftId: null,
    escalation: null,
    timers: {},
    timerSeq: 0,
    autoCloseSeconds: input.autoCloseSeconds ?? DEFAULT_AUTO_CLOSE_SECONDS,
    lastDeliveredMessageId: null,
    tags: [],
    priority: 'normal',
    sla: {},
    responded: false,
    clockSeq: 0,
  }),
  initial: 'new',
  // Operator events valid in every live state; states below refine or override them.
  on: {
    ASSIGN: { guard: 'assigneeChanges', actions: ['summarizeForNewOwner', 'setAssignee'] },
    RECLASSIFY: { actions: 'reclassify' },
    TAG: { guard: 'tagsChange', actions: 'tag' },
    SET_PRIORITY: { guard: 'priorityChanges', actions: 'setPriority' },
    NOTE: { actions: 'note' },
    TAKE_OVER: {
      target: '.in_progress',
      actions: ['summarizeForNewOwner', 'toHuman', ...dropPendingDraft()],
    },
    HUMAN_REPLY: { target: '.in_progress', actions: ['toHuman', ...dropPendingDraft(), ...humanReply()] },
    MARK_PENDING: { target: '.pending', actions: [...dropPendingDraft(), 'escalate'] },
    RESOLVE: { target: '.resolved', actions: [...dropPendingDraft(), assign({ pendingTurn: null })] },
    CLOSE: { target: '.closed', actions: [...dropPendingDraft(), assign({ pendingTurn: null })] },
    REPLY_DELIVERED: {
      actions: assign(({ event }) => ({
        lastDeliveredMessageId: (event as EventOf<'REPLY_DELIVERED'>).messageId,
      })),
    },
    // A reply that could not be delivered after all retries: a human has to look.
    REPLY_FAILED: { guard: 'botOwns', target: '.pending', actions: 'escalate' },
    TIMER: [
      { guard: 'slaWarningDue', actions: 'slaWarned' },
      { guard: 'slaBreachDue', actions: 'slaBreached' },
      { guard: 'customerFollowUpDue', actions: 'remindCustomer' },
      // The customer never came back after the reminder: resolved by the system.
      {
        guard: 'autoResolveDue',
        target: '.resolved',
        actions: [...dropPendingDraft(), assign({ pendingTurn: null })],
      },
      { guard: 'ownerFollowUpDue', actions: 'remindOwner' },
    ],
  },
  states: {
    new: {
      on: {
        CUSTOMER_MESSAGE: { target: 'triaging', actions: ['noteCustomerMessage', 'beginTurn', startTurn()] },
      },
    },
    triaging: {
      on: {
        // A newer message supersedes the turn in flight: its late decision will be stale.
        CUSTOMER_MESSAGE: {
          target: 'triaging',
          reenter: true,
          actions: ['noteCustomerMessage', 'beginTurn', startTurn()],
        },
        AGENT_DECIDED: [
          {
            guard: 'decidedAuto',
            target: 'bot_handled',
            actions: ['takeDecision', recordDecision(), botReply(), 'runProposedTools', 'answered'],
          },
          {
            guard: 'decidedReview',
            target: 'awaiting_approval',
            actions: ['takeDecision', recordDecision(), storeDraft(), 'keepDraft'],
          },
          // Escalate with a notice to the customer that a person will reply (still unanswered).
          {
            guard: 'decidedEscalateWithNotice',
            target: 'pending',
            actions: ['takeDecision', recordDecision(), 'runProposedTools', botReply(), 'escalate'],
          },
          // `escalate` without a notice, or an auto/review decision that came without an answer to send.
          {
            guard: 'currentTurn',
            target: 'pending',
            actions: ['takeDecision', recordDecision(), 'runProposedTools', 'escalate'],
          },
        ],
        AGENT_FAILED: { guard: 'currentTurn', target: 'pending', actions: 'escalate' },
      },
    },
    bot_handled: {
      on: {
        CUSTOMER_MESSAGE: { target: 'triaging', actions: ['noteCustomerMessage', 'beginTurn', startTurn()] },
      },
    },
    awaiting_approval: {
      on: {
        DRAFT_APPROVE: {
          guard: 'currentDraft',
          target: 'bot_handled',
          actions: [approvedReply(), settleDraft('sent'), 'dropDraft', 'answered'],
        },
        DRAFT_SEND: {
          guard: 'currentDraft',
          target: 'bot_handled',
          actions: [editedReply(), settleDraft('sent'), 'dropDraft', 'answered'],
        },
        DRAFT_REJECT: {
          guard: 'currentDraft',
          target: 'pending',
          actions: [settleDraft('rejected'), 'dropDraft', 'escalate'],
        },
        CUSTOMER_MESSAGE: {
          target: 'triaging',
          actions: ['noteCustomerMessage', ...dropPendingDraft(), 'beginTurn', startTurn()],
        },
      },
    },
    pending: {
      on: {
        // Escalated: the bot stays silent and the message waits for a person.
        CUSTOMER_MESSAGE: { actions: 'noteCustomerMessage' },
        HAND_BACK: handBack(),
      },
    },
    in_progress: {
      on: {
        CUSTOMER_MESSAGE: { actions: 'noteCustomerMessage' },
        HAND_BACK: handBack(),
      },
    },
    resolved: {
      entry: ['armAutoClose', scheduleAutoClose()],
      exit: 'disarmAutoClose',
      on: {
        CUSTOMER_MESSAGE: [
          {
            guard: 'botOwns',
            target: 'triaging',
            actions: ['noteCustomerMessage', 'beginTurn', startTurn()],
          },
          { target: 'in_progress', actions: 'noteCustomerMessage' },
        ],
        REOPEN: { target: 'in_progress', actions: 'toHuman' },
        HAND_BACK: { guard: 'humanOwns', actions: 'toBot' },
        // A human's follow-up on a resolved ticket does not reopen it.
        HUMAN_REPLY: { actions: humanReply() },
        RESOLVE: {},
        TIMER: [
          { guard: 'currentAutoCloseTimer', target: 'closed' },
          // A person closed the conversation a while ago: the bot answers whatever comes next.
          { guard: 'backToBotDue', actions: 'toBot' },
        ],
      },
    },
    closed: {
      // Closed is final: a new message from the customer opens a new ticket (the host does that).
      type: 'final',
    },
  },
})

// ——— action builders: each returns the machine's action objects with params from context/event ———

function startTurn() {
  return {
    type: 'startTurn',
    params: ({ context }: { context: TicketContext }) => ({
      turn: context.turn,
      messageId: context.lastCustomerMessageId,
    }),
  } as const
}

function recordDecision() {
  return {
    type: 'recordDecision',
    params: ({ context, event }: { context: TicketContext; event: TicketEvent }) => {
      const { type: _t, reply, ...decision } = event as EventOf<'AGENT_DECIDED'>
      return { ...decision, citations: reply?.citations ?? [], messageId: context.lastCustomerMessageId }
    },
  } as const
}

/** Every reply answers the customer's latest message; the builders say who wrote what, under which key. */
function queueReply(build: (event: TicketEvent) => Omit<TicketEffects['queueReply'], 'replyToId'>) {
  return {
    type: 'queueReply',
    params: ({ context, event }: { context: TicketContext; event: TicketEvent }) => ({
      ...build(event),
      replyToId: context.lastCustomerMessageId,
    }),
  } as const
}

function botReply() {
  return queueReply((event) => {
    const e = event as EventOf<'AGENT_DECIDED'>
    const reply = e.reply as ReplyPayload
    const { messageId, body, citations } = reply
    return {
      messageId,
      body,
      citations,
      author: 'bot',
      authorRef: e.agent,
      idempotencyKey: `turn:${e.turn}`,
      draftId: null,
    }
  })
}

function approvedReply() {
  return queueReply((event) => {
    const e = event as EventOf<'DRAFT_APPROVE'>
    // The draft's own text and citations are filled in by the host from the stored draft.
    const key = `draft:${e.draftId}`
    return {
      messageId: e.messageId,
      body: '',
      citations: [],
      author: 'bot',
      authorRef: e.by,
      idempotencyKey: key,
      draftId: e.draftId,
    }
  })
}

function editedReply() {
  return queueReply((event) => {
    const e = event as EventOf<'DRAFT_SEND'>
    const key = `draft:${e.draftId}`
    return {
      messageId: e.messageId,
      body: e.text,
      citations: [],
      author: 'human',
      authorRef: e.by,
      idempotencyKey: key,
      draftId: e.draftId,
    }
  })
}

function humanReply() {
  const reply = queueReply((event) => {
    const e = event as EventOf<'HUMAN_REPLY'>
    const key = `human:${e.messageId}`
    return {
      messageId: e.messageId,
      body: e.text,
      citations: [],
      author: 'human',
      authorRef: e.by,
      idempotencyKey: key,
      draftId: null,
      ...(e.template ? { template: e.template } : {}),
    }
  })
  return [reply, 'answered' as const]
}

function storeDraft() {
  return {
    type: 'storeDraft',
    params: ({ event }: { event: TicketEvent }) => {
      const e = event as EventOf<'AGENT_DECIDED'>
      const reply = e.reply as ReplyPayload
      return {
        draftId: e.draftId as string,
        decisionId: e.decisionId,
        body: reply.body,
        citations: reply.citations,
        confidence: e.confidence,
      }
    },
  } as const
}

function settleDraft(status: 'sent' | 'rejected') {
  return {
    type: 'settleDraft',
    params: ({ event }: { event: TicketEvent }) => {
      const e = event as EventOf<'DRAFT_APPROVE' | 'DRAFT_SEND' | 'DRAFT_REJECT'>
      return { draftId: e.draftId, status, by: e.by, sentMessageId: 'messageId' in e ? e.messageId : null }
    },
  } as const
}

/** A draft still waiting when something else happens is superseded, never silently left pending. */
function dropPendingDraft() {
  return ['supersedeDraft' as const]
}

function scheduleAutoClose() {
  return {
    type: 'scheduleTimer',
    params: ({ context }: { context: TicketContext }) => ({
      timer: 'autoClose' as const,
      token: context.timers.autoClose ?? context.timerSeq,
      delaySeconds: context.autoCloseSeconds,
    }),
  } as const
}

function handBack() {
  return [
    // The customer is waiting for an answer: the bot takes a turn on it right away.
    {
      guard: 'humanOwnsAndUnanswered',
      target: 'triaging',
      actions: ['toBot', 'beginTurn', startTurn()],
    },
    { guard: 'humanOwns', target: 'bot_handled', actions: 'toBot' },
  ] as const
}

const TICKET_PRIORITY_ORDER = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly TicketPriority[]

function isTimer(event: TicketEvent, timer: TimerName): boolean {
  return event.type === 'TIMER' && event.timer === timer
}

function currentTimer(context: TicketContext, event: TicketEvent): boolean {
  return event.type === 'TIMER' && context.timers[event.timer] === event.token
}

function slaMetricOf(event: TicketEvent): SlaMetric | null {
  if (event.type !== 'TIMER' || !event.timer.startsWith('sla.')) return null
  return event.timer.slice(4) as SlaMetric
}

function escalationReason(event: TicketEvent): string {
  switch (event.type) {
    case 'AGENT_DECIDED':
      return event.reason
    case 'AGENT_FAILED':
      return `agent_failed: ${event.error}`
    case 'REPLY_FAILED':
      return `delivery_failed: ${event.error}`
    case 'DRAFT_REJECT':
      return event.reason ? `draft_rejected: ${event.reason}` : 'draft_rejected'
    case 'MARK_PENDING':
      return event.reason ?? 'marked_pending'
    default:
      return event.type.toLowerCase()
  }
}
