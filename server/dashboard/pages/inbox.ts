// The inbox: every conversation across channels, filtered (All / My tickets / Open / In progress /
// Resolved / Closed, and the channel inboxes New / Active / Expired / Outgoing), searchable, with
// conversations idle for 30 days archived out of the default view. Live through the event stream.
import { html } from 'hono/html'
import type { InboxSla } from '../../routes/conversations.ts'
import { ago, type Markup } from '../layout.ts'
import { label } from './conversation.ts'
import { slaBadge, slaRank } from './sla.ts'

export interface InboxRow {
  id: string
  channel: { kind: string; key: string }
  inbox: string
  contact: { id: string; name: string | null; email: string | null }
  lastMessageAt: string
  snippet?: string | null
  ticket: {
    id: string
    number: string
    status: string
    owner: string
    urgency: string | null
    priority?: string
    tags?: string[]
    assignee?: { id: string; name: string | null } | string | null
    category?: string | null
    subject?: string | null
    /** The SLA clock to watch (see InboxTicket.sla). */
    sla?: InboxSla | null
  } | null
  flags?: { draftPending?: boolean; customerWaiting?: boolean }
  draftPending?: boolean
  customerWaiting?: boolean
}

export interface InboxQuery {
  filter?: string | undefined
  inbox?: string | undefined
  status?: string | undefined
  q?: string | undefined
  archived?: string | undefined
  /** `sla`: the most urgent SLA first (this page's rows); otherwise the latest message first. */
  sort?: string | undefined
}

const FILTERS = [
  ['all', 'All'],
  ['mine', 'My tickets'],
  ['open', 'Open'],
  ['in_progress', 'In progress'],
  ['resolved', 'Resolved'],
  ['closed', 'Closed'],
] as const
const INBOXES = [
  ['new', 'New'],
  ['active', 'Active'],
  ['expired', 'Expired'],
  ['outgoing', 'Outgoing'],
] as const

export function inboxPage(
  rows: InboxRow[],
  query: InboxQuery,
  counts: Record<string, number> | undefined,
): Markup {
  const link = (patch: Partial<InboxQuery>) => {
    const params = new URLSearchParams()
    const next = {
      filter: query.filter,
      inbox: query.inbox,
      q: query.q,
      archived: query.archived,
      sort: query.sort,
      ...patch,
    }
    for (const [k, v] of Object.entries(next)) if (v) params.set(k, v)
    const s = params.toString()
    return `/app/inbox${s ? `?${s}` : ''}`
  }
  const filter = query.filter ?? (query.status || query.inbox ? '' : 'all')
  const count = (key: string) =>
    counts && key in counts ? html`<span class="count">${counts[key]}</span>` : ''
  const bySla = query.sort === 'sla'
  const now = Date.now()
  const listed = bySla
    ? rows
        .map((r, i) => ({ r, i, rank: slaRank(r.ticket?.sla) }))
        .sort((a, b) => a.rank - b.rank || a.i - b.i)
        .map((x) => x.r)
    : rows
  const atRisk = rows.filter((r) => r.ticket?.sla && ['breached', 'running'].includes(r.ticket.sla.status))
  const breached = atRisk.filter(
    (r) => r.ticket!.sla!.status === 'breached' || Date.parse(r.ticket!.sla!.dueAt ?? '') <= now,
  ).length
  return html`
<h1>Inbox</h1>
<nav class="filters" aria-label="Ticket filters">
  ${FILTERS.map(([key, name]) => html`<a href="${link({ filter: key, inbox: undefined })}" class="${filter === key ? 'current' : ''}">${name}${count(key)}</a>`)}
</nav>
<nav class="filters" aria-label="Channel inboxes">
  ${INBOXES.map(([key, name]) => html`<a href="${link({ inbox: key, filter: undefined })}" class="${query.inbox === key ? 'current' : ''}">${name}${count(key)}</a>`)}
</nav>
<form class="search" method="get" action="/app/inbox" role="search">
  ${query.filter ? html`<input type="hidden" name="filter" value="${query.filter}">` : ''}
  ${query.inbox ? html`<input type="hidden" name="inbox" value="${query.inbox}">` : ''}
  <input type="search" name="q" value="${query.q ?? ''}" placeholder="Search name, email, phone, TKT number or message text" aria-label="Search conversations">
  <select name="archived" aria-label="Archived">
    <option value="" ${!query.archived ? 'selected' : ''}>Last 30 days</option>
    <option value="true" ${query.archived === 'true' ? 'selected' : ''}>Archived only</option>
    <option value="all" ${query.archived === 'all' ? 'selected' : ''}>Everything</option>
  </select>
  ${query.sort ? html`<input type="hidden" name="sort" value="${query.sort}">` : ''}
  <button type="submit">Search</button>
</form>
<nav class="filters sort" aria-label="Sort conversations">
  <span class="muted small">Sort:</span>
  <a href="${link({ sort: undefined })}" class="${bySla ? '' : 'current'}" ${bySla ? '' : html`aria-current="true"`}>Latest activity</a>
  <a href="${link({ sort: 'sla' })}" class="${bySla ? 'current' : ''}" ${bySla ? html`aria-current="true"` : ''}>SLA due first</a>
</nav>
<div class="panel" id="inbox-list" data-live>
  ${
    atRisk.length
      ? html`<p class="small sla-summary" data-sla-summary>${breached ? html`<span class="badge sla sla-breached">⚠ ${breached} SLA ${breached === 1 ? 'breach' : 'breaches'}</span> ` : ''}${atRisk.length - breached} with an SLA clock running</p>`
      : ''
  }
  ${
    rows.length === 0
      ? html`<p class="muted">No conversations here.</p>`
      : html`<ul class="list" aria-label="Conversations">${listed.map((r) => row(r, now))}</ul>`
  }
</div>`
}

function row(r: InboxRow, now: number) {
  const t = r.ticket
  const assignee = t?.assignee
    ? typeof t.assignee === 'string'
      ? t.assignee
      : (t.assignee.name ?? '')
    : null
  const draft = r.flags?.draftPending ?? r.draftPending ?? t?.status === 'awaiting_approval'
  const waiting = r.flags?.customerWaiting ?? r.customerWaiting
  return html`<li data-conversation="${r.id}"><a href="/app/conversations/${r.id}">
  <span><span class="who">${r.contact.name ?? r.contact.email ?? 'Visitor'}</span>
    ${t ? html` · ${t.number}` : ''} <span class="badge">${r.channel.kind}</span>
    ${t ? html`<span class="badge status-${t.status}">${label(t.status)}</span>` : ''}
    ${t?.priority && t.priority !== 'normal' ? html`<span class="badge priority-${t.priority}">${t.priority}</span>` : ''}
    ${draft ? html`<span class="badge status-awaiting_approval">draft</span>` : ''}
    ${waiting ? html`<span class="badge status-pending">customer waiting</span>` : ''}
    ${(t?.tags ?? []).map((tag) => html`<span class="badge tag">${tag}</span>`)}
  </span>
  <span class="muted small">${slaBadge(t?.sla, now)} ${assignee ? `${assignee} · ` : ''}${ago(r.lastMessageAt)}</span>
  <span class="snippet">${r.snippet ?? t?.subject ?? ''}</span>
</a></li>`
}
