// The operator dashboard, served by the same Hono app as the API: server-rendered pages plus one
// small script. Pages read their data through the REST API in-process (the same endpoints, the same
// tenant and role checks), so everything the dashboard shows or does is also available over the API.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Context, Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { html } from 'hono/html'
import { AtlasError } from '../../common/errors.ts'
import { withTenant } from '../../drizzle/tenant-scope.ts'
import { findOpenInvitation } from '../auth/invitations.ts'
import { findSession, SESSION_COOKIE } from '../auth/sessions.ts'
import type { SignInThrottle } from '../auth/sign-in-throttle.ts'
import { FORWARDED_PRINCIPAL, type Principal, sessionPrincipal } from '../http/auth.ts'
import { readForm } from '../http/body.ts'
import type { TodayView } from '../metrics/today.ts'
import type { NotificationPreferences } from '../notifications/preferences.ts'
import { signInWithPassword, signOut } from '../routes/auth.ts'
import type { ContactProfileView } from '../routes/contacts.ts'
import type { Runtime } from '../runtime.ts'
import { page, type Viewer } from './layout.ts'
import { type ContactExtras, type CustomerHealth, contactPage } from './pages/contact.ts'
import { type ConversationData, conversationPage, type Member } from './pages/conversation.ts'
import { type InboxQuery, type InboxRow, inboxPage } from './pages/inbox.ts'
import {
  type DigestDetail,
  type DigestSummary,
  knowledgeGapsPage,
  type RecentGaps,
} from './pages/knowledge-gaps.ts'
import { invitePage, loginPage } from './pages/login.ts'
import { type NotificationItem, notificationsPage } from './pages/notifications.ts'
import { articlePage, type CustomerSuccessView, type SettingsData, settingsPage } from './pages/settings.ts'
import type { SlaClock } from './pages/sla.ts'
import { type ChurnReport, type ChurnRisk, type CsatReport, successPage } from './pages/success.ts'
import { todayPage } from './pages/today.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const ASSETS: Record<string, { type: string; body: string }> = {
  'app.css': { type: 'text/css; charset=utf-8', body: asset('app.css') },
  'app.js': { type: 'application/javascript; charset=utf-8', body: asset('app.js') },
}

