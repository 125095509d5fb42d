// What became of each inbound message, read from the database: the one outcome it should have
// (answered, drafted for approval, escalated to a person) and every sign of it happening twice. The
// crash suite and the fault suite (server/faults) judge their runs with it.
import type { Database } from '../drizzle/database.ts'

/** A message's final outcome, or `none` while it has not reached one (in flight, or stuck). */
export type Outcome = 'answered' | 'drafted' | 'escalated' | 'none'

/** The facts about one inbound message and its ticket, counted where a double would show. */
export interface MessageRecord {
  messageId: string
  providerMessageId: string | null
  conversationId: string
  ticketId: string | null
  ticketStatus: string | null
  owner: string | null
  /** Inbound rows with this provider id (the unique index keeps it at 1; a redelivery must not add one). */
  storedCopies: number
  /** CUSTOMER_MESSAGE events applied for it. */
  customerEvents: number
  /** AGENT_DECIDED and AGENT_FAILED events applied on its ticket: the agent's verdicts. */
  verdicts: number
  /** The applied decision's action (auto, review, escalate), or `failed` for AGENT_FAILED. */
  verdict: string | null
  /** Our replies in the conversation, by delivery status. */
  replies: number
  repliesSent: number
  repliesQueued: number
  repliesFailed: number
  /** The outbound message ids, to match what the provider received. */
  replyIds: string[]
  deliveredEvents: number
  failedEvents: number
  pendingDrafts: number
}

export interface Judged extends MessageRecord {
  outcome: Outcome
  /** Why this message counts as duplicated, when it does (empty otherwise). */
  duplicates: string[]
}

const SENT = `('sent', 'delivered', 'read')`

/** Every inbound message of the database with the facts `judge` needs (one query). */
export async function readMessageRecords(database: Pick<Database, 'query'>): Promise<MessageRecord[]> {
  const rows = await database.query<Record<string, unknown>>(
    `with applied as (
       select ticket_id, type, payload from ticket_events where outcome = 'applied'
     ),
     replies as (
       select conversation_id,
              count(*)::int as replies,
              count(*) filter (where delivery_status in ${SENT})::int as sent,
              count(*) filter (where delivery_status = 'queued')::int as queued,
              count(*) filter (where delivery_status = 'failed')::int as failed,
              array_agg(id::text) as ids
         from messages where direction = 'outbound' group by conversation_id
     )
     select m.id::text as "messageId", m.provider_message_id as "providerMessageId",
            m.conversation_id::text as "conversationId", m.ticket_id::text as "ticketId",
            t.status as "ticketStatus", t.owner,
            (select count(*)::int from messages c where c.direction = 'inbound' and c.channel_id = m.channel_id
               and (c.provider_message_id = m.provider_message_id or c.id = m.id)) as "storedCopies",
            (select count(*)::int from applied e where e.ticket_id = m.ticket_id
               and e.type = 'CUSTOMER_MESSAGE') as "customerEvents",
            (select count(*)::int from applied e where e.ticket_id = m.ticket_id
               and e.type in ('AGENT_DECIDED', 'AGENT_FAILED')) as verdicts,
            (select case when e.type = 'AGENT_FAILED' then 'failed' else e.payload->>'action' end
               from applied e where e.ticket_id = m.ticket_id
               and e.type in ('AGENT_DECIDED', 'AGENT_FAILED') limit 1) as verdict,
            coalesce(r.replies, 0) as replies, coalesce(r.sent, 0) as "repliesSent",
            coalesce(r.queued, 0) as "repliesQueued", coalesce(r.failed, 0) as "repliesFailed",
            coalesce(r.ids, '{}') as "replyIds",
            (select count(*)::int from applied e where e.ticket_id = m.ticket_id
               and e.type = 'REPLY_DELIVERED') as "deliveredEvents",
            (select count(*)::int from applied e where e.ticket_id = m.ticket_id
               and e.type = 'REPLY_FAILED') as "failedEvents",
            (select count(*)::int from drafts d where d.ticket_id = m.ticket_id
               and d.status = 'pending') as "pendingDrafts"
       from messages m
       left join tickets t on t.id = m.ticket_id
       left join replies r on r.conversation_id = m.conversation_id
      where m.direction = 'inbound'`,
  )
  return rows as unknown as MessageRecord[]
}

/**
 * One message's outcome. Each test message opens its own conversation, so its ticket's verdicts
 * and replies are its own:
 * - answered: the agent decided `auto` and its one reply was delivered;
 * - drafted: the agent decided `review`; one draft waits for a person and nothing was sent;
 * - escalated: a person owns the ticket, because the agent escalated (with or without a notice to
 *   the customer, which was delivered), its turn failed for good, or its reply failed for good;
 * - none: anything else (not handed to a ticket yet, no verdict yet, a reply still queued).
 */
export function outcomeOf(r: MessageRecord): Outcome {
  if (!r.ticketId || r.verdicts === 0 || r.repliesQueued > 0) return 'none'
  if (r.repliesFailed > 0) return r.owner === 'human' ? 'escalated' : 'none'
  if (r.verdict === 'auto') return r.repliesSent === 1 && r.deliveredEvents >= 1 ? 'answered' : 'none'
  if (r.verdict === 'review') return r.pendingDrafts === 1 && r.replies === 0 ? 'drafted' : 'none'
  if (r.verdict === 'escalate' || r.verdict === 'failed') return r.owner === 'human' ? 'escalated' : 'none'
  return 'none'
}

/** Every way one message can show more than one outcome in the database. */
export function duplicatesOf(r: MessageRecord): string[] {
  const found: string[] = []
  if (r.storedCopies > 1) found.push(`stored ${r.storedCopies} times`)
  if (r.customerEvents > 1) found.push(`${r.customerEvents} CUSTOMER_MESSAGE events`)
  if (r.verdicts > 1) found.push(`${r.verdicts} agent verdicts`)
  if (r.replies > 1) found.push(`${r.replies} replies`)
  if (r.deliveredEvents > 1) found.push(`${r.deliveredEvents} REPLY_DELIVERED events`)
  if (r.pendingDrafts > 1) found.push(`${r.pendingDrafts} pending drafts`)
  return found
}

export function judge(records: readonly MessageRecord[]): Judged[] {
  return records.map((r) => ({ ...r, outcome: outcomeOf(r), duplicates: duplicatesOf(r) }))
}

/** pg-boss jobs still to run now, or running: at the end of a run there must be none (nothing stuck). */
export async function unfinishedJobs(
  database: Pick<Database, 'query'>,
): Promise<Array<{ name: string; state: string; count: number }>> {
  return database.query(
    `select name, state::text as state, count(*)::int as count from pgboss.job
      where state in ('active', 'retry') or (state = 'created' and start_after <= now())
      group by name, state order by name, state`,
  )
}
