// The signed-in person's notifications (newest first, unread marked, each linking to what it is
// about, with where else it was sent), mark-as-read, and their notification preferences: which
// channels each kind goes to, and the WhatsApp number, webhook and email those channels need.
import { html } from 'hono/html'
import { NOTIFICATION_CHANNELS, NOTIFICATION_KINDS } from '../../notifications/deliver.ts'
import { DEFAULT_CHANNELS, type NotificationPreferences } from '../../notifications/preferences.ts'
import { type Markup, moment } from '../layout.ts'

export interface NotificationItem {
  id: string
  kind: string
  title: string
  body: string
  url: string | null
  readAt: string | null
  createdAt: string
  deliveries: Array<{ channel: string; status: string; error: string | null; sentAt: string | null }>
}

export interface NotificationsData {
  unreadOnly: boolean
  unread: number
  notifications: NotificationItem[]
  preferences: NotificationPreferences | null
  viewerEmail: string | null
}

export const KIND_LABELS: Record<string, string> = {
  new_conversation: 'New conversation',
  escalation: 'Escalation',
  sla_warning: 'SLA warning',
  sla_breach: 'SLA breach',
  ticket_created: 'Ticket created',
  low_csat: 'Low CSAT rating',
  customer_waiting: 'Customer waiting',
  churn_risk: 'Churn risk',
  save_step: 'Save-play step',
  knowledge_gap_digest: 'Knowledge-gap digest',
}
const CHANNEL_LABELS: Record<string, string> = {
  dashboard: 'Dashboard',
  email: 'Email',
  whatsapp: 'WhatsApp',
  webhook: 'Webhook',
}

/**
 * Where a notification leads inside the dashboard. Stored links are absolute (for email); only a
 * path under /app is followed, on this origin, so a link can never lead elsewhere.
 */
export function dashboardPath(url: string | null): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url, 'http://dashboard.invalid')
    return /^\/app(\/|$)/.test(parsed.pathname) ? `${parsed.pathname}${parsed.search}${parsed.hash}` : null
  } catch {
    return null
  }
}

export function notificationsPage(data: NotificationsData): Markup {
  return html`
<h1>Notifications</h1>
<div id="notifications" data-live>
<section class="panel" aria-labelledby="inbox-heading">
  <div class="panel-head">
    <h2 id="inbox-heading">${data.unread === 0 ? 'All read' : `${data.unread} unread`}</h2>
    <nav class="filters" aria-label="Which notifications">
      <a href="/app/notifications" class="${data.unreadOnly ? '' : 'current'}" ${data.unreadOnly ? '' : html`aria-current="true"`}>All</a>
      <a href="/app/notifications?unread=true" class="${data.unreadOnly ? 'current' : ''}" ${data.unreadOnly ? html`aria-current="true"` : ''}>Unread</a>
    </nav>
    ${data.unread > 0 ? html`<button data-api="POST /v1/notifications/read" data-body='{"ids":"all"}' data-done="All notifications marked read">Mark all as read</button>` : ''}
  </div>
  ${
    data.notifications.length === 0
      ? html`<p class="muted">${data.unreadOnly ? 'Nothing unread.' : 'No notifications yet. Escalations, SLA warnings, churn risks and the weekly knowledge-gap digest arrive here.'}</p>`
      : html`<ul class="notifications" aria-label="Notifications">${data.notifications.map(item)}</ul>`
  }
</section>
</div>
${data.preferences ? preferencesForm(data.preferences, data.viewerEmail) : ''}`
}

function item(n: NotificationItem) {
  const unread = !n.readAt
  const path = dashboardPath(n.url)
  const title = path
    ? html`<a href="${path}" ${unread ? html`data-read-on-open="${n.id}"` : ''}>${n.title}</a>`
    : n.title
  const sent = n.deliveries.filter((d) => d.channel !== 'dashboard')
  return html`<li class="notification${unread ? ' unread' : ''}" data-notification="${n.id}" data-kind="${n.kind}">
  <div class="notification-main">
    <div>${unread ? html`<span class="badge new">New</span> ` : ''}<strong>${title}</strong></div>
    <div class="small">${n.body}</div>
    <div class="small muted">${KIND_LABELS[n.kind] ?? n.kind} · ${moment(n.createdAt)}${sent.map(
      (d) =>
        html` · <span class="${d.status === 'failed' ? 'error-text' : ''}" title="${d.error ?? ''}">${CHANNEL_LABELS[d.channel] ?? d.channel}: ${d.status}</span>`,
    )}</div>
  </div>
  ${unread ? html`<button class="small" data-api="POST /v1/notifications/read" data-body='{"ids":["${n.id}"]}' data-done="Marked read" aria-label="Mark “${n.title}” as read">Mark read</button>` : html`<span class="muted small">read</span>`}
</li>`
}

function preferencesForm(prefs: NotificationPreferences, viewerEmail: string | null): Markup {
  return html`<section class="panel" aria-labelledby="prefs-heading">
  <h2 id="prefs-heading">How notifications reach you</h2>
  <form class="prefs" data-api="PUT /v1/notification-preferences" data-shape="notification-preferences" data-done="Preferences saved" data-keep>
    <div class="table-scroll">
    <table class="prefs-table">
      <caption class="muted small">Each kind goes to the channels ticked; none ticked turns it off. WhatsApp and webhooks need the details below.</caption>
      <thead><tr><th scope="col">Notification</th>${NOTIFICATION_CHANNELS.map((c) => html`<th scope="col">${CHANNEL_LABELS[c]}</th>`)}</tr></thead>
      <tbody>${NOTIFICATION_KINDS.map((kind) => {
        const chosen = prefs.kinds[kind] ?? DEFAULT_CHANNELS[kind]
        return html`<tr><th scope="row" id="kind-${kind}">${KIND_LABELS[kind] ?? kind}</th>${NOTIFICATION_CHANNELS.map(
          (channel) =>
            html`<td><input type="checkbox" data-kind="${kind}" value="${channel}" ${chosen.includes(channel) ? 'checked' : ''} aria-label="${KIND_LABELS[kind] ?? kind} by ${CHANNEL_LABELS[channel]}"></td>`,
        )}</tr>`
      })}</tbody>
    </table>
    </div>
    <div class="stack prefs-fields">
      <label>Email for notifications <input type="email" name="email" value="${prefs.email ?? ''}" placeholder="${viewerEmail ?? 'your sign-in email'}" autocomplete="email" aria-describedby="email-help"></label>
      <p class="muted small" id="email-help">Leave empty to use your sign-in email.</p>
      <label>WhatsApp number <input type="tel" name="whatsapp" value="${prefs.whatsapp ?? ''}" autocomplete="tel" placeholder="14155550123" aria-describedby="whatsapp-help"></label>
      <p class="muted small" id="whatsapp-help">With the country code, e.g. 14155550123. Sent through the workspace's WhatsApp channel.</p>
      <fieldset>
        <legend>Webhook</legend>
        <label>URL <input type="url" name="webhook.url" value="${prefs.webhook?.url ?? ''}" placeholder="https://example.com/atlas-notifications"></label>
        <label>Signing secret <input type="password" name="webhook.secret" value="${prefs.webhook?.secret ?? ''}" minlength="16" autocomplete="off" aria-describedby="webhook-help"></label>
        <p class="muted small" id="webhook-help">Every delivery is signed with it (X-Atlas-Signature); at least 16 characters. Leave both empty for no webhook.</p>
      </fieldset>
    </div>
    <div class="actions"><button type="submit" class="primary">Save preferences</button></div>
  </form>
</section>`
}
