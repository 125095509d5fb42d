// Job: a ticket now waits for a person. The tenant's routing rules pick the queue (else the queue
// the agent handed it to), apply the rule's priority and tags, and the queue's strategy picks who
// gets it. Every change goes through the ticket host under an idempotency key derived from the job,
// so a retried job never applies anything twice. A ticket someone took meanwhile, or one that is
// no longer waiting for a person, is left alone.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor, Tx } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { queues, routingRules, tags, users } from '../../drizzle/schema/team.ts'
import { CLOSED_STATUSES, type TicketPriority, ticketEvents, tickets } from '../../drizzle/schema/tickets.ts'
import type { RouteJob } from '../../machines/host/outbox.ts'
import type { DispatchResult } from '../../machines/host/ticket-host.ts'
import { matchRule, type RoutingFacts } from '../assignment/match.ts'
import { openTicketCounts } from '../assignment/open-tickets.ts'
import { pickAssignee } from '../assignment/pick.ts'
import type { JobContext, JobHandler } from './context.ts'

const ROUTING = { kind: 'system', id: 'routing' } as const
/** Another routing job (or a person) moved first: re-read and decide again, this many times. */
const MAX_RACES = 5

/** Thrown inside the assignment transaction to roll it back when someone else moved first. */
class RoutingRace extends Error {}

export function routeHandler(context: JobContext): JobHandler<RouteJob> {
  return async (job) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await routeTicket(context, job.data.ticketId, `route:${job.id}`)
        return
      } catch (error) {
        if (!(error instanceof RoutingRace) || attempt >= MAX_RACES) throw error
      }
    }
  }
}

export interface RoutingOutcome {
  ticketId: string
  rule: string | null
  queue: string | null
  assignee: string | null
  reason: string
}

/** One routing decision for one ticket; `key` prefixes the idempotency keys of what it applies. */
export async function routeTicket(
  { database, host, logger }: Pick<JobContext, 'database' | 'host' | 'logger'>,
  ticketId: string,
  key: string,
): Promise<RoutingOutcome> {
  const db = database.db
  const done = (outcome: Omit<RoutingOutcome, 'ticketId'>) => {
    logger.info({ ticketId, ...outcome }, `routing: ${outcome.reason}`)
    return { ticketId, ...outcome }
  }
  const [ticket] = await db.select().from(tickets).where(eq(tickets.id, ticketId))
  if (!ticket) return done({ rule: null, queue: null, assignee: null, reason: 'ticket no longer exists' })
  const skip = whyLeftAlone(ticket)
  if (skip) return done({ rule: null, queue: ticket.queue, assignee: ticket.assignee, reason: skip })

  const facts = await routingFacts(db, ticket)
  const rules = await db
    .select()
    .from(routingRules)
    .where(eq(routingRules.tenantId, ticket.tenantId))
    .orderBy(asc(routingRules.position), asc(routingRules.createdAt))
  const tenantQueues = await db.select().from(queues).where(eq(queues.tenantId, ticket.tenantId))
  const rule = matchRule(rules, facts)
  const byName = (name: string | null | undefined) =>
    name ? tenantQueues.find((q) => q.name.toLowerCase() === name.toLowerCase()) : undefined
  const ruleQueue = byName(rule?.actions.queue)
  const queue = ruleQueue ?? byName(ticket.queue)

  // The rule's queue is where the ticket now waits, whoever (if anyone) gets it.
  if (ruleQueue && ticket.queue !== ruleQueue.name) {
    await db.update(tickets).set({ queue: ruleQueue.name }).where(eq(tickets.id, ticket.id))
  }
  const priority = rule?.actions.priority as TicketPriority | undefined
  if (priority && priority !== ticket.priority) {
    await host.dispatch(
      ticket.id,
      { type: 'SET_PRIORITY', priority, by: ROUTING.id },
      { actor: ROUTING, idempotencyKey: `${key}:priority` },
    )
  }
  const addTags = (rule?.actions.tags ?? []).filter((t) => !ticket.tags.includes(t))
  if (addTags.length > 0) {
    await host.dispatch(
      ticket.id,
      { type: 'TAG', add: addTags, by: ROUTING.id },
      {
        actor: ROUTING,
        idempotencyKey: `${key}:tags`,
        // The rule's tags join the workspace's tag list, as an operator's would.
        within: async (tx) => {
          await tx
            .insert(tags)
            .values(addTags.map((name) => ({ tenantId: ticket.tenantId, name })))
            .onConflictDoNothing()
        },
      },
    )
  }
  const ruleName = rule?.name ?? null
  if (!queue) {
    const reason = ticket.queue ? `no queue named ${ticket.queue}` : 'no queue for this ticket'
    return done({ rule: ruleName, queue: ticket.queue, assignee: null, reason })
  }

  const members = queue.members.length
    ? await db
        .select()
        .from(users)
        .where(and(eq(users.tenantId, ticket.tenantId), inArray(users.id, queue.members)))
    : []
  const open = await openTicketCounts(db, ticket.tenantId, queue.members)
  const assignee = pickAssignee(queue, members, open, { expertise: rule?.actions.expertise })
  if (!assignee) {
    const reason =
      queue.strategy === 'manual'
        ? `queue ${queue.name} is assigned by hand`
        : `nobody in ${queue.name} is available`
    return done({ rule: ruleName, queue: queue.name, assignee: null, reason })
  }

  const result = await host.dispatch(
    ticket.id,
    { type: 'ASSIGN', assignee, by: ROUTING.id },
    {
      actor: ROUTING,
      idempotencyKey: `${key}:assign`,
      within: async (tx, dispatched) => {
        if (dispatched.outcome !== 'applied') return
        await assertStillUnassigned(tx, ticket.id, dispatched)
        // Round robin's position moves with the assignment, or not at all: compare and set.
        const moved = await tx
          .update(queues)
          .set({ lastAssignedUserId: assignee })
          .where(
            and(
              eq(queues.id, queue.id),
              sql`${queues.lastAssignedUserId} is not distinct from ${queue.lastAssignedUserId}`,
            ),
          )
          .returning({ id: queues.id })
        if (moved.length === 0) throw new RoutingRace(`queue ${queue.name} moved on meanwhile`)
      },
    },
  )
  if (result.outcome !== 'applied') {
    return done({ rule: ruleName, queue: queue.name, assignee: null, reason: `assignment ${result.outcome}` })
  }
  return done({ rule: ruleName, queue: queue.name, assignee, reason: `assigned by ${queue.strategy}` })
}

