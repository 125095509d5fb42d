// The customer profile: who they are and where they were (country, device, page), the workspace's
// custom fields, tags, VIP, health score and risk level, and every past conversation.
import { html } from 'hono/html'
import type { ContactProfileView } from '../../routes/contacts.ts'
import { ago, type Markup, when } from '../layout.ts'
import { label } from './conversation.ts'

export function contactPage(view: ContactProfileView): Markup {
  const c = view.contact
  const name = c.name ?? c.email ?? c.phone ?? 'Customer'
  const api = `PATCH /v1/contacts/${c.id}`
  return html`
<p class="muted small"><a href="/app/inbox">← Inbox</a></p>
<h1>${name} ${c.vip ? html`<span class="badge priority-high">VIP</span>` : ''}
  ${view.health ? html`<span class="badge risk-${view.health.risk}" data-field="health">health ${view.health.score} · ${view.health.risk} risk</span>` : ''}</h1>
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
    ${
      view.health
        ? html`<div class="panel"><h2>Health</h2><p>Score <strong>${view.health.score}</strong>/100, <span class="badge risk-${view.health.risk}">${view.health.risk}</span> risk, computed ${when(view.health.computedAt)}.</p>
      <dl>${Object.entries(view.health.components).map(([k, v]) => html`<dt>${k}</dt><dd>${Math.round(v)}</dd>`)}</dl></div>`
        : html`<div class="panel"><h2>Health</h2><p class="muted">No health score yet.</p></div>`
    }
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
