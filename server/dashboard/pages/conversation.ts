// The conversation page: the whole thread (customer, bot, people, internal notes), the agent's
// draft with its confidence and citations, the composer (reply or note, canned responses), the
// ticket's fields and actions, AI assist, and the audit trail.

import { html, raw } from 'hono/html'
import { TICKET_PRIORITIES } from '../../../drizzle/schema/tickets.ts'
import { ago, type Markup, when } from '../layout.ts'
import { type AuditEntry, describeAudit } from './audit.ts'
import { type SlaClock, slaBadge, slaPanel } from './sla.ts'

export interface ConversationData {
  conversation: {
    id: string
    channel: { kind: string; name: string }
    contact: { id: string; name: string | null; email: string | null; phone: string | null }
    metadata: Record<string, unknown>
    inbox: string
    windowExpiresAt: string | null
  }
  messages: Array<{
    id: string
    direction: string
    author: string
    authorRef: string | null
    kind: string
    body: string
    citations: Array<{ title: string; heading: string | null; url: string | null; slug: string }>
    deliveryStatus: string
    deliveryError: string | null
    attachments: Array<{ id: string; filename: string | null; kind: string; url: string | null }>
    createdAt: string
  }>
  ticket: {
    id: string
    number: string
    status: string
    owner: string
    assignee: string | null
    agent: string | null
    queue: string | null
    subject: string | null
    category: string | null
    intent: string | null
    urgency: string | null
    priority: string
    tags: string[]
    createdAt: string
  } | null
  tickets: Array<{ id: string; number: string; status: string }>
  decision: { agent: string; action: string; confidence: number; reason: string } | null
  draft: {
    id: string
    body: string
    confidence: number
    citations: Array<{ title: string; heading: string | null; url: string | null }>
  } | null
  audit: AuditEntry[]
}

export interface Member {
  id: string
  name: string
  email: string
  availability?: string
}
export interface Canned {
  shortcut: string
  title: string
  body: string
}
export interface Suggestion {
  id: string
  text: string
  source: string
  title?: string
}

export function conversationPage(
  data: ConversationData,
  extras: {
    members: Member[]
    canned: Canned[]
    tags: string[]
    suggestions: Suggestion[] | null
    viewerId: string | null
    /** The ticket's SLA clocks; null when they could not be read. */
    sla?: SlaClock[] | null
  },
): Markup {
  const { conversation, ticket } = data
  const names = new Map(extras.members.map((m) => [m.id, m.name]))
  const contactName =
    conversation.contact.name ?? conversation.contact.email ?? conversation.contact.phone ?? 'Customer'
  const ref = ticket ? ticket.number : null
  return html`
<p class="muted small"><a href="/app/inbox">← Inbox</a></p>
<h1 id="conversation-title" data-live>${ref ? html`<span>${ref}</span> · ` : ''}${ticket?.subject ?? contactName}
  ${ticket ? html`<span class="badge status-${ticket.status}">${label(ticket.status)}</span>` : ''}
  ${ticket && ticket.priority !== 'normal' ? html`<span class="badge priority-${ticket.priority}">${ticket.priority}</span>` : ''}
  ${ticket && !['resolved', 'closed'].includes(ticket.status) ? slaBadge(pressing(extras.sla ?? [])) : ''}
</h1>
<div class="conversation">
  <section aria-label="Conversation">
    <div class="panel">
      <div id="thread" data-live class="thread" aria-live="polite">
        ${data.messages.map((m) => message(m, names))}
      </div>
    </div>
    <div id="draft" data-live>${ticket && data.draft ? draftPanel(ref!, data.draft) : ''}</div>
    ${ticket ? composer(ref!, extras.canned, ticket.status) : ''}
  </section>
  <aside class="side" aria-label="Ticket">
    <div id="side" data-live>
      ${ticket ? ticketPanel(data, extras, names) : html`<div class="panel">No ticket.</div>`}
      ${ticket && extras.sla !== undefined ? slaPanel(extras.sla) : ''}
      <div class="panel">
        <h2>Customer</h2>
        <dl>
          <dt>Name</dt><dd><a href="/app/contacts/${conversation.contact.id}">${contactName}</a></dd>
          ${conversation.contact.email ? html`<dt>Email</dt><dd>${conversation.contact.email}</dd>` : ''}
          ${conversation.contact.phone ? html`<dt>Phone</dt><dd>${conversation.contact.phone}</dd>` : ''}
          <dt>Channel</dt><dd>${conversation.channel.name} <span class="badge">${conversation.inbox}</span></dd>
          ${conversation.metadata.page ? html`<dt>Page</dt><dd class="small">${String(conversation.metadata.page)}</dd>` : ''}
        </dl>
      </div>
      ${ticket ? assistPanel(ref!, data, extras.suggestions) : ''}
      ${ticket ? auditPanel(data.audit, names) : ''}
    </div>
  </aside>
</div>`
}

