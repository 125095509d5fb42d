// Settings, for admins: the team and invitations, canned responses, tags, custom fields, queues and
// routing rules, the agents' confidence gates, and the Library. Every form calls /v1/admin.

import { html } from 'hono/html'
import { TICKET_PRIORITIES } from '../../../drizzle/schema/tickets.ts'
import type { Markup } from '../layout.ts'

// The shapes the admin API answers with (only what the page shows).
export interface SettingsData {
  members: Array<{
    id: string
    name: string
    email: string
    role: string
    availability: string
    disabledAt: string | null
    openTickets?: number
  }>
  invitations: Array<{ id: string; email: string; role: string; status: string }>
  canned: Array<{ id: string; shortcut: string; title: string; body: string }>
  tags: Array<{ id: string; name: string; color: string }>
  fields: Array<{ id: string; key: string; label: string; type: string; options: string[] }>
  queues: Array<{ id: string; name: string; strategy: string; members: string[] }>
  rules: Array<{
    id: string
    name: string
    enabled: boolean
    conditions: Record<string, unknown>
    actions: Record<string, unknown>
  }>
  gates: {
    defaults: { auto: number; review: number }
    agents: Array<{ agent: string; auto: number; review: number; custom: boolean }>
  }
  articles: Array<{ id: string; slug: string; title: string; sections?: number; updatedAt: string }>
}

