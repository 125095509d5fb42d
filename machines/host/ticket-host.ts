// The actor host: the only code that changes a ticket. For each event it locks the ticket row, loads
// the persisted snapshot, applies the event with XState's pure `transition`, and in the same
// transaction persists the snapshot, projects it onto the ticket row, appends the audit event and
// runs the declared effects (rows + pg-boss jobs). One event at a time per ticket; tickets in parallel.
import { randomUUID } from 'node:crypto'
import { and, eq, ne, sql } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import { setSpanAttributes, withSpan } from '../../common/tracing.ts'
import type { Database, Tx } from '../../drizzle/database.ts'
import { conversations } from '../../drizzle/schema/conversations.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { type ActorKind, actorSnapshots, ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import {
  applyTicketEvent,
  type PersistedTicket,
  persistTicket,
  restoreTicket,
  startTicket,
  stateOf,
  type TicketSnapshot,
} from '../actor-snapshot.ts'
import {
  type Owner,
  TICKET_MACHINE_VERSION,
  type TicketEffect,
  type TicketEvent,
  type TicketState,
} from '../ticket.machine.ts'
import { type CustomerSuccessEffects, noCustomerSuccess } from './customer-success-effects.ts'
import { runEffect } from './effects.ts'
import { KeyedQueue } from './keyed-queue.ts'
import type { Outbox } from './outbox.ts'
import { noTools, type ToolRunner } from './tool-runner.ts'

export interface Actor {
  kind: ActorKind
  id: string | null
}

export interface DispatchOptions {
  actor: Actor
  /** The same key on the same ticket applies once; a repeat returns `duplicate`. */
  idempotencyKey?: string
  /** Extra writes that must commit together with the transition (e.g. a delivery status). */
  within?: (tx: Tx, result: DispatchResult) => Promise<void>
  /**
   * Operators' requests: an event the ticket cannot take in its current state is refused with
   * `invalid_transition` and nothing is written, instead of being recorded as ignored.
   */
  rejectIfIgnored?: boolean
}

export interface DispatchResult {
  ticketId: string
  ticketNumber: number
  outcome: 'applied' | 'ignored' | 'duplicate'
  state: TicketState
  owner: Owner
  version: number
  effects: TicketEffect['type'][]
  /** True when this dispatch opened the ticket. */
  opened: boolean
}

export interface TicketHostOptions {
  database: Database
  outbox: Outbox
  /** Runs the world-changing tools accepted decisions propose. */
  tools?: ToolRunner
  /** Seconds a resolved ticket waits before it closes itself. */
  autoCloseSeconds?: number
  /** SLA clocks, follow-ups, the survey and team notices (server/customer-success). */
  customerSuccess?: CustomerSuccessEffects
  /** What time it is; tests simulate time by passing their own clock. */
  clock?: () => Date
}

type TicketRow = typeof tickets.$inferSelect

export class TicketHost {
  readonly #database: Database
  readonly #outbox: Outbox
  readonly #tools: ToolRunner
  readonly #autoCloseSeconds: number | undefined
  readonly #success: CustomerSuccessEffects
  readonly #clock: () => Date
  readonly #queue = new KeyedQueue()

  constructor(options: TicketHostOptions) {
    this.#database = options.database
    this.#outbox = options.outbox
    this.#tools = options.tools ?? noTools
    this.#autoCloseSeconds = options.autoCloseSeconds
    this.#success = options.customerSuccess ?? noCustomerSuccess
    this.#clock = options.clock ?? (() => new Date())
  }

  /** The host's clock (the time SLA due times and timers are computed from). */
  now(): Date {
    return this.#clock()
  }

