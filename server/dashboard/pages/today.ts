// Today: what needs a person now (drafts to approve, escalations, SLA warnings, new conversations)
// and the overview figures, all computed from the data by GET /v1/today.
import { html } from 'hono/html'
import type { TodaySlaWarning, TodayView } from '../../metrics/today.ts'
import { duration, type Markup, when } from '../layout.ts'
import { slaBadge } from './sla.ts'

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export function todayPage(view: TodayView, viewerName: string): Markup {
  const n = view.needsHuman
  const o = view.overview
  const now = Date.parse(view.asOf)
  return html`
<h1>Good day, ${viewerName.split(' ')[0]}</h1>
<div id="today" data-live>
<section aria-label="Needs a human now">
  <div class="cards">
    <a class="card ${n.readyForApproval > 0 ? 'attention' : ''}" href="/app/inbox?status=awaiting_approval" data-figure="ready-for-approval">
      <div class="figure">${n.readyForApproval}</div><div>${plural(n.readyForApproval, 'ticket', 'tickets')} ready for approval</div></a>
    <a class="card ${n.escalationsWaiting > 0 ? 'attention' : ''}" href="/app/inbox?filter=open" data-figure="escalations">
      <div class="figure">${n.escalationsWaiting}</div><div>${plural(n.escalationsWaiting, 'escalation', 'escalations')} waiting</div></a>
    <a class="card" href="/app/inbox?filter=unassigned" data-figure="unassigned"><div class="figure">${n.unassignedWaiting}</div><div>unassigned</div></a>
    <a class="card" href="/app/inbox?filter=mine" data-figure="mine"><div class="figure">${n.mine}</div><div>assigned to you</div></a>
    <a class="card ${n.slaWarnings > 0 ? 'attention' : ''}" href="/app/inbox?sort=sla" data-figure="sla-warnings"><div class="figure">${n.slaWarnings}</div><div>SLA ${n.slaWarnings === 1 ? 'warning' : 'warnings'}</div></a>
    <a class="card" href="/app/inbox?inbox=new" data-figure="new-conversations"><div class="figure">${n.newConversations}</div><div>new ${n.newConversations === 1 ? 'conversation' : 'conversations'} today</div></a>
  </div>
</section>
<section aria-label="Overview">
  <h2>Overview</h2>
  <div class="cards">
    <div class="card" data-figure="avg-first-response"><div class="figure">${duration(o.avgFirstResponseSeconds)}</div><div>average first response (7 days)</div></div>
    <div class="card" data-figure="active-conversations"><div class="figure">${o.activeConversations}</div><div>active conversations</div></div>
    <div class="card" data-figure="csat"><div class="figure">${o.csat ? `${Math.round(o.csat.percent)}%` : '—'}</div><div>CSAT${o.csat ? ` (${o.csat.count} ${o.csat.count === 1 ? 'rating' : 'ratings'}, avg ${o.csat.average.toFixed(1)})` : ' (no ratings yet)'}</div></div>
    <div class="card" data-figure="resolved-today"><div class="figure">${o.resolvedToday}</div><div>resolved today</div></div>
  </div>
</section>
<div class="two">
  <section class="panel" aria-label="Ready for approval">
    <h2>Ready for approval</h2>
    ${
      view.approvalQueue.length === 0
        ? html`<p class="muted">Nothing waiting. The bot's drafts appear here.</p>`
        : html`<ul class="list">${view.approvalQueue.map(
            (a) => html`<li><a href="/app/conversations/${a.conversationId}">
          <span><span class="who">${a.number}</span> · ${a.contactName ?? 'Customer'}</span>
          <span class="badge">${Math.round(a.confidence * 100)}% · ${duration(a.ageSeconds)}</span>
          <span class="snippet">${a.subject ?? ''}</span></a></li>`,
          )}</ul>`
    }
  </section>
  <section class="panel" aria-label="Escalations">
    <h2>Escalations waiting</h2>
    ${
      view.escalations.length === 0
        ? html`<p class="muted">No escalations.</p>`
        : html`<ul class="list">${view.escalations.map(
            (e) => html`<li><a href="/app/conversations/${e.conversationId}">
          <span><span class="who">${e.number}</span> · ${e.contactName ?? 'Customer'}${e.queue ? html` <span class="badge">${e.queue}</span>` : ''}</span>
          <span class="badge ${e.priority !== 'normal' ? `priority-${e.priority}` : ''}">${duration(e.waitingSeconds)}</span>
          <span class="snippet">${e.subject ?? ''}</span></a></li>`,
          )}</ul>`
    }
  </section>
</div>
${
  view.slaWarnings.length
    ? html`<section class="panel" aria-labelledby="sla-warnings-heading"><h2 id="sla-warnings-heading">SLA warnings</h2>
  <p class="muted small">Open tickets whose SLA clock is breached or past its warning, most urgent first.</p>
  <ul class="list">${view.slaWarnings.map((w) => slaWarningItem(w, now))}</ul></section>`
    : ''
}
</div>`
}

/** A ticket with its most urgent clock, badged as in the inbox, with the policy and the due time. */
function slaWarningItem(w: TodaySlaWarning, now: number) {
  const more = w.clocks - 1
  return html`<li data-sla-warning="${w.number}" data-metric="${w.sla.metric}" data-breached="${String(w.breached)}"><a href="/app/conversations/${w.conversationId}">
      <span><span class="who">${w.number}</span> · ${w.contactName ?? 'Customer'}</span>
      ${slaBadge(w.sla, now)}
      <span class="snippet">${w.subject ?? ''}</span>
      <span class="small muted sla-detail">${w.sla.policyName} policy${w.sla.dueAt ? ` · due ${when(w.sla.dueAt)} UTC` : ''}${more > 0 ? ` · ${more} more ${more === 1 ? 'clock' : 'clocks'} past warning` : ''}</span></a></li>`
}
