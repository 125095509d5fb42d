// The Hono application: widget and API routes over the runtime. Thin: parse, call, answer.
import { Hono } from 'hono'
import { requireApiKey } from './http/auth.ts'
import { notFound, onError } from './http/errors.ts'
import { conversationRoutes } from './routes/conversations.ts'
import { libraryRoutes } from './routes/library.ts'
import { ticketRoutes } from './routes/tickets.ts'
import { widgetRoutes } from './routes/widget.ts'
import type { Runtime } from './runtime.ts'

export function createApp(runtime: Pick<Runtime, 'database' | 'jobs' | 'host' | 'logger'>) {
  const app = new Hono()
  app.onError(onError(runtime.logger))
  app.notFound(notFound)

  app.get('/healthz', async (c) => {
    await runtime.database.query('select 1')
    return c.json({ status: 'ok', database: runtime.database.kind })
  })

  app.route('/v1/widget', widgetRoutes(runtime))

  // Everything else under /v1 needs an API key.
  const auth = requireApiKey(runtime.database.db)
  const api = {
    conversations: conversationRoutes(runtime),
    tickets: ticketRoutes(runtime),
    library: libraryRoutes(runtime),
  }
  for (const [path, routes] of Object.entries(api)) {
    app.use(`/v1/${path}/*`, auth)
    app.route(`/v1/${path}`, routes)
  }
  return app
}