/** The clock to watch while the ticket is open: running ones by due time, else a paused one. */
function pressing(clocks: SlaClock[]) {
  const live = clocks.filter((c) => c.status !== 'met')
  const running = live.filter((c) => c.dueAt).sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!))
  const clock = running[0] ?? live[0]
  return clock ? { ...clock, policyName: clock.policy.name } : null
}

function message(m: ConversationData['messages'][number], names: Map<string, string>) {
  const kind =
    m.direction === 'internal'
      ? m.kind === 'summary'
        ? 'summary'
        : m.author === 'human'
          ? 'note'
          : 'system'
      : m.author
  const who =
    kind === 'summary'
      ? 'AI summary · only your team sees this'
      : kind === 'note'
        ? `Internal note · ${name(m.authorRef, names)}`
        : m.author === 'customer'
          ? 'Customer'
          : m.author === 'bot'
            ? `Bot${m.authorRef ? ` (${m.authorRef})` : ''}`
            : m.author === 'human'
              ? name(m.authorRef, names)
              : 'System'
  return html`<article class="msg ${kind}" data-kind="${kind}" id="m-${m.id}">
  <div class="meta">${who} · <time datetime="${m.createdAt}" title="${when(m.createdAt)}">${ago(m.createdAt)}</time>
    ${m.direction === 'outbound' ? html` · <span class="${m.deliveryStatus === 'failed' ? 'failed' : ''}">${m.deliveryStatus}</span>` : ''}
    ${m.deliveryError ? html` · <span class="failed">${m.deliveryError}</span>` : ''}</div>
  <div class="body">${m.body}</div>
  ${m.citations.length ? html`<ol class="citations">${m.citations.map((c) => html`<li>${c.title}${c.heading ? ` — ${c.heading}` : ''}</li>`)}</ol>` : ''}
  ${m.attachments.length ? html`<div class="attachments">${m.attachments.map((a) => (a.url ? html`<a href="${a.url}" target="_blank" rel="noopener">📎 ${a.filename ?? a.kind}</a>` : html`<span class="muted">📎 ${a.filename ?? a.kind} (fetching…)</span>`))}</div>` : ''}
</article>`
}

function draftPanel(ref: string, draft: NonNullable<ConversationData['draft']>) {
  return html`<section class="draft" data-draft aria-label="Draft reply for approval">
  <h2>Draft for approval · <span class="confidence">confidence ${Math.round(draft.confidence * 100)}%</span></h2>
  <label for="draft-text" class="muted small">Edit before sending if needed. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> approves as written, or sends your edit.</label>
  <textarea id="draft-text" name="text" rows="6">${draft.body}</textarea>
  ${draft.citations.length ? html`<div class="small muted">Sources:</div><ol class="citations">${draft.citations.map((c) => html`<li>${c.url ? html`<a href="${c.url}" target="_blank" rel="noopener">${c.title}</a>` : c.title}${c.heading ? ` — ${c.heading}` : ''}</li>`)}</ol>` : ''}
  <div class="actions">
    <button class="primary" data-approve data-api="POST /v1/tickets/${ref}/draft/approve" data-body='${raw(JSON.stringify({ draftId: draft.id }))}' data-done="Draft approved and sent">Approve &amp; send</button>
    <button data-send-edited type="button">Send edited</button>
    <button class="danger" data-api="POST /v1/tickets/${ref}/draft/reject" data-body='${raw(JSON.stringify({ draftId: draft.id }))}' data-done="Draft rejected; the ticket waits for a person">Reject</button>
  </div>
  <form hidden data-api="POST /v1/tickets/${ref}/draft/send" data-body='${raw(JSON.stringify({ draftId: draft.id }))}' id="send-edited-form" data-done="Edited reply sent"><input name="text"></form>
</section>`
}

