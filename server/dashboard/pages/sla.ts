// SLA clocks as the dashboard shows them: a badge per clock in the inbox ("First response due in
// 12 min", "Resolution breached 5 min ago") and the ticket's SLA panel with every clock's status,
// target, due and warning times. Times are <time> elements that app.js keeps current.
import { html } from 'hono/html'
import type { InboxSla } from '../../routes/conversations.ts'
import { type Markup, moment, span, when } from '../layout.ts'

/** One clock as GET /v1/tickets/:ticket/sla returns it. */
export interface SlaClock {
  metric: 'firstResponse' | 'nextResponse' | 'resolution'
  policy: { id: string; name: string }
  status: 'running' | 'paused' | 'met' | 'breached'
  targetSeconds: number
  usedSeconds: number
  startedAt: string
  warnAt: string | null
  dueAt: string | null
  warnedAt: string | null
  breachedAt: string | null
  metAt: string | null
}

const METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const
const METRIC_LABELS: Record<string, string> = {
  firstResponse: 'First response',
  nextResponse: 'Next response',
  resolution: 'Resolution',
}
export const metricLabel = (metric: string) => METRIC_LABELS[metric] ?? metric

/** ok (running, not yet warned), warn (past the warning time), breached, paused, met, met-late. */
export type SlaState = 'ok' | 'warn' | 'breached' | 'paused' | 'met' | 'met-late'

type ClockLike = Pick<SlaClock, 'status' | 'dueAt' | 'warnAt' | 'warnedAt' | 'breachedAt'>

export function slaState(clock: ClockLike, now = Date.now()): SlaState {
  if (clock.status === 'met') return clock.breachedAt ? 'met-late' : 'met'
  if (clock.status === 'paused') return 'paused'
  // Breached, or past due with the breach timer not run yet.
  if (clock.status === 'breached' || clock.breachedAt || (clock.dueAt && Date.parse(clock.dueAt) <= now))
    return 'breached'
  if (clock.warnedAt || (clock.warnAt && Date.parse(clock.warnAt) <= now)) return 'warn'
  return 'ok'
}

const STATE_LABELS: Record<SlaState, string> = {
  ok: 'running',
  warn: 'due soon',
  breached: 'breached',
  paused: 'paused',
  met: 'met',
  'met-late': 'met late',
}

/** How urgent an inbox row's SLA is, for sorting: breached, then by due time; paused and none last. */
export function slaRank(sla: InboxSla | null | undefined): number {
  if (!sla) return Number.POSITIVE_INFINITY
  if (sla.status === 'paused' || !sla.dueAt) return Number.MAX_SAFE_INTEGER
  return Date.parse(sla.dueAt)
}

/** The inbox's badge: "First response due in 12 min", "Resolution breached 5 min ago", "SLA paused". */
export function slaBadge(sla: InboxSla | null | undefined, now = Date.now()): Markup | '' {
  if (!sla) return ''
  const state = slaState(sla, now)
  const name = metricLabel(sla.metric)
  const title = `${name} SLA (${sla.policyName}), ${STATE_LABELS[state]}${sla.dueAt ? `, due ${when(sla.dueAt)} UTC` : ''}`
  const text =
    state === 'paused'
      ? html`${name} SLA paused · ${span(Math.max(0, sla.targetSeconds - sla.usedSeconds))} left`
      : state === 'breached'
        ? html`${name} breached ${moment(sla.breachedAt ?? sla.dueAt!, now)}`
        : sla.dueAt
          ? html`${name} due ${moment(sla.dueAt, now)}`
          : html`${name} SLA running`
  return html`<span class="badge sla sla-${state}" data-sla="${state}" title="${title}">${state === 'breached' || state === 'warn' ? '⚠ ' : ''}${text}</span>`
}

/** The ticket's SLA panel: each clock with its status, policy, target, due and warning times. */
export function slaPanel(clocks: SlaClock[] | null, now = Date.now()): Markup {
  if (clocks === null) {
    return html`<div class="panel" id="sla-panel"><h2>SLA</h2><p class="muted small">The SLA clocks could not be read.</p></div>`
  }
  const ordered = METRICS.flatMap((m) => clocks.filter((c) => c.metric === m))
  return html`<div class="panel" id="sla-panel" aria-labelledby="sla-heading">
  <h2 id="sla-heading">SLA${ordered[0] ? html` <span class="muted small">· ${ordered[0].policy.name} policy</span>` : ''}</h2>
  ${
    ordered.length === 0
      ? html`<p class="muted small">No SLA clock runs on this ticket.</p>`
      : html`<ul class="sla-clocks">${ordered.map((c) => clockItem(c, now))}</ul>`
  }
</div>`
}

function clockItem(c: SlaClock, now: number) {
  const state = slaState(c, now)
  const left = Math.max(0, c.targetSeconds - c.usedSeconds)
  let detail: Markup
  switch (state) {
    case 'met':
    case 'met-late':
      detail = html`met ${c.metAt ? moment(c.metAt, now) : ''}${c.breachedAt ? html` · breached ${moment(c.breachedAt, now)}` : ''}`
      break
    case 'paused':
      detail = html`paused while we wait on the customer · ${span(left)} of ${span(c.targetSeconds)} left${c.breachedAt ? html` · breached ${moment(c.breachedAt, now)}` : ''}`
      break
    case 'breached':
      detail = html`${c.breachedAt ? html`breached ${moment(c.breachedAt, now)}` : html`overdue since ${moment(c.dueAt!, now)}`}${c.dueAt && c.status !== 'met' ? html` · still running` : ''}`
      break
    default:
      detail = html`due ${c.dueAt ? moment(c.dueAt, now) : '—'}${c.warnAt && state === 'ok' ? html` · warning ${moment(c.warnAt, now)}` : ''}${c.warnedAt ? html` · warned ${moment(c.warnedAt, now)}` : ''}`
  }
  return html`<li class="sla-clock" data-metric="${c.metric}" data-status="${c.status}">
  <div><strong>${metricLabel(c.metric)}</strong> <span class="badge sla sla-${state}">${state === 'breached' || state === 'warn' ? '⚠ ' : ''}${STATE_LABELS[state]}</span></div>
  <div class="small">${detail}</div>
  <div class="small muted">target ${span(c.targetSeconds)}${c.dueAt ? html` · due ${when(c.dueAt)} UTC` : ''}</div>
</li>`
}
