// The customer-success half of the ticket's effects — SLA clocks and alerts, follow-ups, the survey,
// team notices — as an interface the server implements (they need tenant settings, business-hours
// maths and notification fan-out, which live above machines/). Each runs inside the transaction that
// persists the transition, like every other effect; `noCustomerSuccess` is the host without them.
import type { Tx } from '../../drizzle/database.ts'
import type { TicketEffects, TimerName } from '../ticket.machine.ts'
import type { Outbox } from './outbox.ts'

export interface EffectTicket {
  id: string
  tenantId: string
  conversationId: string
  contactId: string
}

export interface CustomerSuccessScope {
  tx: Tx
  outbox: Outbox
  ticket: EffectTicket
  channelId: string
  /** The host's clock: simulated in tests, so SLA due times move with it. */
  now: Date
}

export interface CustomerSuccessEffects {
  /** Seconds until a timer whose length is a tenant setting fires; null: the tenant turned it off. */
  timerDelay(scope: CustomerSuccessScope, timer: TimerName): Promise<number | null>
  slaClock(scope: CustomerSuccessScope, params: TicketEffects['slaClock']): Promise<void>
  slaAlert(scope: CustomerSuccessScope, params: TicketEffects['slaAlert']): Promise<void>
  followUp(scope: CustomerSuccessScope, params: TicketEffects['followUp']): Promise<void>
  survey(scope: CustomerSuccessScope, params: TicketEffects['survey']): Promise<void>
  notify(scope: CustomerSuccessScope, params: TicketEffects['notify']): Promise<void>
  /** A customer's message opened a new ticket. */
  ticketOpened(scope: CustomerSuccessScope): Promise<void>
}

const nothing = async () => {}

export const noCustomerSuccess: CustomerSuccessEffects = {
  timerDelay: async () => null,
  slaClock: nothing,
  slaAlert: nothing,
  followUp: nothing,
  survey: nothing,
  notify: nothing,
  ticketOpened: nothing,
}