function composer(ref: string, canned: Canned[], status: string) {
  const closed = status === 'closed'
  return html`<section id="composer" class="panel composer" aria-label="Reply">
  <div class="tabs" role="group" aria-label="Compose">
    <button data-mode="reply" aria-pressed="true">Reply</button>
    <button data-mode="note" aria-pressed="false">Internal note</button>
  </div>
  <form data-api="POST /v1/tickets/${ref}/reply" data-reply-api="POST /v1/tickets/${ref}/reply" data-note-api="POST /v1/tickets/${ref}/notes" data-done="Sent">
    <ul class="canned-menu" role="listbox" hidden aria-label="Canned responses"></ul>
    <textarea id="composer-text" name="text" rows="4" ${closed ? 'disabled' : ''} placeholder="Reply to the customer — type / for canned responses" aria-label="Message"></textarea>
    <div class="actions">
      <button class="primary" type="submit" ${closed ? 'disabled' : ''}>Send reply</button>
      <span class="muted small"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> sends · <kbd>/</kbd> canned responses · <kbd>r</kbd> reply · <kbd>n</kbd> note · <kbd>d</kbd> draft · <kbd>t</kbd> take over</span>
    </div>
  </form>
  <script type="application/json" id="canned-data">${raw(JSON.stringify(canned.map((c) => ({ shortcut: c.shortcut, title: c.title, body: c.body }))).replace(/</g, '\\u003c'))}</script>
</section>`
}

function ticketPanel(
  data: ConversationData,
  extras: { members: Member[]; tags: string[]; viewerId: string | null },
  names: Map<string, string>,
) {
  const t = data.ticket!
  const ref = t.number
  const live = t.status !== 'closed'
  return html`<div class="panel" id="ticket-panel">
  <h2>Ticket ${ref}</h2>
  <dl>
    <dt>Status</dt><dd><span class="badge status-${t.status}" data-field="status">${label(t.status)}</span></dd>
    <dt>Handled by</dt><dd data-field="owner">${t.owner === 'bot' ? `Bot${t.agent ? ` (${t.agent})` : ''}` : 'A person'}</dd>
    <dt>Assignee</dt><dd data-field="assignee">${t.assignee ? name(t.assignee, names) : html`<span class="muted">Unassigned</span>`}</dd>
    <dt>Category</dt><dd>${t.category ?? '—'}</dd>
    <dt>Intent</dt><dd>${t.intent ?? '—'}</dd>
    <dt>Urgency</dt><dd>${t.urgency ?? '—'}</dd>
    <dt>Queue</dt><dd>${t.queue ?? '—'}</dd>
    ${data.decision ? html`<dt>Last decision</dt><dd>${data.decision.agent}: ${data.decision.action} (${Math.round(data.decision.confidence * 100)}%)</dd>` : ''}
  </dl>
  ${
    live
      ? html`<div class="actions">
    ${t.owner === 'bot' ? html`<button data-take-over data-api="POST /v1/tickets/${ref}/take-over" data-done="You took over from the bot">Take over</button>` : html`<button data-api="POST /v1/tickets/${ref}/hand-back" data-done="Handed back to the bot">Hand back to bot</button>`}
    ${t.assignee !== extras.viewerId && extras.viewerId ? html`<button data-api="POST /v1/tickets/${ref}/assign" data-body='{"assignee":"me"}' data-done="Assigned to you">Assign to me</button>` : ''}
    ${t.status === 'resolved' ? html`<button data-api="POST /v1/tickets/${ref}/status" data-body='{"status":"in_progress"}' data-done="Reopened">Reopen</button>` : html`<button data-api="POST /v1/tickets/${ref}/status" data-body='{"status":"resolved"}' data-done="Resolved">Resolve</button>`}
  </div>
  <form class="inline" data-api="POST /v1/tickets/${ref}/assign" data-done="Assigned" data-keep>
    <label class="muted small" for="assignee-select">Assign to</label>
    <select id="assignee-select" name="assignee" data-nullable>
      <option value="">— nobody —</option>
      ${extras.members.map((m) => html`<option value="${m.id}" ${m.id === t.assignee ? 'selected' : ''}>${m.name}${m.availability && m.availability !== 'online' ? ` (${m.availability})` : ''}</option>`)}
    </select>
    <button type="submit">Assign</button>
  </form>
  <form class="inline" data-api="POST /v1/tickets/${ref}/status" data-done="Status changed" data-keep>
    <label class="muted small" for="status-select">Status</label>
    <select id="status-select" name="status">
      ${['pending', 'in_progress', 'resolved', 'closed'].map((s) => html`<option value="${s}" ${s === t.status ? 'selected' : ''}>${label(s)}</option>`)}
    </select>
    <button type="submit">Set</button>
  </form>
  <form class="inline" data-api="POST /v1/tickets/${ref}/priority" data-done="Priority changed" data-keep>
    <label class="muted small" for="priority-select">Priority</label>
    <select id="priority-select" name="priority">
      ${TICKET_PRIORITIES.map((p) => html`<option value="${p}" ${p === t.priority ? 'selected' : ''}>${p}</option>`)}
    </select>
    <button type="submit">Set</button>
  </form>`
      : html`<p class="muted">This ticket is closed; a new message from the customer opens a new one.</p>`
  }
  <div class="tags" aria-label="Tags">
    <div class="muted small">Tags</div>
    ${t.tags.length === 0 ? html`<span class="muted small">none</span>` : ''}
    ${t.tags.map((tag) => html`<span class="badge tag">${tag} ${live ? html`<button class="small" aria-label="Remove tag ${tag}" data-api="POST /v1/tickets/${ref}/tags" data-body='${raw(JSON.stringify({ remove: [tag] }).replace(/'/g, '&#39;'))}'>×</button>` : ''}</span> `)}
    ${
      live
        ? html`<form class="inline" data-api="POST /v1/tickets/${ref}/tags" data-split="add" data-done="Tagged">
      <input name="add" list="tag-options" placeholder="Add tags, comma separated" aria-label="Add tags">
      <datalist id="tag-options">${extras.tags.map((tag) => html`<option value="${tag}"></option>`)}</datalist>
      <button type="submit">Add</button>
    </form>`
        : ''
    }
  </div>
  ${data.tickets.length > 1 ? html`<p class="small muted">Earlier tickets here: ${data.tickets.filter((x) => x.id !== t.id).map((x) => html`${x.number} (${label(x.status)}) `)}</p>` : ''}
</div>`
}

