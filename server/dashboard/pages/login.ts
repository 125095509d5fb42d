// Sign-in and invitation pages: plain forms, usable without the client script.
import { html } from 'hono/html'

function shell(title: string, body: unknown) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Atlas Desk</title><link rel="stylesheet" href="/app/assets/app.css"></head>
<body><main>${body}</main><div id="toast" role="status" aria-live="polite"></div><script src="/app/assets/app.js" defer></script></body></html>`
}

export function loginPage(options: {
  error?: string | undefined
  email?: string | undefined
  next?: string | undefined
}) {
  return shell(
    'Sign in',
    html`<div class="panel login">
  <h1>Sign in to Atlas Desk</h1>
  ${options.error ? html`<p class="error-text" role="alert">${options.error}</p>` : ''}
  <form method="post" action="/app/login">
    <input type="hidden" name="next" value="${options.next ?? '/app'}">
    <label>Email <input type="email" name="email" autocomplete="username" required value="${options.email ?? ''}" autofocus></label>
    <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
    <button class="primary" type="submit">Sign in</button>
  </form>
</div>`,
  )
}

export function invitePage(options: { token: string; email: string; role: string } | null) {
  if (!options) {
    return shell(
      'Invitation',
      html`<div class="panel login"><h1>Invitation not valid</h1><p>This invitation was used, revoked or has expired. Ask an admin for a new one.</p></div>`,
    )
  }
  return shell(
    'Join your team',
    html`<div class="panel login">
  <h1>Join your team</h1>
  <p>You were invited as <strong>${options.role}</strong> with <strong>${options.email}</strong>.</p>
  <form class="stack" data-api="POST /v1/auth/invitations/accept" data-body='{"token":"${options.token}"}' data-then="go:/app">
    <label>Your name <input name="name" required maxlength="120"></label>
    <label>Choose a password (at least 10 characters) <input type="password" name="password" minlength="10" required autocomplete="new-password"></label>
    <button class="primary" type="submit">Create account</button>
  </form>
</div>`,
  )
}
