// Pure helpers to start, persist and restore the ticket actor, and to read effects off a transition.
// The host stores `persist()`'s JSON and later calls `restore()` then XState's pure `transition`.
import { initialTransition, transition } from 'xstate'
import {
  TICKET_EFFECTS,
  type TicketContext,
  type TicketEffect,
  type TicketEvent,
  type TicketInput,
  type TicketState,
  ticketMachine,
} from './ticket.machine.ts'
import { planClocks } from './ticket-clocks.ts'

export type TicketSnapshot = ReturnType<typeof ticketMachine.resolveState>

export interface PersistedTicket {
  value: TicketState
  context: TicketContext
}

export interface Step {
  snapshot: TicketSnapshot
  effects: TicketEffect[]
  /** False when the event matched no transition (stale, out of order, or not allowed here). */
  changed: boolean
}

const effectTypes = new Set<string>(TICKET_EFFECTS)

export function startTicket(input: TicketInput): Step {
  const [snapshot, actions] = initialTransition(ticketMachine, input)
  return { snapshot, effects: toEffects(actions), changed: true }
}

export function applyTicketEvent(snapshot: TicketSnapshot, event: TicketEvent): Step {
  // A finished actor accepts nothing; XState's `transition` would still run root-level handlers.
  if (snapshot.status === 'done') return { snapshot, effects: [], changed: false }
  const [next, actions] = transition(ticketMachine, snapshot, event)
  const effects = toEffects(actions)
  // XState returns the very same snapshot object when no transition changed the context or state;
  // a transition that only asks for effects (an internal note) was taken all the same.
  const changed = next !== snapshot || effects.length > 0
  if (!changed) return { snapshot: next, effects, changed }
  // The clocks follow from what the step did (machines/ticket-clocks.ts).
  const clocks = planClocks(snapshot, next, event, effects)
  const planned = ticketMachine.resolveState({
    value: next.value,
    context: { ...next.context, ...clocks.context },
  })
  return { snapshot: planned, effects: [...effects, ...clocks.effects], changed }
}

export function persistTicket(snapshot: TicketSnapshot): PersistedTicket {
  return { value: snapshot.value as TicketState, context: snapshot.context }
}

const ADDED_LATER: Pick<TicketContext, 'tags' | 'priority' | 'sla' | 'responded' | 'clockSeq'> = {
  tags: [],
  priority: 'normal',
  sla: {},
  responded: false,
  clockSeq: 0,
}

export function restoreTicket(persisted: PersistedTicket): TicketSnapshot {
  // Snapshots persisted before a context field existed get its default (tags, priority and the SLA
  // clocks came later).
  const context: TicketContext = { ...ADDED_LATER, ...persisted.context }
  return ticketMachine.resolveState({ value: persisted.value, context })
}

export function stateOf(snapshot: TicketSnapshot): TicketState {
  return snapshot.value as TicketState
}

function toEffects(actions: ReadonlyArray<{ type: string; params?: unknown }>): TicketEffect[] {
  return actions
    .filter((action) => effectTypes.has(action.type))
    .map((action) => ({ type: action.type, params: action.params }) as TicketEffect)
}
