// The dashboard's page shell: top bar, navigation, the CSRF token for the client script, and the
// live-update switch. Every interpolation in `html` templates is escaped by hono/html.
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>

export interface Viewer {
  userId: string | null
  name: string
  role: 'admin' | 'agent'
  csrfToken: string | null
  availability?: string | undefined
  /** The person's unread notifications (the bell in the top bar); undefined when unknown. */
  unread?: number | undefined
}

const NAV = [
  { href: '/app', label: 'Today', key: 'today' },
  { href: '/app/inbox', label: 'Inbox', key: 'inbox' },
  { href: '/app/success', label: 'Customer success', key: 'success' },
  { href: '/app/knowledge-gaps', label: 'Knowledge gaps', key: 'knowledge-gaps' },
  { href: '/app/settings', label: 'Settings', key: 'settings', admin: true },
] as const

export function page(options: {
  title: string
  viewer: Viewer
  current: string
  body: Markup
  /** Pages with live regions subscribe to the server's event stream. */
  live?: boolean
}) {
  const { viewer } = options
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${viewer.csrfToken ?? ''}">
<title>${options.title} · Atlas Desk</title>
<link rel="stylesheet" href="/app/assets/app.css">
</head>
<body data-stream="${options.live ? 'on' : 'off'}">
<header class="topbar">
  <a class="brand" href="/app">Atlas Desk</a>
  <nav aria-label="Main">
    ${NAV.filter((n) => !('admin' in n) || viewer.role === 'admin').map(
      (n) =>
        html`<a href="${n.href}" class="${options.current === n.key ? 'current' : ''}" ${options.current === n.key ? html`aria-current="page"` : ''}>${n.label}</a>`,
    )}
  </nav>
  <div class="me">
    ${bell(viewer.unread, options.current === 'notifications')}
    <span class="hide-phone">${viewer.name} <span class="badge">${viewer.role}</span></span>
    ${
      viewer.userId
        ? html`<label class="hide-phone" for="availability" hidden>Availability</label>
    <select id="availability" aria-label="Availability">
      ${['online', 'away', 'offline'].map((a) => html`<option value="${a}" ${viewer.availability === a ? 'selected' : ''}>${a}</option>`)}
    </select>`
        : ''
    }
    <form method="post" action="/app/logout"><input type="hidden" name="csrf" value="${viewer.csrfToken ?? ''}"><button type="submit">Sign out</button></form>
  </div>
</header>
<main id="main">${options.body}</main>
<div id="toast" role="status" aria-live="polite"></div>
<script src="/app/assets/app.js" defer></script>
</body>
</html>`
}

/**
 * The notification bell: a link to /app/notifications with the unread count. A live region, so a
 * refresh of the page brings the new count, and app.js polls the count on every page.
 */
function bell(unread: number | undefined, current: boolean) {
  const n = unread ?? 0
  return html`<a href="/app/notifications" id="notifications-link" class="bell${current ? ' current' : ''}" data-live data-unread="${n}" aria-label="${unreadLabel(n)}" ${current ? html`aria-current="page"` : ''}><svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"/></svg><span class="unread-count" ${n === 0 ? 'hidden' : ''}>${n > 99 ? '99+' : n}</span></a>`
}

export function unreadLabel(n: number): string {
  return `Notifications: ${n === 0 ? 'none' : n > 99 ? 'more than 99' : n} unread`
}

/** "3 min ago", "2 h ago", "5 d ago": ages the way an inbox shows them. */
export function ago(date: Date | string | null | undefined, now = Date.now()): string {
  if (!date) return ''
  const seconds = Math.max(0, Math.round((now - new Date(date).getTime()) / 1000))
  if (seconds < 60) return 'just now'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  return `${Math.floor(seconds / 86_400)} d ago`
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—'
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

export function when(date: Date | string | null | undefined): string {
  if (!date) return ''
  return new Date(date).toISOString().replace('T', ' ').slice(0, 16)
}

/** A span of time as the dashboard says it: "1 min" at least, then "12 min", "3 h 5 min", "2 d 4 h". */
export function span(seconds: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(seconds) / 60))
  if (minutes < 60) return `${minutes} min`
  if (minutes < 1440) {
    const m = minutes % 60
    return m ? `${Math.floor(minutes / 60)} h ${m} min` : `${Math.floor(minutes / 60)} h`
  }
  const h = Math.floor((minutes % 1440) / 60)
  return h ? `${Math.floor(minutes / 1440)} d ${h} h` : `${Math.floor(minutes / 1440)} d`
}

/** "in 12 min" or "12 min ago". */
export function relative(date: Date | string, now = Date.now()): string {
  const seconds = (new Date(date).getTime() - now) / 1000
  return seconds >= 0 ? `in ${span(seconds)}` : `${span(seconds)} ago`
}

/**
 * A moment as a <time> whose "in 12 min" / "12 min ago" text app.js keeps current; the exact UTC
 * time is its title.
 */
export function moment(date: Date | string, now = Date.now()) {
  const iso = new Date(date).toISOString()
  return html`<time datetime="${iso}" data-relative title="${when(iso)} UTC">${relative(iso, now)}</time>`
}

/** A share (0–1) as a whole percentage, or a dash. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`
}