  /** Applies one event to one ticket. */
  dispatch(ticketId: string, event: TicketEvent, options: DispatchOptions): Promise<DispatchResult> {
    return traced(event, options, ticketId, () => this.#dispatch(ticketId, event, options))
  }

  #dispatch(ticketId: string, event: TicketEvent, options: DispatchOptions): Promise<DispatchResult> {
    return this.#queue.run(ticketId, () =>
      this.#database.db.transaction(async (tx) => {
        const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update')
        if (!ticket) throw new AtlasError('not_found', `Ticket ${ticketId} does not exist`)
        return this.#applyLocked(tx, ticket, event, options, false)
      }),
    )
  }

  /**
   * Applies an event to the conversation's live ticket, opening a new ticket when there is none
   * (first message, or the last ticket was closed).
   */
  dispatchToConversation(
    conversationId: string,
    event: TicketEvent,
    options: DispatchOptions,
  ): Promise<DispatchResult> {
    return traced(event, options, null, () => this.#dispatchToConversation(conversationId, event, options))
  }

  #dispatchToConversation(
    conversationId: string,
    event: TicketEvent,
    options: DispatchOptions,
  ): Promise<DispatchResult> {
    return this.#queue.run(`conversation:${conversationId}`, () =>
      this.#database.db.transaction(async (tx) => {
        // The conversation lock serialises "find or open the live ticket" for this conversation.
        const [conversation] = await tx
          .select()
          .from(conversations)
          .where(eq(conversations.id, conversationId))
          .for('update')
        if (!conversation) throw new AtlasError('not_found', `Conversation ${conversationId} does not exist`)
        let [ticket] = await tx
          .select()
          .from(tickets)
          .where(and(eq(tickets.conversationId, conversationId), ne(tickets.status, 'closed')))
          .for('update')
        let opened = false
        if (!ticket) {
          ticket = await this.#openTicket(tx, conversation)
          opened = true
        }
        return this.#applyLocked(tx, ticket, event, options, opened)
      }),
    )
  }

  async #openTicket(tx: Tx, conversation: typeof conversations.$inferSelect): Promise<TicketRow> {
    // The tenant row lock hands out gap-free human numbers (TKT-10001, TKT-10002, …).
    const [counter] = await tx
      .update(tenants)
      .set({ nextTicketNumber: sql`${tenants.nextTicketNumber} + 1` })
      .where(eq(tenants.id, conversation.tenantId))
      .returning({ next: tenants.nextTicketNumber })
    if (!counter) throw new AtlasError('not_found', `Tenant ${conversation.tenantId} does not exist`)
    const id = randomUUID()
    const start = startTicket({
      ticketId: id,
      ...(this.#autoCloseSeconds === undefined ? {} : { autoCloseSeconds: this.#autoCloseSeconds }),
    })
    const [ticket] = await tx
      .insert(tickets)
      .values({
        id,
        tenantId: conversation.tenantId,
        conversationId: conversation.id,
        contactId: conversation.contactId,
        number: counter.next - 1,
        status: stateOf(start.snapshot),
        owner: start.snapshot.context.owner,
        version: 0,
      })
      .returning()
    await tx.insert(actorSnapshots).values({
      actorId: id,
      tenantId: conversation.tenantId,
      machine: 'ticket',
      machineVersion: TICKET_MACHINE_VERSION,
      snapshot: persistTicket(start.snapshot) as unknown as Record<string, unknown>,
      version: 0,
    })
    return ticket!
  }

  async #applyLocked(
    tx: Tx,
    ticket: TicketRow,
    event: TicketEvent,
    options: DispatchOptions,
    opened: boolean,
  ): Promise<DispatchResult> {
    const idempotencyKey = options.idempotencyKey ?? randomUUID()
    if (options.idempotencyKey) {
      const [seen] = await tx
        .select({ seq: ticketEvents.seq })
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.idempotencyKey, idempotencyKey)))
      if (seen) {
        const [snapshotRow] = await tx
          .select()
          .from(actorSnapshots)
          .where(eq(actorSnapshots.actorId, ticket.id))
        const current = restoreTicket(snapshotRow!.snapshot as unknown as PersistedTicket)
        return {
          ticketId: ticket.id,
          ticketNumber: ticket.number,
          outcome: 'duplicate',
          state: stateOf(current),
          owner: current.context.owner,
          version: ticket.version,
          effects: [],
          opened,
        }
      }
    }

    const [snapshotRow] = await tx.select().from(actorSnapshots).where(eq(actorSnapshots.actorId, ticket.id))
    if (!snapshotRow) throw new AtlasError('internal', `Ticket ${ticket.id} has no persisted snapshot`)
    const before = restoreTicket(snapshotRow.snapshot as unknown as PersistedTicket)
    const step = applyTicketEvent(before, event)
    if (!step.changed && options.rejectIfIgnored) {
      throw new AtlasError(
        'invalid_transition',
        `${event.type} is not possible while the ticket is ${stateOf(before)} (owned by the ${before.context.owner})`,
        { details: { status: stateOf(before), owner: before.context.owner } },
      )
    }
    const after = step.snapshot
    const version = ticket.version + 1

    const scope = {
      tx,
      outbox: this.#outbox,
      tools: this.#tools,
      ticket: {
        id: ticket.id,
        tenantId: ticket.tenantId,
        conversationId: ticket.conversationId,
        contactId: ticket.contactId,
      },
      channelId: await channelOf(tx, ticket.conversationId),
      now: this.#clock(),
      success: this.#success,
    }
    if (opened) await this.#success.ticketOpened(scope)
    for (const effect of step.effects) await runEffect(scope, effect)

    await tx
      .update(actorSnapshots)
      .set({
        snapshot: persistTicket(after) as unknown as Record<string, unknown>,
        version,
        updatedAt: new Date(),
      })
      .where(eq(actorSnapshots.actorId, ticket.id))
    await tx
      .update(tickets)
      .set(projection(ticket, after, version))
      .where(eq(tickets.id, ticket.id))

    const { type, ...payload } = event
    await tx.insert(ticketEvents).values({
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      seq: version,
      type,
      actorKind: options.actor.kind,
      actorId: options.actor.id,
      idempotencyKey,
      outcome: step.changed ? 'applied' : 'ignored',
      payload,
      before: opened ? null : summary(before),
      after: summary(after),
      effects: step.effects.map((e) => e.type),
    })

    const result: DispatchResult = {
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      outcome: step.changed ? 'applied' : 'ignored',
      state: stateOf(after),
      owner: after.context.owner,
      version,
      effects: step.effects.map((e) => e.type),
      opened,
    }
    if (options.within) await options.within(tx, result)
    return result
  }
}

