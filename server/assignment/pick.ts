// Who in a queue gets the next ticket, as a pure function. Only members who are online, not
// disabled, under their capacity (0: no limit) and — when the rule asks for it — have the expertise
// are eligible. round_robin: the next eligible member after the one who got the last ticket, in the
// queue's member order; least_loaded: the eligible member with the fewest open tickets, ties broken
// in that same round-robin order; manual: nobody (people pick tickets themselves).
import type { AssignmentStrategy, Availability } from '../../drizzle/schema/team.ts'

export interface QueueLike {
  strategy: AssignmentStrategy
  /** User ids, in the order round robin walks them. */
  members: readonly string[]
  lastAssignedUserId: string | null
}

export interface MemberLike {
  id: string
  availability: Availability
  disabledAt: Date | null
  /** Most open tickets at once (0: no limit). */
  capacity: number
  expertise: readonly string[]
}

export interface PickRequirements {
  /** Only members with this expertise (case-insensitive). */
  expertise?: string | undefined
}

/** Open tickets (not resolved or closed) per user id; a missing id has none. */
export type OpenCounts = ReadonlyMap<string, number>

export function pickAssignee(
  queue: QueueLike,
  members: readonly MemberLike[],
  openCounts: OpenCounts,
  requirements: PickRequirements = {},
): string | null {
  if (queue.strategy === 'manual') return null
  const candidates = eligibleInTurn(queue, members, openCounts, requirements)
  if (candidates.length === 0) return null
  if (queue.strategy === 'round_robin') return candidates[0]!
  // least_loaded: fewest open tickets; the first in round-robin order among equals.
  let best = candidates[0]!
  for (const id of candidates.slice(1)) {
    if (openOf(openCounts, id) < openOf(openCounts, best)) best = id
  }
  return best
}

/** Eligible member ids in round-robin order: starting after the last assignee, wrapping around. */
export function eligibleInTurn(
  queue: QueueLike,
  members: readonly MemberLike[],
  openCounts: OpenCounts,
  requirements: PickRequirements = {},
): string[] {
  const byId = new Map(members.map((m) => [m.id, m]))
  const order = [...new Set(queue.members)]
  const last = queue.lastAssignedUserId ? order.indexOf(queue.lastAssignedUserId) : -1
  const rotated = [...order.slice(last + 1), ...order.slice(0, last + 1)]
  const expertise = requirements.expertise?.trim().toLowerCase()
  return rotated.filter((id) => {
    const member = byId.get(id)
    if (!member || member.disabledAt || member.availability !== 'online') return false
    if (expertise && !member.expertise.some((e) => e.toLowerCase() === expertise)) return false
    return member.capacity <= 0 || openOf(openCounts, id) < member.capacity
  })
}

const openOf = (counts: OpenCounts, id: string) => counts.get(id) ?? 0
