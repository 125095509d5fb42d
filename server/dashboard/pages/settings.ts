// Settings, for admins: the team and invitations, canned responses, tags, custom fields, queues and
// routing rules, the agents' confidence gates, the Library, and customer success (SLA policies and
// follow-ups, CSAT, back-to-bot, health, churn, notifications, the knowledge-gap digest). Every form
// calls /v1/admin.

import { html } from 'hono/html'
import { TICKET_PRIORITIES } from '../../../drizzle/schema/tickets.ts'
import type { CustomerSuccessSettings } from '../../customer-success/settings.ts'
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
  /** GET /v1/admin/customer-success; null when it could not be read. */
  customerSuccess: CustomerSuccessView | null
}

/** GET /v1/admin/customer-success: the settings in effect, and each stored section that is invalid. */
export interface CustomerSuccessView {
  timeZone: string
  settings: Omit<CustomerSuccessSettings, 'timeZone'>
  invalid: Array<{ section: string; issues: unknown }>
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
</div>
${customerSuccessSettings(d.customerSuccess)}`
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

type SectionName = keyof CustomerSuccessView['settings']

/** Each section's save button: distinct names for assistive technology. */
const SAVE_LABELS: Record<SectionName, string> = {
  sla: 'Save SLA settings',
  csat: 'Save survey settings',
  backToBot: 'Save back-to-bot settings',
  health: 'Save health settings',
  churn: 'Save churn settings',
  notifications: 'Save team notifications',
  knowledgeGaps: 'Save digest recipients',
}

const SECTION_TITLES: Record<SectionName, string> = {
  sla: 'SLA policies and follow-ups',
  csat: 'Satisfaction survey (CSAT)',
  backToBot: 'Back to the bot',
  health: 'Health score',
  churn: 'Churn save plays',
  notifications: 'Team notifications',
  knowledgeGaps: 'Knowledge-gap digest',
}

/**
 * Customer success: a section per settings section, each a friendly form for its common fields and
 * an "Advanced (JSON)" editor with the whole section. The friendly form sends the section as stored
 * (the JSON editor's original text) with its fields laid over it, so what it does not show is kept.
 * Each section is its own live region that keeps what someone typed when another one is saved; the
 * server's validation messages appear in the form (app.js, [data-issues]).
 */
export function customerSuccessSettings(view: CustomerSuccessView | null): Markup {
  if (!view) {
    return html`<section class="panel" aria-labelledby="cs-settings-heading" id="customer-success-settings">
  <h2 id="cs-settings-heading">Customer success</h2>
  <p class="error-text">The customer-success settings could not be read. Try again in a moment.</p>
</section>`
  }
  const s = view.settings
  return html`<section class="panel" aria-labelledby="cs-settings-heading" id="customer-success-settings">
  <h2 id="cs-settings-heading">Customer success</h2>
  <p class="muted small">Service levels, surveys and save plays for the workspace (time zone ${view.timeZone}). Each part is saved on its own; the Advanced (JSON) editor holds everything, including what the forms do not show.</p>
  ${sectionBlock(view, 'sla', slaForm(s.sla))}
  <div class="two">
    ${sectionBlock(view, 'csat', csatForm(s.csat))}
    ${sectionBlock(view, 'backToBot', backToBotForm(s.backToBot))}
  </div>
  ${sectionBlock(view, 'churn', churnForm(s.churn))}
  <div class="two">
    ${sectionBlock(view, 'notifications', notificationsForm(s.notifications))}
    ${sectionBlock(view, 'knowledgeGaps', digestForm(s.knowledgeGaps))}
  </div>
  ${sectionBlock(view, 'health', null, html`<p class="muted small">The weights of engagement, support, adoption and sentiment in the score, and the product's key features for adoption: edit them as JSON.</p>`)}
</section>`
}

/** One settings section: its warning when the stored value is invalid, its form, and its JSON editor. */
function sectionBlock(
  view: CustomerSuccessView,
  name: SectionName,
  form: Markup | null,
  intro: Markup | '' = '',
): Markup {
  const title = SECTION_TITLES[name]
  const invalid = view.invalid.find((i) => i.section === name)
  const json = `${JSON.stringify(view.settings[name], null, 2)}\n`
  return html`<div class="cs-section" id="cs-${name}" data-live data-keep-dirty data-section="${name}">
  <h3 id="cs-${name}-heading">${title}</h3>
  ${
    invalid
      ? html`<div class="notice warning" role="note" data-invalid-section="${name}">
    <strong>The stored ${title} settings are invalid, so the defaults shown here are in effect.</strong> Saving this section replaces them.
    <ul>${issueLines(invalid.issues).map((line) => html`<li><code>${line.path}</code>: ${line.message}</li>`)}</ul>
  </div>`
      : ''
  }
  ${intro}
  ${
    form
      ? html`<form class="stack cs-form" data-api="PUT /v1/admin/customer-success/${name}" data-shape="settings-section" data-base="cs-${name}-json" data-done="${title} saved" data-keep aria-labelledby="cs-${name}-heading">
    ${form}
    ${issuesBox(`cs-${name}-issues`)}
    <div class="actions"><button type="submit" class="primary">${SAVE_LABELS[name]}</button></div>
  </form>`
      : ''
  }
  <details id="cs-${name}-advanced">
    <summary>Advanced (JSON)</summary>
    <form class="stack" data-api="PUT /v1/admin/customer-success/${name}" data-raw="cs-${name}-json" data-done="${title} saved" data-keep>
      <label for="cs-${name}-json">The whole ${title} section as JSON</label>
      <textarea id="cs-${name}-json" class="code" rows="${Math.min(30, json.split('\n').length + 1)}" spellcheck="false" autocomplete="off">${json}</textarea>
      ${issuesBox(`cs-${name}-json-issues`)}
      <div class="actions"><button type="submit">Save JSON<span class="visually-hidden"> of ${title}</span></button></div>
    </form>
  </details>
</div>`
}

/** Where app.js lists the server's validation messages for a form (field path: message). */
const issuesBox = (id: string) =>
  html`<div class="form-issues" id="${id}" data-issues role="alert" tabindex="-1" hidden></div>`

/** A stored section's zod issues as path and message lines (the shape is not trusted). */
function issueLines(issues: unknown): Array<{ path: string; message: string }> {
  if (!Array.isArray(issues)) return []
  return issues.map((issue) => {
    const i = (issue ?? {}) as { path?: unknown; message?: unknown }
    const path = Array.isArray(i.path) && i.path.length > 0 ? i.path.map(String).join('.') : '(section)'
    return { path, message: typeof i.message === 'string' ? i.message : 'is not valid' }
  })
}

type Settings = CustomerSuccessView['settings']

/** A share (0–1) as the percentage the form shows: 0.75 → 75, 1/3 → 33.3. */
const percentOf = (share: number) => Math.round(share * 1000) / 10

function slaForm(sla: Settings['sla']): Markup {
  const next = sla.policies.length
  const minutes = (
    i: number,
    name: string,
    key: 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes',
    label: string,
    value: number | undefined,
  ) =>
    html`<td><input type="number" min="1" step="1" inputmode="numeric" name="policies.${i}.targets.${key}" value="${value ?? ''}" data-type="number" data-empty="omit" aria-label="${label} target of ${name}, minutes"></td>`
  const policyRow = (p: Settings['sla']['policies'][number], i: number) =>
    html`<tr data-policy="${p.id}">
      <th scope="row"><input name="policies.${i}.name" value="${p.name}" required aria-label="Name of policy ${p.id}"><div class="small muted"><code>${p.id}</code> · ${matchText(p.match)}${p.businessHours ? ` · business hours (${p.businessHours.timezone})` : ' · 24/7'}</div></th>
      ${minutes(i, p.name, 'firstResponseMinutes', 'First response', p.targets.firstResponseMinutes)}
      ${minutes(i, p.name, 'nextResponseMinutes', 'Next response', p.targets.nextResponseMinutes)}
      ${minutes(i, p.name, 'resolutionMinutes', 'Resolution', p.targets.resolutionMinutes)}
      <td><input type="number" min="1" max="99" step="any" name="policies.${i}.warnAt" value="${percentOf(p.warnAt)}" data-type="percent" aria-label="Warn at, percent of the target, for ${p.name}"></td>
      <td><label class="small"><input type="checkbox" data-remove-row="policies.${i}"> Remove<span class="visually-hidden"> ${p.name}</span></label></td>
    </tr>`
  const follow = (key: keyof Settings['sla']['followUps'], label: string, help: string) =>
    html`<label>${label} <input type="number" min="0" step="any" name="followUps.${key}" value="${(sla.followUps[key] as number | null) ?? ''}" data-type="number" data-empty="null" aria-describedby="cs-sla-${key}-help"></label>
    <p class="muted small" id="cs-sla-${key}-help">${help}</p>`
  return html`<p class="muted small">A ticket gets the first policy, top to bottom, that matches it. Targets are in minutes (empty: no target for that clock); the warning fires at the share of the target shown. Matching, business hours, holidays and what happens on a breach are in the JSON.</p>
  <div class="table-scroll">
  <table class="cs-policies">
    <thead><tr><th scope="col">Policy</th><th scope="col">First response (min)</th><th scope="col">Next response (min)</th><th scope="col">Resolution (min)</th><th scope="col">Warn at (%)</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>
    ${sla.policies.map(policyRow)}
    <tr data-new-row>
      <th scope="row"><input name="policies.${next}.name" placeholder="New policy name" aria-label="Name of a new policy"><input name="policies.${next}.id" placeholder="id, e.g. vip" aria-label="Id of the new policy (lowercase letters, digits, - or _)" pattern="[a-z0-9][a-z0-9_\\-]{0,62}"><div class="small muted">matches every ticket the policies above do not</div></th>
      ${minutes(next, 'the new policy', 'firstResponseMinutes', 'First response', undefined)}
      ${minutes(next, 'the new policy', 'nextResponseMinutes', 'Next response', undefined)}
      ${minutes(next, 'the new policy', 'resolutionMinutes', 'Resolution', undefined)}
      <td><input type="number" min="1" max="99" step="any" name="policies.${next}.warnAt" placeholder="75" data-type="percent" data-empty="omit" aria-label="Warn at, percent of the target, for the new policy"></td>
      <td></td>
    </tr>
    </tbody>
  </table>
  </div>
  <fieldset class="cs-follow-ups"><legend>Follow-ups (hours; empty: never)</legend>
    ${follow('customerAfterHours', 'Remind the customer after', 'Hours without the customer’s reply to our last answer.')}
    ${follow('autoResolveAfterHours', 'Then resolve the ticket after', 'More hours of silence after the reminder.')}
    ${follow('ownerAfterHours', 'Remind the owner after', 'Hours the customer has waited for a person.')}
  </fieldset>`
}

function matchText(match: Settings['sla']['policies'][number]['match']): string {
  const parts = Object.entries(match)
    .filter(([, values]) => Array.isArray(values) && values.length > 0)
    .map(([key, values]) => `${key}: ${(values as string[]).join(', ')}`)
  return parts.length ? parts.join('; ') : 'every ticket'
}

function csatForm(csat: Settings['csat']): Markup {
  return html`<label class="check"><input type="checkbox" name="enabled" ${csat.enabled ? 'checked' : ''}> Ask customers to rate the help after a ticket is resolved</label>
  <label>Delay after resolution (minutes) <input type="number" min="0" step="1" name="delayMinutes" value="${csat.delayMinutes}" data-type="number" data-empty="omit"></label>
  <label>Question <textarea name="question" rows="3" maxlength="500" data-empty="omit">${csat.question}</textarea></label>`
}

function backToBotForm(backToBot: Settings['backToBot']): Markup {
  return html`<label class="check"><input type="checkbox" name="enabled" ${backToBot.enabled ? 'checked' : ''}> The bot takes a conversation back after a person resolves it</label>
  <label>After (minutes) <input type="number" min="1" step="1" name="afterMinutes" value="${backToBot.afterMinutes}" data-type="number" data-empty="omit"></label>`
}

const STEP_KINDS = [
  ['alert_owner', 'Alert the owner'],
  ['check_in', 'Check in with the customer'],
  ['offer', 'Make an offer'],
] as const

function churnForm(churn: Settings['churn']): Markup {
  const next = churn.steps.length
  const kindSelect = (i: number, kind: string, label: string) =>
    html`<select name="steps.${i}.kind" aria-label="${label}">${STEP_KINDS.map(([value, text]) => html`<option value="${value}" ${value === kind ? 'selected' : ''}>${text}</option>`)}</select>`
  return html`<div class="two">
    <div>
      <label>Competitors (comma separated) <input name="competitors" value="${churn.competitors.join(', ')}" data-type="list" aria-describedby="cs-churn-competitors-help"></label>
      <p class="muted small" id="cs-churn-competitors-help">A customer naming one of them is a churn signal.</p>
      <label>WhatsApp alerts to (comma separated) <input name="alertWhatsApp" value="${churn.alertWhatsApp.join(', ')}" data-type="list" inputmode="tel" aria-describedby="cs-churn-whatsapp-help"></label>
      <p class="muted small" id="cs-churn-whatsapp-help">Team phone numbers with their country code, e.g. +1 415 555 0123.</p>
      <label>Default account owner <input type="email" name="defaultOwner" value="${churn.defaultOwner ?? ''}" data-empty="null" aria-describedby="cs-churn-owner-help"></label>
      <p class="muted small" id="cs-churn-owner-help">For customers without an owner of their own; empty: none.</p>
    </div>
    <div>
      <label class="check"><input type="checkbox" name="enabled" ${churn.enabled ? 'checked' : ''}> Detect churn risks and run the save play</label>
    </div>
  </div>
  <div class="table-scroll">
  <table class="cs-steps">
    <caption class="muted small">The save play a churn risk starts: each step after so many hours. <code>{name}</code> in a message is the customer's name.</caption>
    <thead><tr><th scope="col">After (hours)</th><th scope="col">Step</th><th scope="col">Message</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>
    ${churn.steps.map(
      (step, i) => html`<tr data-step="${i}">
      <td><input type="number" min="0" step="any" name="steps.${i}.afterHours" value="${step.afterHours}" data-type="number" aria-label="Step ${i + 1}: after how many hours"></td>
      <td>${kindSelect(i, step.kind, `Step ${i + 1}: what happens`)}</td>
      <td><textarea name="steps.${i}.text" rows="2" data-empty="omit" aria-label="Step ${i + 1}: message">${step.text ?? ''}</textarea></td>
      <td><label class="small"><input type="checkbox" data-remove-row="steps.${i}"> Remove<span class="visually-hidden"> step ${i + 1}</span></label></td>
    </tr>`,
    )}
    <tr data-new-row>
      <td><input type="number" min="0" step="any" name="steps.${next}.afterHours" placeholder="hours" data-type="number" data-empty="omit" aria-label="New step: after how many hours"></td>
      <td>${kindSelect(next, 'check_in', 'New step: what happens')}</td>
      <td><textarea name="steps.${next}.text" rows="2" data-empty="omit" placeholder="Add a step: its hours and message" aria-label="New step: message"></textarea></td>
      <td></td>
    </tr>
    </tbody>
  </table>
  </div>`
}

function notificationsForm(notifications: Settings['notifications']): Markup {
  return html`<label>Team address <input type="email" name="address" value="${notifications.address ?? ''}" data-empty="null" autocomplete="off" aria-describedby="cs-notifications-help"></label>
  <p class="muted small" id="cs-notifications-help">Every new ticket is announced at this shared address; empty: none.</p>`
}

function digestForm(knowledgeGaps: Settings['knowledgeGaps']): Markup {
  return html`<label>Weekly digest to (comma separated) <input name="digestTo" value="${knowledgeGaps.digestTo.join(', ')}" data-type="list" autocomplete="off" aria-describedby="cs-digest-help"></label>
  <p class="muted small" id="cs-digest-help">Email addresses; empty: every admin of the workspace.</p>`
}
