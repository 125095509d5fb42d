// Customer success: the customers at risk of churning with their signals and save-play steps (and
// the buttons that record how it ended), the churn report's save rate, and the CSAT report (response
// rate, average, share of 4–5, per agent). Everything comes from the customer-success API.
import { html } from 'hono/html'
import { type Markup, moment, percent, when } from '../layout.ts'

export interface ChurnSignal {
  kind: string
  evidence: string
  strength: number
  at: string
  ticketId?: string | null
}

export interface SaveStep {
  id: string
  ordinal: number
  kind: string
  text: string | null
  dueAt: string
  status: 'scheduled' | 'done' | 'skipped' | 'failed'
  result: Record<string, unknown>
  doneAt: string | null
}

/** One risk as GET /v1/churn-risks lists it. */
export interface ChurnRisk {
  id: string
  contactId: string
  status: 'open' | 'saved' | 'churned'
  signals: ChurnSignal[]
  healthScore: number | null
  openedAt: string
  outcomeAt: string | null
  outcomeBy: string | null
  outcomeNote: string | null
  customer: { id: string; name: string | null; email: string | null }
  steps: SaveStep[]
}

export interface ChurnReport {
  since: string
  opened: number
  pending: number
  saved: number
  churned: number
  saveRate: number | null
}

export interface CsatReport {
  from: string
  to: string
  surveysSent: number
  responses: number
  responseRate: number | null
  average: number | null
  csat: number | null
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>
  byAgent: Array<{ agent: string; responses: number; average: number }>
}

export interface SuccessData {
  status: string | undefined
  risks: ChurnRisk[]
  churn: ChurnReport | null
  csat: CsatReport | null
  /** User id → name, for the CSAT report's agents and the outcomes' authors. */
  names: Map<string, string>
}

const SIGNAL_LABELS: Record<string, string> = {
  cancellation_intent: 'Talked about cancelling',
  competitor_mention: 'Mentioned a competitor',
  price_complaint: 'Complained about the price',
  repeated_unresolved: 'Repeated unresolved problems',
  falling_health: 'Health score is falling',
}
const STEP_LABELS: Record<string, string> = {
  alert_owner: 'Alert the account owner',
  check_in: 'Check in with the customer',
  offer: 'Make an offer',
}
const STATUS_FILTERS = [
  ['open', 'Open'],
  ['saved', 'Saved'],
  ['churned', 'Churned'],
  ['all', 'All'],
] as const

const signalLabel = (kind: string) => SIGNAL_LABELS[kind] ?? kind.replace(/_/g, ' ')
const customerName = (r: ChurnRisk) => r.customer.name ?? r.customer.email ?? 'Customer'

export function successPage(data: SuccessData): Markup {
  const status = data.status ?? 'open'
  return html`
<h1>Customer success</h1>
<div id="success" data-live>
<div class="two">
  <section class="panel" aria-labelledby="churn-report-heading">
    <h2 id="churn-report-heading">Churn report${data.churn ? html` <span class="muted small">since ${when(data.churn.since).slice(0, 10)}</span>` : ''}</h2>
    ${data.churn ? churnReport(data.churn) : html`<p class="muted">The churn report is unavailable.</p>`}
  </section>
  <section class="panel" aria-labelledby="csat-heading">
    <h2 id="csat-heading">Customer satisfaction${data.csat ? html` <span class="muted small">${when(data.csat.from).slice(0, 10)} to ${when(data.csat.to).slice(0, 10)}</span>` : ''}</h2>
    ${data.csat ? csatReport(data.csat, data.names) : html`<p class="muted">The CSAT report is unavailable.</p>`}
  </section>
</div>
<section class="panel" aria-labelledby="risks-heading">
  <h2 id="risks-heading">Churn risks</h2>
  <nav class="filters" aria-label="Churn risk status">
    ${STATUS_FILTERS.map(([key, name]) => html`<a href="/app/success${key === 'open' ? '' : `?status=${key}`}" class="${status === key ? 'current' : ''}" ${status === key ? html`aria-current="true"` : ''}>${name}</a>`)}
  </nav>
  ${
    data.risks.length === 0
      ? html`<p class="muted">${status === 'open' ? 'No customer is at risk right now.' : 'No churn risks here.'}</p>`
      : html`<ul class="risks">${data.risks.map((r) => html`<li>${riskCard(r, data.names, { heading: 'h3' })}</li>`)}</ul>`
  }
</section>
</div>`
}

function churnReport(r: ChurnReport): Markup {
  return html`<div class="cards compact">
  <div class="card" data-figure="save-rate"><div class="figure">${percent(r.saveRate)}</div><div>save rate</div></div>
  <div class="card" data-figure="risks-opened"><div class="figure">${r.opened}</div><div>risks opened</div></div>
  <div class="card" data-figure="risks-open"><div class="figure">${r.pending}</div><div>still open</div></div>
  <div class="card" data-figure="saved"><div class="figure">${r.saved}</div><div>saved</div></div>
  <div class="card" data-figure="churned"><div class="figure">${r.churned}</div><div>churned</div></div>
</div>
<p class="muted small">The save rate is saved ÷ (saved + churned): risks still open do not count yet.</p>`
}

