// The Hono application: widget and API routes over the runtime. Thin: parse, call, answer.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { authenticate } from './http/auth.ts'
import { notFound, onError } from './http/errors.ts'
import { attachmentRoutes } from './routes/attachments.ts'
import { authRoutes } from './routes/auth.ts'
import { channelRoutes } from './routes/channels.ts'
import { conversationRoutes } from './routes/conversations.ts'
import { libraryRoutes } from './routes/library.ts'
import { ticketRoutes } from './routes/tickets.ts'
import { webhookRoutes } from './routes/webhooks.ts'
import { widgetRoutes } from './routes/widget.ts'
import type { Runtime } from './runtime.ts'

const WIDGET_JS = readFileSync(fileURLToPath(new URL('./widget/widget.js', import.meta.url)), 'utf8')
const DEMO_PAGE = readFileSync(fileURLToPath(new URL('./widget/demo.html', import.meta.url)), 'utf8')

export function createApp(
  runtime: Pick<Runtime, 'database' | 'jobs' | 'host' | 'logger' | 'events' | 'storage'>,
) {
  const app = new Hono()
  app.onError(onError(runtime.logger))
  app.notFound(notFound)

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
  app.get('/', (c) => c.html(DEMO_PAGE.replaceAll('__ORIGIN__', new URL(c.req.url).origin)))

  // Dashboard sign-in, sign-out and invitations.
  app.route('/v1/auth', authRoutes(runtime))

  // Everything else under /v1 needs an API key or a dashboard session.
  const auth = authenticate(runtime.database.db)
  const api = {
    conversations: conversationRoutes(runtime),
    tickets: ticketRoutes(runtime),
    library: libraryRoutes(runtime),
    channels: channelRoutes(runtime),
    attachments: attachmentRoutes(runtime),
  }
  for (const [path, routes] of Object.entries(api)) {
    app.use(`/v1/${path}/*`, auth)
    app.route(`/v1/${path}`, routes)
  }
  return app
}