function asset(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./assets/${name}`, import.meta.url)), 'utf8')
}

/** Calls the app's own API in-process: the app's `request(path, init, env)`. */
export type FetchApp = (
  path: string,
  init: RequestInit | undefined,
  env: { [FORWARDED_PRINCIPAL]: Principal },
) => Response | Promise<Response>

type Env = { Variables: { viewer: Viewer; principal: Principal } }

// Pages never run in a frame and load nothing from elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

export function dashboardRoutes(
  runtime: Pick<Runtime, 'database'>,
  fetchApp: FetchApp,
  throttle: SignInThrottle,
) {
  const db = runtime.database.db
  const app = new Hono<Env>()

  app.use('*', async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
  })

  app.get('/assets/:file', (c) => {
    const file = ASSETS[c.req.param('file')]
    if (!file) throw new AtlasError('not_found', 'No such asset')
    c.header('content-type', file.type)
    c.header('cache-control', 'no-cache')
    return c.body(file.body)
  })

  app.get('/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')) })))

  app.post('/login', async (c) => {
    const form = await readForm(c)
    const email = String(form.email ?? '').slice(0, 320)
    const password = String(form.password ?? '').slice(0, 256)
    const next = safeNext(String(form.next ?? ''))
    try {
      await signInWithPassword(c, db, throttle, { email, password })
    } catch (error) {
      if (!(error instanceof AtlasError) || !['rate_limited', 'unauthorized'].includes(error.code))
        throw error
      const message =
        error.code === 'rate_limited'
          ? 'Too many failed attempts; try again in a few minutes.'
          : 'The email address or password is not right.'
      if (typeof error.details.retryAfterSeconds === 'number')
        c.header('Retry-After', String(error.details.retryAfterSeconds))
      return c.html(loginPage({ error: message, email, next }), error.code === 'rate_limited' ? 429 : 401)
    }
    return c.redirect(next, 303)
  })

  app.post('/logout', async (c) => {
    const form = await readForm(c)
    await signOut(c, db, form.csrf)
    return c.redirect('/app/login', 303)
  })

  app.get('/invite/:token', async (c) => {
    const token = c.req.param('token')
    const invitation = /^[\w-]{10,200}$/.test(token) ? await findOpenInvitation(db, token) : null
    return c.html(invitePage(invitation ? { token, email: invitation.email, role: invitation.role } : null))
  })

  // Everything below needs a signed-in person; the API's own checks apply to every read.
  app.use('*', async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE)
    const session = token ? await findSession(db, token) : null
    if (!session) return c.redirect(`/app/login?next=${encodeURIComponent(c.req.path)}`, 303)
    const principal = sessionPrincipal(session)
    c.set('principal', principal)
    c.set('viewer', {
      userId: session.userId,
      name: session.name,
      role: session.role,
      csrfToken: session.csrfToken,
      availability: session.availability,
      unread: await unreadCount(principal),
    })
    // The page's own reads run as the viewer's tenant, under row-level security.
    await withTenant(principal.tenantId, next)
  })

  /** The bell's count on every page; a page still renders when it cannot be read. */
  async function unreadCount(principal: Principal): Promise<number | undefined> {
    try {
      const response = await fetchApp('/v1/notifications?unread=true&limit=0', undefined, {
        [FORWARDED_PRINCIPAL]: principal,
      })
      if (!response.ok) return undefined
      return ((await response.json()) as { unread?: number }).unread
    } catch {
      return undefined
    }
  }

  /** GET on the app's own API as the viewer (resolved once, for all of a page's reads); null for 404. */
  const read = async <T>(c: Context<Env>, path: string): Promise<T | null> => {
    const response = await fetchApp(path, undefined, { [FORWARDED_PRINCIPAL]: c.get('principal') })
    if (response.status === 404) return null
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as {
        error?: { code?: string; message?: string }
      }
      throw new AtlasError(
        (body.error?.code as 'forbidden') ?? 'internal',
        body.error?.message ?? `GET ${path} answered ${response.status}`,
      )
    }
    return (await response.json()) as T
  }

  app.get('/', async (c) => {
    const view = await read<TodayView>(c, '/v1/today')
    const viewer = c.get('viewer')
    return c.html(
      page({
        title: 'Today',
        viewer,
        current: 'today',
        live: true,
        body: todayPage(view!, viewer.name),
      }),
    )
  })

  app.get('/inbox', async (c) => {
    const query: InboxQuery = {
      filter: c.req.query('filter'),
      inbox: c.req.query('inbox'),
      status: c.req.query('status'),
      q: c.req.query('q')?.trim() || undefined,
      archived: c.req.query('archived') || undefined,
      sort: c.req.query('sort') === 'sla' ? 'sla' : undefined,
    }
    const params = new URLSearchParams({ limit: '100' })
    // The SLA order is the dashboard's, over the rows of this page.
    for (const [k, v] of Object.entries(query)) if (v && k !== 'sort') params.set(k, v)
    const list = await read<{ conversations: InboxRow[]; counts?: Record<string, number> }>(
      c,
      `/v1/conversations?${params}`,
    )
    return c.html(
      page({
        title: 'Inbox',
        viewer: c.get('viewer'),
        current: 'inbox',
        live: true,
        body: inboxPage(list?.conversations ?? [], query, list?.counts),
      }),
    )
  })

  app.get('/conversations/:id', async (c) => {
    const id = c.req.param('id')
    const data = await read<ConversationData>(c, `/v1/conversations/${encodeURIComponent(id)}`)
    if (!data) return notFoundPage(c)
    const ref = data.ticket?.number
    const exclude = c.req.query('exclude')
    const [team, canned, tags, suggestions, sla] = await Promise.all([
      read<{ members: Member[] }>(c, '/v1/workspace/members').then((r) => r?.members ?? []),
      read<{ cannedResponses: Array<{ shortcut: string; title: string; body: string }> }>(
        c,
        '/v1/workspace/canned-responses',
      ),
      read<{ tags: Array<{ name: string }> }>(c, '/v1/workspace/tags'),
      ref
        ? read<{ suggestions: Array<{ id: string; text: string; source: string }> }>(
            c,
            `/v1/tickets/${ref}/assist/suggestions${exclude ? `?exclude=${encodeURIComponent(exclude)}` : ''}`,
            // Suggestions are a help, not the page: when they fail (logged by the API) the page says so.
          ).catch(() => null)
        : null,
      ref
        ? read<{ clocks: SlaClock[] }>(c, `/v1/tickets/${ref}/sla`)
            .then((r) => r?.clocks ?? [])
            .catch(() => null)
        : [],
    ])
    const viewer = c.get('viewer')
    return c.html(
      page({
        title: ref ?? 'Conversation',
        viewer,
        current: 'inbox',
        live: true,
        body: conversationPage(data, {
          members: team,
          canned: canned?.cannedResponses ?? [],
          tags: (tags?.tags ?? []).map((t) => t.name),
          suggestions: suggestions?.suggestions ?? null,
          viewerId: viewer.userId,
          sla,
        }),
      }),
    )
  })

  app.get('/contacts/:id', async (c) => {
    const view = await read<ContactProfileView>(c, `/v1/contacts/${encodeURIComponent(c.req.param('id'))}`)
    if (!view) return notFoundPage(c)
    const id = encodeURIComponent(view.contact.id)
    // The health details and churn risks help the profile; without them it still shows the rest.
    const [health, risks, names] = await Promise.all([
      read<CustomerHealth>(c, `/v1/customer-health/${id}`).catch(() => null),
      read<{ risks: ChurnRisk[] }>(c, `/v1/churn-risks?status=open&contact=${id}`)
        .then((r) => r?.risks ?? [])
        .catch(() => null),
      memberNames(c),
    ])
    const extras: ContactExtras = { health, risks, names }
    return c.html(
      page({
        title: view.contact.name ?? 'Customer',
        viewer: c.get('viewer'),
        current: 'inbox',
        body: contactPage(view, extras),
      }),
    )
  })

  /** Team member id → name (for "saved by", per-agent reports). */
  const memberNames = async (c: Context<Env>) =>
    new Map(
      ((await read<{ members: Member[] }>(c, '/v1/workspace/members').catch(() => null))?.members ?? []).map(
        (m) => [m.id, m.name],
      ),
    )

  app.get('/success', async (c) => {
    const asked = c.req.query('status')
    const status = asked === 'saved' || asked === 'churned' || asked === 'all' ? asked : 'open'
    const [risks, churn, csat, names] = await Promise.all([
      read<{ risks: ChurnRisk[] }>(c, `/v1/churn-risks${status === 'all' ? '' : `?status=${status}`}`),
      read<ChurnReport>(c, '/v1/churn-report'),
      read<CsatReport>(c, '/v1/reports/csat'),
      memberNames(c),
    ])
    return c.html(
      page({
        title: 'Customer success',
        viewer: c.get('viewer'),
        current: 'success',
        live: true,
        body: successPage({ status, risks: risks?.risks ?? [], churn, csat, names }),
      }),
    )
  })

  app.get('/knowledge-gaps', async (c) => {
    const asked = c.req.query('digest')
    if (asked !== undefined && !UUID.test(asked)) return notFoundPage(c)
    const [list, recent] = await Promise.all([
      read<{ digests: DigestSummary[] }>(c, '/v1/knowledge-gaps/digests'),
      read<RecentGaps>(c, '/v1/knowledge-gaps/recent').catch(() => null),
    ])
    const digests = list?.digests ?? []
    const shown = asked ?? digests[0]?.id
    const digest = shown
      ? await read<{ digest: DigestDetail }>(c, `/v1/knowledge-gaps/digests/${shown}`)
      : null
    if (asked && !digest) return notFoundPage(c)
    const viewer = c.get('viewer')
    return c.html(
      page({
        title: 'Knowledge gaps',
        viewer,
        current: 'knowledge-gaps',
        body: knowledgeGapsPage({
          digests,
          digest: digest?.digest ?? null,
          recent,
          isAdmin: viewer.role === 'admin',
        }),
      }),
    )
  })

  app.get('/notifications', async (c) => {
    const unreadOnly = c.req.query('unread') === 'true'
    const [list, prefs, me] = await Promise.all([
      read<{ unread: number; notifications: NotificationItem[] }>(
        c,
        `/v1/notifications${unreadOnly ? '?unread=true' : ''}`,
      ),
      read<{ preferences: NotificationPreferences }>(c, '/v1/notification-preferences'),
      read<{ members: Member[] }>(c, '/v1/workspace/members').catch(() => null),
    ])
    const viewer = c.get('viewer')
    const email = me?.members.find((m) => m.id === viewer.userId)?.email ?? null
    return c.html(
      page({
        title: 'Notifications',
        viewer,
        current: 'notifications',
        live: true,
        body: notificationsPage({
          unreadOnly,
          unread: list?.unread ?? 0,
          notifications: list?.notifications ?? [],
          preferences: prefs?.preferences ?? null,
          viewerEmail: email,
        }),
      }),
    )
  })

  // Admins only: an agent gets a 403 page (and the API behind it answers 403 as well).
  app.get('/settings', async (c) => {
    const viewer = c.get('viewer')
    if (viewer.role !== 'admin') return forbiddenPage(c)
    const [members, invitations, canned, tags, fields, queues, rules, gates, articles, customerSuccess] =
      await Promise.all([
        read<{ members: SettingsData['members'] }>(c, '/v1/admin/team/members'),
        read<{ invitations: SettingsData['invitations'] }>(c, '/v1/admin/team/invitations'),
        read<{ cannedResponses: SettingsData['canned'] }>(c, '/v1/admin/canned-responses'),
        read<{ tags: SettingsData['tags'] }>(c, '/v1/admin/tags'),
        read<{ customFields: SettingsData['fields'] }>(c, '/v1/admin/custom-fields'),
        read<{ queues: SettingsData['queues'] }>(c, '/v1/admin/queues'),
        read<{ routingRules: SettingsData['rules'] }>(c, '/v1/admin/routing-rules'),
        read<SettingsData['gates']>(c, '/v1/admin/agents/gates'),
        read<{ articles: SettingsData['articles'] }>(c, '/v1/admin/library/articles'),
        // The rest of the page still works when the customer-success settings cannot be read.
        read<CustomerSuccessView>(c, '/v1/admin/customer-success').catch(() => null),
      ])
    const data: SettingsData = {
      members: members?.members ?? [],
      invitations: invitations?.invitations ?? [],
      canned: canned?.cannedResponses ?? [],
      tags: tags?.tags ?? [],
      fields: fields?.customFields ?? [],
      queues: queues?.queues ?? [],
      rules: rules?.routingRules ?? [],
      gates: gates ?? { defaults: { auto: 0.9, review: 0.45 }, agents: [] },
      articles: articles?.articles ?? [],
      customerSuccess,
    }
    return c.html(
      page({ title: 'Settings', viewer, current: 'settings', body: settingsPage(data, viewer.userId) }),
    )
  })

  app.get('/settings/library/:id', async (c) => {
    const viewer = c.get('viewer')
    if (viewer.role !== 'admin') return forbiddenPage(c)
    const found = await read<{ article: { id: string; title: string; markdown: string } }>(
      c,
      `/v1/admin/library/articles/${encodeURIComponent(c.req.param('id'))}`,
    )
    if (!found) return notFoundPage(c)
    return c.html(
      page({ title: found.article.title, viewer, current: 'settings', body: articlePage(found.article) }),
    )
  })

  app.get('/tickets/:ref', async (c) => {
    const ticket = await read<{ conversationId: string }>(
      c,
      `/v1/tickets/${encodeURIComponent(c.req.param('ref'))}`,
    )
    if (!ticket) return notFoundPage(c)
    return c.redirect(`/app/conversations/${ticket.conversationId}`, 303)
  })

  /** A page that only says why there is nothing to show (403, 404), in the dashboard's frame. */
  function messagePage(c: Context<Env>, status: 403 | 404, title: string, text: string) {
    return c.html(
      page({
        title,
        viewer: c.get('viewer'),
        current: '',
        body: html`<div class="panel"><h1>${title}</h1><p>${text}</p><p><a href="/app/inbox">Back to the inbox</a></p></div>`,
      }),
      status,
    )
  }

  const forbiddenPage = (c: Context<Env>) =>
    messagePage(
      c,
      403,
      'Admins only',
      "Settings are for the workspace's admins. Ask one if something needs changing.",
    )
  const notFoundPage = (c: Context<Env>) =>
    messagePage(c, 404, 'Not found', 'That page does not exist, or it belongs to another workspace.')

  return app
}

/** Only a path inside the dashboard: never an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/app(\/[\w\-./%?=&]*)?$/.test(next) && !next.startsWith('//') ? next : '/app'
}
