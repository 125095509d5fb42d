// The customer profile: who they are and where they were (country, device, page), the workspace's
// custom fields, tags, VIP, health score and risk level, and every past conversation.
import { html } from 'hono/html'
import type { ContactProfileView } from '../../routes/contacts.ts'
import { ago, type Markup, moment, when } from '../layout.ts'
import { label } from './conversation.ts'
import { type ChurnRisk, riskCard } from './success.ts'

/** GET /v1/customer-health/:contact */
export interface CustomerHealth {
  contactId: string
  current: {
    score: number
    risk: string
    components: Record<string, number>
    reasons: Record<string, string>
    computedAt: string
  } | null
  /** Newest first. */
  history: Array<{ score: number; risk: string; computedAt: string }>
}

export interface ContactExtras {
  /** Null when it could not be read: the profile falls back to the latest score it has. */
  health: CustomerHealth | null
  /** The customer's open churn risks; null when they could not be read. */
  risks: ChurnRisk[] | null
  names: Map<string, string>
}

const COMPONENTS = ['engagement', 'support', 'adoption', 'sentiment']
const COMPONENT_LABELS: Record<string, string> = {
  engagement: 'Engagement',
  support: 'Support',
  adoption: 'Adoption',
  sentiment: 'Sentiment',
}
export const riskLabel = (risk: string) => `${risk.charAt(0).toUpperCase()}${risk.slice(1)}`

export function contactPage(
  view: ContactProfileView,
  extras: ContactExtras = { health: null, risks: null, names: new Map() },
): Markup {
  const c = view.contact
  const name = c.name ?? c.email ?? c.phone ?? 'Customer'
  const api = `PATCH /v1/contacts/${c.id}`
  return html`
<p class="muted small"><a href="/app/inbox">← Inbox</a></p>
<h1>${name} ${c.vip ? html`<span class="badge priority-high">VIP</span>` : ''}
  ${view.health ? html`<span class="badge risk-${view.health.risk}" data-field="health">health ${view.health.score} · ${view.health.risk} risk</span>` : ''}
  ${extras.risks?.length ? html`<a class="badge risk-critical" href="#churn-risks">at risk of churning</a>` : ''}</h1>
<div id="contact" data-live class="conversation">
  <section>
    <div class="panel">
      <h2>Conversations (${view.conversations.length})</h2>
      <ul class="list">
        ${view.conversations.map(
          (conv) => html`<li><a href="/app/conversations/${conv.id}">
          <span><span class="who">${conv.channel.name}</span> ${conv.tickets.map((t) => html` · ${t.number} <span class="badge status-${t.status}">${label(t.status)}</span>`)}</span>
          <span class="muted small">${ago(conv.lastMessageAt)}</span>
          <span class="snippet">${conv.tickets[0]?.subject ?? conv.tickets[0]?.snippet ?? ''}</span></a></li>`,
        )}
      </ul>
    </div>
    ${healthPanel(view, extras.health)}
    ${risksPanel(extras.risks, extras.names)}
  </section>
  <aside class="side">
    <div class="panel">
      <h2>Contact</h2>
      <dl>
        <dt>Email</dt><dd>${c.email ?? '—'}</dd>
        <dt>Phone</dt><dd>${c.phone ?? '—'}</dd>
        <dt>Country</dt><dd data-field="country">${c.country ?? '—'}</dd>
        <dt>Device</dt><dd data-field="device">${c.device ?? '—'}</dd>
        <dt>Language</dt><dd>${c.language ?? '—'}</dd>
        <dt>Last page</dt><dd class="small" data-field="page">${c.page ?? '—'}</dd>
        ${view.identities.map((i) => html`<dt>${i.kind}</dt><dd class="small">${i.value}</dd>`)}
      </dl>
      <form class="stack" data-api="${api}" data-done="Saved" data-keep data-split="tags">
        <label>Name <input name="name" value="${c.name ?? ''}" data-type="optional"></label>
        <label><input type="checkbox" name="vip" ${c.vip ? 'checked' : ''}> VIP</label>
        <label>Tags <input name="tags" value="${c.tags.join(', ')}" placeholder="comma separated"></label>
        <button type="submit">Save</button>
      </form>
    </div>
    <div class="panel">
      <h2>Custom fields</h2>
      ${
        view.customFields.length === 0
          ? html`<p class="muted small">No custom fields yet; an admin adds them in Settings.</p>`
          : html`<form class="stack" data-api="${api}" data-done="Saved" data-keep>
        ${view.customFields.map((f) => field(f))}
        <button type="submit">Save fields</button>
      </form>`
      }
    </div>
  </aside>
</div>`
}