function csatReport(r: CsatReport, names: Map<string, string>): Markup {
  const max = Math.max(1, ...Object.values(r.distribution))
  return html`<div class="cards compact">
  <div class="card" data-figure="csat-share"><div class="figure">${percent(r.csat)}</div><div>rated 4 or 5</div></div>
  <div class="card" data-figure="csat-average"><div class="figure">${r.average === null ? '—' : r.average.toFixed(2)}</div><div>average (1–5)</div></div>
  <div class="card" data-figure="csat-response-rate"><div class="figure">${percent(r.responseRate)}</div><div>response rate (${r.responses} of ${r.surveysSent} surveys)</div></div>
</div>
<table class="distribution" aria-label="Ratings by score">
  <thead><tr><th scope="col">Score</th><th scope="col">Ratings</th><th scope="col"><span class="visually-hidden">Share</span></th></tr></thead>
  <tbody>${(['5', '4', '3', '2', '1'] as const).map(
    (k) =>
      html`<tr><th scope="row">${k}</th><td>${r.distribution[k]}</td><td class="bar-cell"><span class="bar" style="width:${Math.round((r.distribution[k] / max) * 100)}%"></span></td></tr>`,
  )}</tbody>
</table>
<h3 class="small">Per agent</h3>
${
  r.byAgent.length === 0
    ? html`<p class="muted small">No ratings in this period.</p>`
    : html`<table aria-label="CSAT per agent"><thead><tr><th scope="col">Agent</th><th scope="col">Ratings</th><th scope="col">Average</th></tr></thead>
  <tbody>${r.byAgent.map((a) => html`<tr data-agent="${a.agent}"><td>${agentName(a.agent, names)}</td><td>${a.responses}</td><td>${a.average.toFixed(2)}</td></tr>`)}</tbody></table>`
}`
}

function agentName(agent: string, names: Map<string, string>): string {
  if (agent === 'bot') return 'Bot'
  if (agent === 'unassigned') return 'Unassigned'
  return names.get(agent) ?? agent
}

/**
 * One churn risk: the customer, its signals, the save play's steps and, while open, the outcome
 * form (saved / churned with a note). Used on the success page and in the customer's profile.
 */
export function riskCard(
  risk: ChurnRisk,
  names: Map<string, string>,
  options: { heading: 'h2' | 'h3'; inProfile?: boolean },
) {
  const heading = `risk-${risk.id}-heading`
  // In the customer's own profile the heading need not name (and link to) them again.
  const title = options.inProfile
    ? 'Churn risk'
    : html`<a href="/app/contacts/${risk.customer.id}">${customerName(risk)}</a>`
  return html`<article class="risk" id="risk-${risk.id}" data-risk="${risk.id}" data-status="${risk.status}" aria-labelledby="${heading}">
  ${options.heading === 'h2' ? html`<h2 id="${heading}">${title}</h2>` : html`<h3 id="${heading}">${title}</h3>`}
  <p class="small">
    <span class="badge risk-status-${risk.status}">${risk.status === 'open' ? 'at risk' : risk.status}</span>
    opened ${moment(risk.openedAt)}${risk.healthScore === null ? '' : html` · health score then <strong>${risk.healthScore}</strong>/100`}
    ${risk.outcomeAt ? html` · ${risk.status} ${moment(risk.outcomeAt)}${risk.outcomeBy ? ` by ${names.get(risk.outcomeBy) ?? risk.outcomeBy}` : ''}` : ''}
  </p>
  ${risk.outcomeNote ? html`<p class="small">“${risk.outcomeNote}”</p>` : ''}
  <h4 class="small">Signals</h4>
  <ul class="signals small">
    ${risk.signals.map(
      (s) =>
        html`<li><strong>${signalLabel(s.kind)}</strong> <span class="muted">(strength ${Math.round(s.strength * 100)}%, ${moment(s.at)})</span> — ${s.evidence}${s.ticketId ? html` · <a href="/app/tickets/${s.ticketId}">ticket</a>` : ''}</li>`,
    )}
  </ul>
  ${
    risk.steps.length
      ? html`<h4 class="small">Save play</h4>
  <ol class="steps small">
    ${risk.steps.map(
      (
        s,
      ) => html`<li data-step-status="${s.status}"><span class="badge step-${s.status}">${s.status}</span> <strong>${STEP_LABELS[s.kind] ?? s.kind}</strong>
      ${s.status === 'scheduled' ? html`· due ${moment(s.dueAt)}` : s.doneAt ? html`· ${moment(s.doneAt)}` : ''}
      ${s.text ? html`<div class="muted">${s.text}</div>` : ''}</li>`,
    )}
  </ol>`
      : ''
  }
  ${risk.status === 'open' ? outcomeForm(risk) : ''}
</article>`
}

function outcomeForm(risk: ChurnRisk) {
  const name = customerName(risk)
  const note = `note-${risk.id}`
  return html`<form class="outcome" data-api="POST /v1/churn-risks/${risk.id}/outcome" data-done="Outcome recorded" aria-label="Outcome of the save play for ${name}">
  <label for="${note}" class="small">Note (optional)</label>
  <input id="${note}" name="note" maxlength="2000" data-omit placeholder="What happened">
  <div class="actions">
    <button type="submit" name="outcome" value="saved" class="primary" data-confirm-submit="Record that ${name} was saved? The remaining steps are skipped.">Saved</button>
    <button type="submit" name="outcome" value="churned" class="danger" data-confirm-submit="Record that ${name} churned? The remaining steps are skipped.">Churned</button>
  </div>
</form>`
}