/** One span per dispatched event: the ticket, the event, and what came of it (its effects' jobs are children). */
function traced(
  event: TicketEvent,
  options: DispatchOptions,
  ticketId: string | null,
  run: () => Promise<DispatchResult>,
): Promise<DispatchResult> {
  const attributes = {
    'atlas.ticket.event': event.type,
    'atlas.actor.kind': options.actor.kind,
    ...(ticketId ? { 'atlas.ticket.id': ticketId } : {}),
  }
  return withSpan('ticket.transition', attributes, async (span) => {
    const result = await run()
    setSpanAttributes(span, () => ({
      'atlas.ticket.id': result.ticketId,
      'atlas.ticket.outcome': result.outcome,
      'atlas.ticket.state': result.state,
      'atlas.ticket.owner': result.owner,
      'atlas.ticket.version': result.version,
      'atlas.ticket.opened': result.opened,
      'atlas.ticket.effects': result.effects,
    }))
    return result
  })
}

/** The part of the state an auditor reads: before/after in the audit trail. */
function summary(snapshot: TicketSnapshot): Record<string, unknown> {
  const c = snapshot.context
  return {
    status: stateOf(snapshot),
    owner: c.owner,
    assignee: c.assignee,
    category: c.category,
    intent: c.intent,
    urgency: c.urgency,
    agent: c.agent,
    draftId: c.draftId,
    escalation: c.escalation?.reason ?? null,
    priority: c.priority,
    tags: c.tags,
  }
}

function projection(ticket: TicketRow, snapshot: TicketSnapshot, version: number): Partial<TicketRow> {
  const c = snapshot.context
  const status = stateOf(snapshot)
  const now = new Date()
  return {
    status,
    owner: c.owner,
    assignee: c.assignee,
    category: c.category,
    intent: c.intent,
    urgency: c.urgency,
    agent: c.agent,
    priority: c.priority,
    tags: c.tags,
    version,
    updatedAt: now,
    resolvedAt: status === 'resolved' ? (ticket.status === 'resolved' ? ticket.resolvedAt : now) : null,
    closedAt: status === 'closed' ? now : null,
  }
}

async function channelOf(tx: Tx, conversationId: string): Promise<string> {
  const [row] = await tx
    .select({ channelId: conversations.channelId })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
  if (!row) throw new AtlasError('not_found', `Conversation ${conversationId} does not exist`)
  return row.channelId
}