function assistPanel(ref: string, data: ConversationData, suggestions: Suggestion[] | null) {
  const summary = [...data.messages].reverse().find((m) => m.direction === 'internal' && m.kind === 'summary')
  return html`<div class="panel" aria-label="AI assist">
  <h2>AI assist</h2>
  ${summary ? html`<p class="small">${summary.body}</p>` : html`<p class="muted small">No summary yet (written on take-over or transfer once there are 5 messages).</p>`}
  <div class="actions"><button data-api="POST /v1/tickets/${ref}/assist/summary" data-done="Summary written">Summarize now</button></div>
  <h2 style="margin-top:.8rem">Suggested replies</h2>
  ${
    suggestions === null
      ? html`<p class="muted small">Suggestions are unavailable.</p>`
      : suggestions.length === 0
        ? html`<p class="muted small">Nothing to suggest for the last message.</p>`
        : html`<ol class="suggestions small">${suggestions.map((s) => html`<li><span class="badge">${s.source}</span> ${s.text} <button class="small" data-use-text="${s.text}">Use</button></li>`)}</ol>`
  }
  <div class="actions"><a class="button" href="?exclude=${(suggestions ?? []).map((s) => s.id).join(',')}">Refresh suggestions</a></div>
</div>`
}

function auditPanel(audit: AuditEntry[], names: Map<string, string>) {
  return html`<div class="panel">
  <details open>
    <summary>History (${audit.length})</summary>
    <ol class="audit" id="audit">
      ${[...audit].reverse().map((e) => html`<li data-type="${e.type}"><span class="when" title="${when(e.at)}">${ago(e.at)}</span> — ${describeAudit(e, names)}</li>`)}
    </ol>
  </details>
</div>`
}

function name(id: string | null, names: Map<string, string>): string {
  if (!id) return 'someone'
  return names.get(id) ?? id
}

export function label(status: string): string {
  return (
    {
      new: 'New',
      triaging: 'Bot is reading',
      bot_handled: 'Answered by bot',
      awaiting_approval: 'Ready for approval',
      pending: 'Waiting for a person',
      in_progress: 'In progress',
      resolved: 'Resolved',
      closed: 'Closed',
    }[status] ?? status
  )
}
