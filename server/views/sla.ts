// An SLA clock as the operators see it — the inbox badge, Today's warnings and the ticket view — from
// a ticket_slas row (kept by server/customer-success/sla-clocks.ts).
import type { SlaClockStatus, SlaMetricName } from '../../drizzle/schema/customer-success.ts'

export interface SlaClockView {
  metric: SlaMetricName
  /** running, paused, or breached (and still running: not answered or resolved yet). */
  status: SlaClockStatus
  policyName: string
  targetSeconds: number
  /** Business seconds used while paused (running: up to when it last started running). */
  usedSeconds: number
  /** Null while paused. */
  dueAt: string | null
  /** When the warning falls due. */
  warnAt: string | null
  warnedAt: string | null
  breachedAt: string | null
}
