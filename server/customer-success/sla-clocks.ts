// The host side of the SLA clocks the ticket machine plans: the tenant's policy for the ticket, due
// times in business hours, the ticket_slas row the inbox reads, and the warning and breach timers
// (pg-boss jobs carrying the clock's token, so a timer from before a pause or re-target fires stale).
import { and, eq } from 'drizzle-orm'
import { channels } from '../../drizzle/schema/channels.ts'
import { type SlaMetricName, ticketSlas } from '../../drizzle/schema/customer-success.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import type { CustomerSuccessScope } from '../../machines/host/customer-success-effects.ts'
import type { TicketEffects } from '../../machines/ticket.machine.ts'
import type { BusinessHours } from './business-hours.ts'
import type { CustomerSuccessSettings } from './settings.ts'
import { clockDue, type SlaPolicy, selectPolicy, targetSeconds, usedSecondsAt } from './sla-policy.ts'

type ClockRow = typeof ticketSlas.$inferSelect

const METRIC_NAMES: Record<SlaMetricName, string> = {
  firstResponse: 'first response',
  nextResponse: 'next response',
  resolution: 'resolution',
}
export const metricName = (metric: SlaMetricName) => METRIC_NAMES[metric]

export async function applySlaClock(
  scope: CustomerSuccessScope,
  settings: CustomerSuccessSettings,
  params: TicketEffects['slaClock'],
): Promise<void> {
  const { tx, ticket, now } = scope
  const { metric, op, token } = params
  const where = and(eq(ticketSlas.ticketId, ticket.id), eq(ticketSlas.metric, metric))
  const [row] = await tx.select().from(ticketSlas).where(where)

  if (op === 'pause' || op === 'stop') {
    if (!row || row.status === 'met' || (op === 'pause' && row.status === 'paused')) return
    const used = row.runningSince ? usedSecondsAt(timingOf(row), now, hoursOf(row)) : row.usedSeconds
    await tx
      .update(ticketSlas)
      .set({
        status: op === 'stop' ? 'met' : 'paused',
        usedSeconds: used,
        runningSince: null,
        warnAt: null,
        dueAt: null,
        metAt: op === 'stop' ? now : null,
        updatedAt: now,
      })
      .where(where)
    return
  }

  const policy = await policyFor(scope, settings, params)
  const target = policy && targetSeconds(policy, metric)
  if (!policy || !target) {
    // No policy sets this target for the ticket (any more): the clock is not measured.
    if (row) await tx.delete(ticketSlas).where(where)
    return
  }
  const terms = {
    policyId: policy.id,
    policyName: policy.name,
    targetSeconds: target,
    warnShare: policy.warnAt,
    businessHours: policy.businessHours as Record<string, unknown> | null,
    token: token ?? row?.token ?? 0,
    updatedAt: now,
  }
  let clock: ClockRow
  if (op === 'start') {
    const fresh = {
      ...terms,
      status: 'running' as const,
      startedAt: now,
      runningSince: now,
      usedSeconds: 0,
      warnedAt: null,
      breachedAt: null,
      metAt: null,
    }
    const [written] = await tx
      .insert(ticketSlas)
      .values({ ticketId: ticket.id, tenantId: ticket.tenantId, metric, cycle: 1, ...fresh })
      .onConflictDoUpdate({
        target: [ticketSlas.ticketId, ticketSlas.metric],
        set: { ...fresh, cycle: (row?.cycle ?? 0) + 1 },
      })
      .returning()
    clock = written!
  } else {
    if (!row) return
    const resuming = op === 'resume' || (op === 'retarget' && row.status === 'met')
    if (op === 'retarget' && row.status !== 'running') {
      // Paused or met: new terms apply from the next resume.
      await tx.update(ticketSlas).set(terms).where(where)
      return
    }
    const [written] = await tx
      .update(ticketSlas)
      .set({
        ...terms,
        status: row.breachedAt ? 'breached' : 'running',
        runningSince: resuming ? now : row.runningSince,
        metAt: null,
      })
      .where(where)
      .returning()
    clock = written!
  }
  await scheduleClock(scope, clock, policy)
}

async function scheduleClock(scope: CustomerSuccessScope, clock: ClockRow, policy: SlaPolicy) {
  const { tx, outbox, ticket, now } = scope
  if (!clock.runningSince) return
  const { warnAt, dueAt } = clockDue(timingOf(clock), hoursOf(clock))
  const warning = clock.warnedAt ? null : warnAt
  await tx
    .update(ticketSlas)
    .set({ warnAt: warning, dueAt })
    .where(and(eq(ticketSlas.ticketId, clock.ticketId), eq(ticketSlas.metric, clock.metric)))
  const timer = `sla.${clock.metric}` as const
  const at = (d: Date) => (d < now ? now : d)
  if (warning)
    await outbox.timer(tx, { ticketId: ticket.id, timer, token: clock.token, phase: 'warning' }, at(warning))
  if (!clock.breachedAt) {
    await outbox.timer(
      tx,
      {
        ticketId: ticket.id,
        timer,
        token: clock.token,
        phase: 'breach',
        onBreach: { raisePriority: policy.onBreach.raisePriority, reassignTo: policy.onBreach.reassignTo },
      },
      at(dueAt),
    )
  }
}

/** Records a warning or breach on the clock; returns the clock for the notice, or null if there is none. */
export async function recordSlaAlert(
  scope: CustomerSuccessScope,
  params: TicketEffects['slaAlert'],
): Promise<ClockRow | null> {
  const { tx, ticket, now } = scope
  const where = and(eq(ticketSlas.ticketId, ticket.id), eq(ticketSlas.metric, params.metric))
  const set =
    params.phase === 'warning'
      ? { warnedAt: now, warnAt: null, updatedAt: now }
      : { breachedAt: now, status: 'breached' as const, updatedAt: now }
  const [row] = await tx.update(ticketSlas).set(set).where(where).returning()
  return row ?? null
}

async function policyFor(
  { tx, ticket, channelId }: CustomerSuccessScope,
  settings: CustomerSuccessSettings,
  params: TicketEffects['slaClock'],
): Promise<SlaPolicy | null> {
  const [facts] = await tx
    .select({ queue: tickets.queue, channel: channels.kind })
    .from(tickets)
    .innerJoin(channels, eq(channels.id, channelId))
    .where(eq(tickets.id, ticket.id))
  return selectPolicy(settings.sla.policies, {
    priority: params.priority,
    urgency: params.urgency,
    queue: facts?.queue ?? null,
    channel: facts?.channel ?? null,
  })
}

function timingOf(row: ClockRow) {
  return {
    targetSeconds: row.targetSeconds,
    warnShare: row.warnShare,
    usedSeconds: row.usedSeconds,
    runningSince: row.runningSince ?? new Date(),
  }
}

function hoursOf(row: ClockRow): BusinessHours | null {
  return (row.businessHours as BusinessHours | null) ?? null
}
