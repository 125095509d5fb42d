// The jobs the host asks for, as an interface: the runtime binds them to pg-boss queues. Each call
// runs inside the caller's transaction, so a job exists exactly when the data it belongs to commits.
import type { Tx } from '../../drizzle/database.ts'
import type { BreachPlan, TimerName } from '../ticket.machine.ts'

export interface AgentTurnJob {
  ticketId: string
  turn: number
  messageId: string | null
}

export interface DeliveryJob {
  ticketId: string
  messageId: string
}

export interface TimerJob {
  ticketId: string
  timer: TimerName
  token: number
  /** SLA timers: which of the two (warning, breach), and what the policy does on a breach. */
  phase?: 'warning' | 'breach'
  onBreach?: BreachPlan
}

export interface InboundJob {
  conversationId: string
  messageId: string
}

/** Media a customer sent through a provider, to fetch into storage (and transcribe, for a voice note). */
export interface MediaJob {
  messageId: string
}

/** A channel's messaging window closes at `expiresAt` unless the customer writes again. */
export interface WindowJob {
  conversationId: string
  expiresAt: string
}

export interface RetrainJob {
  tenantId: string
}

/** Write an AI-assist summary for the person who now has the ticket. */
export interface SummaryJob {
  ticketId: string
  reason: 'take_over' | 'transfer' | 'form'
  by: string
  /** The agent turn it was asked at: one summary per ticket, reason and turn. */
  turn: number
}

/** Find the queue and the person for a ticket that now waits for a human. */
export interface RouteJob {
  ticketId: string
}

export interface Outbox {
  inbound(tx: Tx, job: InboundJob): Promise<void>
  agentTurn(tx: Tx, job: AgentTurnJob): Promise<void>
  delivery(tx: Tx, job: DeliveryJob): Promise<void>
  /** Fires at `at` (the host's clock decides it, so simulated time in tests moves timers too). */
  timer(tx: Tx, job: TimerJob, at: Date): Promise<void>
  media(tx: Tx, job: MediaJob): Promise<void>
  /** Check, when the window should close, that it did: then the conversation moves to Expired. */
  window(tx: Tx, job: WindowJob): Promise<void>
  /** Retrain the tenant's local model (one queued per tenant, however many corrections arrive). */
  retrain(tx: Tx, job: RetrainJob): Promise<void>
  summary(tx: Tx, job: SummaryJob): Promise<void>
  route(tx: Tx, job: RouteJob): Promise<void>
}