export function settingsPage(d: SettingsData, viewerId: string | null): Markup {
  const names = new Map(d.members.map((m) => [m.id, m.name]))
  return html`
<h1>Settings</h1>
<div id="settings" data-live>
<section class="panel" aria-label="Team">
  <h2>Team</h2>
  <table><thead><tr><th>Name</th><th>Email</th><th>Role</th><th class="hide-phone">Availability</th><th class="hide-phone">Open</th><th></th></tr></thead><tbody>
  ${d.members.map(
    (m) => html`<tr data-member="${m.email}"><td>${m.name}</td><td>${m.email}</td>
    <td><form data-api="PATCH /v1/admin/team/members/${m.id}" data-done="Role changed" data-keep><select name="role" data-autosubmit aria-label="Role of ${m.name}">${['admin', 'agent'].map((r) => html`<option ${r === m.role ? 'selected' : ''}>${r}</option>`)}</select></form></td>
    <td class="hide-phone">${m.availability}</td><td class="hide-phone">${m.openTickets ?? ''}</td>
    <td>${m.disabledAt ? html`<button data-api="POST /v1/admin/team/members/${m.id}/enable">Enable</button>` : m.id === viewerId ? '' : html`<button class="danger" data-api="POST /v1/admin/team/members/${m.id}/disable" data-confirm="Remove ${m.name}'s access?">Disable</button>`}</td></tr>`,
  )}
  </tbody></table>
  <h2 style="margin-top:1rem">Invite someone</h2>
  <form class="inline" data-api="POST /v1/admin/team/invitations" data-done="Invitation created — send them the link" data-show="acceptPath" data-show-in="invite-link">
    <input type="email" name="email" required placeholder="name@company.com" aria-label="Email to invite">
    <select name="role" aria-label="Role"><option>agent</option><option>admin</option></select>
    <button type="submit">Invite</button>
  </form>
  <p class="small">Invitation link (shown once): <code id="invite-link"></code></p>
  ${d.invitations.filter((i) => i.status === 'open').map((i) => html`<p class="small">${i.email} (${i.role}) — open <button class="small" data-api="DELETE /v1/admin/team/invitations/${i.id}">Revoke</button></p>`)}
</section>

<div class="two">
<section class="panel" aria-label="Canned responses">
  <h2>Canned responses</h2>
  <p class="muted small">Type <kbd>/</kbd> and the shortcut in the reply box to insert one.</p>
  <ul class="list">${d.canned.map((c) => html`<li style="padding:.4rem 0"><strong>/${c.shortcut}</strong> — ${c.title} <button class="small danger" data-api="DELETE /v1/admin/canned-responses/${c.id}">Delete</button><div class="small muted">${c.body}</div></li>`)}</ul>
  <form class="stack" data-api="POST /v1/admin/canned-responses" data-done="Canned response added">
    <label>Shortcut <input name="shortcut" required pattern="[a-z0-9][a-z0-9_\\-]{0,31}" placeholder="refund"></label>
    <label>Title <input name="title" required></label>
    <label>Text <textarea name="body" rows="3" required></textarea></label>
    <button type="submit">Add</button>
  </form>
</section>
<section class="panel" aria-label="Tags and custom fields">
  <h2>Tags</h2>
  <p>${d.tags.map((t) => html`<span class="badge tag" style="border-left:4px solid ${t.color}">${t.name} <button class="small" aria-label="Delete tag ${t.name}" data-api="DELETE /v1/admin/tags/${t.id}">×</button></span> `)}</p>
  <form class="inline" data-api="POST /v1/admin/tags" data-done="Tag added">
    <input name="name" required placeholder="Tag name" aria-label="Tag name"><input type="color" name="color" value="#64748b" aria-label="Colour"><button type="submit">Add tag</button>
  </form>
  <h2 style="margin-top:1rem">Custom fields</h2>
  <ul>${d.fields.map((f) => html`<li>${f.label} <code>${f.key}</code> (${f.type}${f.options.length ? `: ${f.options.join(', ')}` : ''}) <button class="small danger" data-api="DELETE /v1/admin/custom-fields/${f.id}">Delete</button></li>`)}</ul>
  <form class="stack" data-api="POST /v1/admin/custom-fields" data-split="options" data-done="Field added">
    <label>Key <input name="key" required pattern="[a-z][a-z0-9_]{0,39}" placeholder="plan"></label>
    <label>Label <input name="label" required placeholder="Plan"></label>
    <label>Type <select name="type">${['text', 'number', 'boolean', 'date', 'select'].map((t) => html`<option>${t}</option>`)}</select></label>
    <label>Options (select only, comma separated) <input name="options" data-omit></label>
    <button type="submit">Add field</button>
  </form>
</section>
</div>

<div class="two">
<section class="panel" aria-label="Queues">
  <h2>Queues and auto-assignment</h2>
  <ul>${d.queues.map((q) => html`<li><strong>${q.name}</strong> — ${q.strategy.replace('_', ' ')}: ${q.members.map((m) => names.get(m) ?? m).join(', ') || 'no members'} <button class="small danger" data-api="DELETE /v1/admin/queues/${q.id}">Delete</button></li>`)}</ul>
  <form class="stack" data-api="POST /v1/admin/queues" data-done="Queue added">
    <label>Name <input name="name" required placeholder="support, billing, sales …"></label>
    <label>Assignment <select name="strategy"><option value="round_robin">round robin</option><option value="least_loaded">least loaded</option><option value="manual">manual</option></select></label>
    <fieldset><legend class="small muted">Members (only people who are online get work)</legend>
      ${d.members.filter((m) => !m.disabledAt).map((m) => html`<label><input type="checkbox" name="members" value="${m.id}" data-array> ${m.name}</label>`)}
    </fieldset>
    <button type="submit">Add queue</button>
  </form>
</section>
<section class="panel" aria-label="Routing rules">
  <h2>Routing rules</h2>
  <p class="muted small">The first matching rule (top to bottom) decides where an escalated ticket goes.</p>
  <ol>${d.rules.map((r) => html`<li>${r.enabled ? '' : html`<span class="badge">off</span> `}<strong>${r.name}</strong>: if ${describe(r.conditions) || 'anything'} → ${describe(r.actions)} <button class="small danger" data-api="DELETE /v1/admin/routing-rules/${r.id}">Delete</button></li>`)}</ol>
  <form class="stack" data-api="POST /v1/admin/routing-rules" data-split="conditions.keywords,conditions.languages,conditions.countries,conditions.categories,conditions.urgencies,actions.tags" data-done="Rule added">
    <label>Name <input name="name" required></label>
    <label>Keywords (comma separated) <input name="conditions.keywords" data-omit></label>
    <label>Languages (e.g. de, pt-BR) <input name="conditions.languages" data-omit></label>
    <label>Countries (e.g. DE, BR) <input name="conditions.countries" data-omit></label>
    <label>Categories <input name="conditions.categories" data-omit placeholder="billing_inquiry, bug_report …"></label>
    <label>Urgencies <input name="conditions.urgencies" data-omit placeholder="high"></label>
    <label>Send to queue <select name="actions.queue" data-omit><option value="">—</option>${d.queues.map((q) => html`<option>${q.name}</option>`)}</select></label>
    <label>Set priority <select name="actions.priority" data-omit><option value="">—</option>${TICKET_PRIORITIES.map((p) => html`<option>${p}</option>`)}</select></label>
    <label>Add tags <input name="actions.tags" data-omit></label>
    <label>Needs expertise <input name="actions.expertise" data-omit></label>
    <button type="submit">Add rule</button>
  </form>
</section>
</div>

<section class="panel" aria-label="Confidence gates">
  <h2>Confidence gates per agent</h2>
  <p class="muted small">At or above <em>auto</em> the agent answers by itself; at or above <em>review</em> it drafts for approval; below, it hands over. Defaults: auto ${d.gates.defaults.auto}, review ${d.gates.defaults.review}.</p>
  <form class="inline" data-api="PUT /v1/admin/agents/gates" data-done="Gates saved" data-keep>
    ${d.gates.agents.map(
      (g) => html`<fieldset><legend>${g.agent}${g.custom ? '' : ' (default)'}</legend>
      <label>auto <input type="number" min="0" max="1" step="0.01" name="${g.agent}.auto" value="${g.auto}" data-type="number"></label>
      <label>review <input type="number" min="0" max="1" step="0.01" name="${g.agent}.review" value="${g.review}" data-type="number"></label></fieldset>`,
    )}
    <button type="submit">Save gates</button>
  </form>
</section>

<section class="panel" aria-label="Library">
  <h2>Library (${d.articles.length} articles)</h2>
  <table><thead><tr><th>Title</th><th class="hide-phone">Slug</th><th></th></tr></thead><tbody>
  ${d.articles.map((a) => html`<tr><td><a href="/app/settings/library/${a.id}">${a.title}</a></td><td class="hide-phone"><code>${a.slug}</code></td><td><button class="small danger" data-api="DELETE /v1/admin/library/articles/${a.id}" data-confirm="Delete ${a.title}?">Delete</button></td></tr>`)}
  </tbody></table>
  <details style="margin-top:.8rem"><summary>New article</summary>
    <form class="stack" data-api="POST /v1/admin/library/articles" data-done="Article added">
      <label>Markdown with front matter (title, slug, url) <textarea name="markdown" rows="10" required>${'---\ntitle: \nslug: \nurl: \n---\n\n## Section\n\n'}</textarea></label>
      <button type="submit">Add article</button>
    </form>
  </details>
  <details><summary>Import articles</summary>
    <form class="stack" data-api="POST /v1/admin/library/import" data-raw="import-json" data-done="Imported">
      <p class="muted small">A JSON array of markdown articles; all are imported, or none.</p>
      <textarea rows="6" id="import-json" aria-label="Articles as JSON"></textarea>
      <button type="submit" data-import>Import</button>
    </form>
  </details>
</section>
</div>`
}

export function articlePage(article: { id: string; title: string; markdown: string }): Markup {
  return html`<p class="muted small"><a href="/app/settings">← Settings</a></p>
<h1>${article.title}</h1>
<form class="panel stack" data-api="PUT /v1/admin/library/articles/${article.id}" data-done="Saved" data-keep>
  <label>Markdown <textarea name="markdown" rows="24">${article.markdown}</textarea></label>
  <button class="primary" type="submit">Save</button>
</form>`
}

function describe(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ')
}
