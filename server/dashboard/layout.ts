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
}

const NAV = [
  { href: '/app', label: 'Today', key: 'today' },
  { href: '/app/inbox', label: 'Inbox', key: 'inbox' },
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
