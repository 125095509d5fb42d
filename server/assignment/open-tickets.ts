// How much work people have: open tickets (not resolved or closed) per assignee. Auto-assignment
// weighs capacity and load with it; the team views show it.
import { and, count, eq, inArray, notInArray } from 'drizzle-orm'
import type { Executor } from '../../drizzle/database.ts'
import { CLOSED_STATUSES, tickets } from '../../drizzle/schema/tickets.ts'

/** Open tickets per assignee, for the given people; someone with none is absent. */
export async function openTicketCounts(
  db: Executor,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  if (ids.length === 0) return counts
  const rows = await db
    .select({ assignee: tickets.assignee, n: count() })
    .from(tickets)
    .where(
      and(
        eq(tickets.tenantId, tenantId),
        inArray(tickets.assignee, [...ids]),
        notInArray(tickets.status, [...CLOSED_STATUSES]),
      ),
    )
    .groupBy(tickets.assignee)
  for (const row of rows) if (row.assignee) counts.set(row.assignee, Number(row.n))
  return counts
}
