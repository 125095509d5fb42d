// Tells live dashboards that something in a tenant changed. One watcher per tenant per process,
// however many browsers are open: it re-reads the tenant's latest change times when this process
// publishes a change (at once) and every 1.5 s otherwise (changes made by another process, a
// worker), and wakes its subscribers only when those times moved. Each read is three index seeks.
import { sql } from 'drizzle-orm'
import { type Executor, rowsOf } from '../drizzle/database.ts'
import type { ConversationEvents } from './conversation-events.ts'

const POLL_MS = 1500

type Listener = () => void
/** Reads a tenant's change marker: any string that differs after a change. */
export type ChangeReader = (tenantId: string) => Promise<string>

export class TenantChanges {
  readonly #read: ChangeReader
  readonly #events: ConversationEvents
  readonly #pollMs: number
  readonly #watchers = new Map<string, Set<Listener>>()

  constructor(read: ChangeReader, events: ConversationEvents, pollMs = POLL_MS) {
    this.#read = read
    this.#events = events
    this.#pollMs = pollMs
  }

  /** Calls `listener` after each change in the tenant until the returned function is called. */
  subscribe(tenantId: string, listener: Listener): () => void {
    let listeners = this.#watchers.get(tenantId)
    if (!listeners) {
      listeners = new Set()
      this.#watchers.set(tenantId, listeners)
      void this.#watch(tenantId, listeners)
    }
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0 && this.#watchers.get(tenantId) === listeners) this.#watchers.delete(tenantId)
    }
  }

  /** The number of tenants being watched (each costs one read per poll, whatever its subscribers). */
  get watching(): number {
    return this.#watchers.size
  }

  async #watch(tenantId: string, listeners: Set<Listener>): Promise<void> {
    let last: string | null = null
    // Ends once the last subscriber has gone (the tenant's entry is removed with it).
    while (this.#watchers.get(tenantId) === listeners) {
      try {
        const now = await this.#read(tenantId)
        if (last !== null && now !== last) for (const listener of [...listeners]) listener()
        last = now
      } catch {
        // A failed read (the database restarting) is retried at the next poll; the stream stays open.
      }
      await this.#events.nextAny(this.#pollMs)
    }
  }
}

/** The tenant's latest ticket event, inbound message and message of any kind, as one string. */
export async function latestChange(db: Executor, tenantId: string): Promise<string> {
  const [row] = rowsOf<{ t: string | null; c: string | null; m: string | null }>(
    await db.execute(sql`
      select (select max(updated_at) from tickets where tenant_id = ${tenantId})::text as t,
             (select max(last_message_at) from conversations where tenant_id = ${tenantId})::text as c,
             (select max(created_at) from messages where tenant_id = ${tenantId})::text as m
    `),
  )
  return `${row?.t}|${row?.c}|${row?.m}`
}