/** Why routing leaves this ticket alone, or null when it should route it. */
function whyLeftAlone(ticket: typeof tickets.$inferSelect): string | null {
  if (ticket.assignee) return 'already assigned'
  if (CLOSED_STATUSES.includes(ticket.status)) return `ticket is ${ticket.status}`
  if (ticket.owner !== 'human') return 'the bot has the ticket again'
  return null
}

/** The transition just recorded must have found the ticket unassigned; else a person took it first. */
async function assertStillUnassigned(tx: Tx, ticketId: string, dispatched: DispatchResult): Promise<void> {
  const [event] = await tx
    .select({ before: ticketEvents.before })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.seq, dispatched.version)))
  if (event?.before?.assignee) throw new RoutingRace(`ticket ${ticketId} was assigned meanwhile`)
}

async function routingFacts(db: Executor, ticket: typeof tickets.$inferSelect): Promise<RoutingFacts> {
  const [row] = await db
    .select({ metadata: conversations.metadata, channel: channels.kind, contact: contacts })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, ticket.contactId))
    .where(eq(conversations.id, ticket.conversationId))
  // What the customer wrote on this ticket, latest last: keywords may be in the request itself or
  // in the message that finished the hand-over (an email address after "please refund me").
  const written = await db
    .select({ body: messages.body })
    .from(messages)
    .where(
      and(
        eq(messages.ticketId, ticket.id),
        eq(messages.direction, 'inbound'),
        eq(messages.author, 'customer'),
      ),
    )
    .orderBy(asc(messages.createdAt))
  const metadata = row?.metadata ?? {}
  const attributes = row?.contact.attributes ?? {}
  return {
    language: text(metadata.language),
    country: text(metadata.country) ?? text(attributes.country),
    text: written.map((m) => m.body).join('\n'),
    category: ticket.category,
    urgency: ticket.urgency,
    priority: ticket.priority,
    channel: row?.channel ?? null,
    vip: row?.contact.vip ?? false,
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null
}