function field(f: ContactProfileView['customFields'][number]) {
  const name = `customFields.${f.key}`
  const value = f.value === null || f.value === undefined ? '' : String(f.value)
  switch (f.type) {
    case 'boolean':
      return html`<label><input type="checkbox" name="${name}" ${f.value === true ? 'checked' : ''}> ${f.label}</label>`
    case 'select':
      return html`<label>${f.label} <select name="${name}" data-type="optional"><option value="">—</option>${f.options.map((o) => html`<option ${o === f.value ? 'selected' : ''}>${o}</option>`)}</select></label>`
    case 'number':
      return html`<label>${f.label} <input type="number" step="any" name="${name}" value="${value}" data-type="number"></label>`
    case 'date':
      return html`<label>${f.label} <input type="date" name="${name}" value="${value.slice(0, 10)}" data-type="optional"></label>`
    default:
      return html`<label>${f.label} <input name="${name}" value="${value}" data-type="optional"></label>`
  }
}

function healthPanel(view: ContactProfileView, health: CustomerHealth | null): Markup {
  const current =
    health?.current ??
    (view.health
      ? {
          score: view.health.score,
          risk: view.health.risk,
          components: view.health.components,
          reasons: {} as Record<string, string>,
          computedAt: view.health.computedAt,
        }
      : null)
  if (!current) {
    return html`<section class="panel" id="health" aria-labelledby="health-heading"><h2 id="health-heading">Health</h2>
      <p class="muted">No health score yet: it is computed from product events (logins, features used, seats), tickets and satisfaction.</p></section>`
  }
  const keys = [
    ...COMPONENTS,
    ...Object.keys(current.components).filter((k) => !COMPONENTS.includes(k)),
  ].filter((k) => k in current.components)
  const history = health?.history ?? []
  return html`<section class="panel" id="health" aria-labelledby="health-heading">
  <h2 id="health-heading">Health</h2>
  <div class="health-head">
    <div class="health-score" data-field="health-score"><span class="figure">${current.score}</span><span class="muted">/100</span></div>
    <div>
      <span class="badge risk-${current.risk}" data-field="risk">${riskLabel(current.risk)} risk</span>
      <div class="muted small">computed ${moment(current.computedAt)}</div>
    </div>
    ${sparkline(history)}
  </div>
  <table class="components" aria-label="Health score components">
    <thead><tr><th scope="col">Component</th><th scope="col">Score</th><th scope="col">Why</th></tr></thead>
    <tbody>${keys.map((k) => {
      const value = Math.round(current.components[k]!)
      return html`<tr data-component="${k}"><th scope="row">${COMPONENT_LABELS[k] ?? k}</th>
      <td><meter min="0" max="100" low="40" high="70" optimum="100" value="${value}" aria-label="${COMPONENT_LABELS[k] ?? k} ${value} of 100"></meter> ${value}</td>
      <td class="small">${current.reasons[k] ?? ''}</td></tr>`
    })}</tbody>
  </table>
  ${
    history.length > 1
      ? html`<details class="small" id="health-history"><summary>Score history (${history.length})</summary>
    <table aria-label="Health score history"><thead><tr><th scope="col">When (UTC)</th><th scope="col">Score</th><th scope="col">Risk</th></tr></thead>
    <tbody>${history.slice(0, 30).map((h) => html`<tr><td>${when(h.computedAt)}</td><td>${h.score}</td><td>${riskLabel(h.risk)}</td></tr>`)}</tbody></table></details>`
      : ''
  }
</section>`
}

/** The score over time as an inline SVG line (oldest left), described for screen readers. */
function sparkline(history: CustomerHealth['history']): Markup | '' {
  if (history.length < 2) return ''
  const points = [...history].reverse()
  const width = 160
  const height = 40
  const step = width / (points.length - 1)
  const y = (score: number) =>
    (height - 2 - (Math.max(0, Math.min(100, score)) / 100) * (height - 4)).toFixed(1)
  const line = points.map((p, i) => `${(i * step).toFixed(1)},${y(p.score)}`).join(' ')
  const first = points[0]!
  const last = points[points.length - 1]!
  const description = `Health score over the last ${points.length} computations, from ${first.score} on ${when(first.computedAt).slice(0, 10)} to ${last.score} on ${when(last.computedAt).slice(0, 10)}`
  return html`<svg class="sparkline" role="img" aria-label="${description}" viewBox="-2 0 ${width + 4} ${height}" width="${width}" height="${height}" data-points="${points.length}">
    <title>${description}</title>
    <line x1="0" x2="${width}" y1="${y(50)}" y2="${y(50)}" class="mid"></line>
    <polyline points="${line}" fill="none"></polyline>
    <circle cx="${width}" cy="${y(last.score)}" r="2.5"></circle>
  </svg>`
}

function risksPanel(risks: ChurnRisk[] | null, names: Map<string, string>): Markup {
  return html`<section class="panel" id="churn-risks" aria-labelledby="churn-risks-heading">
  <h2 id="churn-risks-heading">Open churn risks</h2>
  ${
    risks === null
      ? html`<p class="muted small">Churn risks could not be read.</p>`
      : risks.length === 0
        ? html`<p class="muted small">No open churn risk for this customer.</p>`
        : risks.map((r) => riskCard(r, names, { heading: 'h3', inProfile: true }))
  }
</section>`
}
