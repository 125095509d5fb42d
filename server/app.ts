// The Hono application: widget and API routes over the runtime. Thin: parse, call, answer.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { every } from 'hono/combine'
import { AtlasError } from '../common/errors.ts'
import { SignInThrottle } from './auth/sign-in-throttle.ts'
import { dashboardRoutes } from './dashboard/routes.ts'
import { authenticate, requireAdmin } from './http/auth.ts'
import { limitBody } from './http/body.ts'
import { notFound, onError } from './http/errors.ts'
import { RateLimiter } from './http/rate-limit.ts'
import { httpTelemetry } from './http-telemetry.ts'
import { openApiDocument } from './openapi.ts'
import { adminRoutes, workspaceRoutes } from './routes/admin/index.ts'
import { assistRoutes } from './routes/assist.ts'
import { attachmentRoutes } from './routes/attachments.ts'
import { authRoutes } from './routes/auth.ts'
import { channelRoutes } from './routes/channels.ts'
import { contactRoutes } from './routes/contacts.ts'
import { conversationRoutes } from './routes/conversations.ts'
import { csatPublicRoutes, csatReportRoutes } from './routes/csat.ts'
import { customerSuccessRoutes, ticketSlaRoutes } from './routes/customer-success.ts'
import { eventRoutes } from './routes/events.ts'
import { knowledgeGapRoutes } from './routes/knowledge-gaps.ts'
import { libraryRoutes } from './routes/library.ts'
import { satisfactionRoutes } from './routes/satisfaction.ts'
import { ticketRoutes } from './routes/tickets.ts'
import { todayRoutes } from './routes/today.ts'
import { webhookRoutes } from './routes/webhooks.ts'
import { widgetRoutes } from './routes/widget.ts'
import type { Runtime } from './runtime.ts'
import { latestChange, TenantChanges } from './tenant-changes.ts'

const WIDGET_JS = readFileSync(fileURLToPath(new URL('./widget/widget.js', import.meta.url)), 'utf8')
const DEMO_PAGE = readFileSync(fileURLToPath(new URL('./widget/demo.html', import.meta.url)), 'utf8')

/** Routes that set a body limit above the default themselves: webhooks carry attachments, imports are big. */
const OWN_LARGER_BODY_LIMIT = [/^\/webhooks\//, /^\/v1\/admin\/library\/import$/]

export interface AppOptions {
  /** The rate limiter's clock (tests move it forward instead of waiting). */
  now?: () => number
}

export function createApp(
  runtime: Pick<
    Runtime,
    | 'database'
    | 'jobs'
    | 'host'
    | 'logger'
    | 'events'
    | 'storage'
    | 'assist'
    | 'config'
    | 'success'
    | 'secretBox'
  >,
  options: AppOptions = {},
) {
  const app = new Hono()
  app.use('*', httpTelemetry())
  app.onError(onError(runtime.logger))
  app.notFound(notFound)

  // Before any route: rate limits by client address (webhooks: by channel), URLs nothing can
  // store, and a default body limit for every route without a larger one of its own (routes
  // with tighter limits set them too).
  const limiter = new RateLimiter(runtime.config.rateLimits, options.now)
  app.use('*', limiter.byClient())
  app.use('*', async (c, next) => {
    if (/%00/.test(c.req.url)) throw new AtlasError('bad_request', 'The URL contains a NUL character (%00)')
    await next()
  })
  const defaultBodyLimit = limitBody(runtime.config.maxBodyBytes)
  app.use('*', (c, next) =>
    OWN_LARGER_BODY_LIMIT.some((route) => route.test(c.req.path)) ? next() : defaultBodyLimit(c, next),
  )

  app.get('/healthz', async (c) => {
    await runtime.database.query('select 1')
    return c.json({ status: 'ok', database: runtime.database.kind })
  })

  app.route('/v1/widget', widgetRoutes(runtime))
  // Providers post here; each request is verified with its channel's own secret.
  app.route('/webhooks', webhookRoutes(runtime))
  // The embeddable widget script, and a demo page that embeds it.
  app.get('/widget.js', (c) => {
    c.header('content-type', 'application/javascript; charset=utf-8')
    c.header('cache-control', 'public, max-age=300')
    return c.body(WIDGET_JS)
  })
  // The satisfaction survey's answer page: the link's random token is the right to answer.
  app.route('/csat', csatPublicRoutes(runtime, runtime.success))
  app.get('/', (c) => c.html(DEMO_PAGE.replaceAll('__ORIGIN__', new URL(c.req.url).origin)))

  // The API described (OpenAPI 3.1); public, like any API reference.
  app.get('/v1/openapi.json', (c) => c.json(openApiDocument()))

  // Dashboard sign-in, sign-out and invitations; the API and the dashboard's form share one throttle.
  const throttle = new SignInThrottle()
  app.route('/v1/auth', authRoutes(runtime, throttle))
  // The operator dashboard; its pages read through this app's own API.
  app.route(
    '/app',
    dashboardRoutes(runtime, (path, init, env) => app.request(path, init, env), throttle),
  )

  // Everything else under /v1 needs an API key or a dashboard session, and counts against its tenant.
  const auth = every(authenticate(runtime.database.db), limiter.byTenant())
  const api = {
    conversations: conversationRoutes(runtime),
    tickets: ticketRoutes(runtime),
    library: libraryRoutes(runtime),
    channels: channelRoutes(runtime),
    attachments: attachmentRoutes(runtime),
    today: todayRoutes(runtime),
    contacts: contactRoutes(runtime),
    'knowledge-gaps': knowledgeGapRoutes(runtime),
    reports: csatReportRoutes(runtime),
    events: eventRoutes(
      new TenantChanges((tenantId) => latestChange(runtime.database.db, tenantId), runtime.events),
    ),
  }
  for (const [path, routes] of Object.entries(api)) {
    app.use(`/v1/${path}/*`, auth)
    app.route(`/v1/${path}`, routes)
  }
  // Workspace configuration (team, queues, rules, gates, Library …): admins only, whatever the route.
  app.use('/v1/admin/*', auth, requireAdmin())
  app.route('/v1/admin', adminRoutes(runtime))
  // What every operator reads, and their own availability.
  app.use('/v1/workspace/*', auth)
  app.route('/v1/workspace', workspaceRoutes(runtime))
  // AI assist per ticket (/v1/tickets/:ticket/assist/…), behind the auth registered for /v1/tickets/*.
  app.route('/v1/tickets', assistRoutes(runtime))
  // A customer's CSAT answer for a ticket (/v1/tickets/:ticket/satisfaction), behind the same auth.
  app.route('/v1/tickets', satisfactionRoutes(runtime))
  app.route('/v1/tickets', ticketSlaRoutes(runtime))
  // Customer success: product events, health, churn risks, notifications and their preferences.
  const success = customerSuccessRoutes(runtime)
  for (const path of [
    'product-events',
    'customer-health',
    'churn-risks',
    'churn-report',
    'notifications',
    'notification-preferences',
  ]) {
    app.use(`/v1/${path}`, auth)
    app.use(`/v1/${path}/*`, auth)
  }
  app.route('/v1', success)
  return app
}
