// Ticket machine events as the host builds them, with defaults, shared by the machine's test suites.
import type { TicketEvent, TimerName } from './ticket.machine.ts'

export type EventOf<T extends TicketEvent['type']> = Extract<TicketEvent, { type: T }>
type Priority = EventOf<'SET_PRIORITY'>['priority']

export const citation = {
  documentId: 'd1',
  passageId: 'p1',
  slug: 'reset-password',
  title: 'Reset your password',
  heading: 'Reset it by email',
  url: null,
}

export const ev = {
  customer: (messageId = 'm1'): TicketEvent => ({ type: 'CUSTOMER_MESSAGE', messageId }),
  decided: (
    turn: number,
    action: 'auto' | 'review' | 'escalate',
    {
      withReply = action !== 'escalate',
      urgency = 'normal' as string | null,
      reason = action === 'escalate' ? 'restricted_action:refund' : 'answered_from_library',
    } = {},
  ): TicketEvent => ({
    type: 'AGENT_DECIDED',
    turn,
    decisionId: `dec-${turn}`,
    agent: 'atlas',
    action,
    confidence: action === 'auto' ? 0.93 : action === 'review' ? 0.6 : 0.2,
    reason,
    category: 'how_to',
    intent: 'support',
    urgency,
    reply: withReply ? { messageId: `out-${turn}`, body: 'Here is how.', citations: [citation] } : null,
    draftId: action === 'review' && withReply ? `draft-${turn}` : null,
    model: 'local',
    latencyMs: 3,
    scores: {},
    memory: {},
    toolCalls: [],
  }),
  failed: (turn: number): TicketEvent => ({ type: 'AGENT_FAILED', turn, error: 'model timeout' }),
  approve: (draftId: string, by = 'op-1'): TicketEvent => ({
    type: 'DRAFT_APPROVE',
    draftId,
    messageId: 'out-a',
    by,
  }),
  send: (draftId: string): TicketEvent => ({
    type: 'DRAFT_SEND',
    draftId,
    messageId: 'out-s',
    text: 'Edited',
    by: 'op-1',
  }),
  reject: (draftId: string): TicketEvent => ({
    type: 'DRAFT_REJECT',
    draftId,
    by: 'op-1',
    reason: 'wrong article',
  }),
  humanReply: (messageId = 'out-h', by = 'op-2'): TicketEvent => ({
    type: 'HUMAN_REPLY',
    messageId,
    text: 'Hi, Sam here',
    by,
  }),
  takeOver: (by = 'op-1'): TicketEvent => ({ type: 'TAKE_OVER', by }),
  handBack: (): TicketEvent => ({ type: 'HAND_BACK', by: 'op-1' }),
  assign: (assignee: string | null = 'op-3'): TicketEvent => ({ type: 'ASSIGN', assignee, by: 'op-1' }),
  markPending: (reason = 'needs billing'): TicketEvent => ({ type: 'MARK_PENDING', by: 'op-1', reason }),
  resolve: (by = 'op-1'): TicketEvent => ({ type: 'RESOLVE', by }),
  reopen: (by = 'op-4'): TicketEvent => ({ type: 'REOPEN', by }),
  close: (by = 'op-1'): TicketEvent => ({ type: 'CLOSE', by }),
  delivered: (messageId = 'out-1'): TicketEvent => ({ type: 'REPLY_DELIVERED', messageId }),
  deliveryFailed: (messageId = 'out-1'): TicketEvent => ({
    type: 'REPLY_FAILED',
    messageId,
    error: '503 from channel',
  }),
  timer: (timer: TimerName, token: number, extra: Partial<EventOf<'TIMER'>> = {}): TicketEvent => ({
    type: 'TIMER',
    timer,
    token,
    ...extra,
  }),
  tag: (add: string[], remove: string[] = []): TicketEvent => ({ type: 'TAG', add, remove, by: 'op-1' }),
  priority: (priority: Priority): TicketEvent => ({ type: 'SET_PRIORITY', priority, by: 'op-1' }),
  note: (messageId = 'note-1'): TicketEvent => ({
    type: 'NOTE',
    messageId,
    text: 'Checked billing',
    by: 'op-2',
  }),
  reclassify: (urgency: string): TicketEvent => ({ type: 'RECLASSIFY', urgency, by: 'op-1' }),
}
