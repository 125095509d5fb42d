// One SERVER span per HTTP request (OpenTelemetry HTTP semantic conventions), continuing the
// caller's trace when it sends a W3C traceparent. Webhooks and widget posts start the trace that the
// jobs, the ticket transition, the agent turn and the reply's delivery continue.
import { context, propagation, SpanKind, SpanStatusCode, type TextMapGetter } from '@opentelemetry/api'
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { setSpanAttributes, withSpan } from '../common/tracing.ts'

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
}

export function httpTelemetry(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter)
    // The route pattern (never the path: it holds keys and ids) names the span.
    const route = routePath(c, -1)
    const named = route && route !== '*' && !route.endsWith('/*')
    await withSpan(
      named ? `${method} ${route}` : method,
      {},
      async (span) => {
        setSpanAttributes(span, () => {
          const url = new URL(c.req.url)
          const agent = c.req.header('user-agent')
          // Emails and phone numbers in the path or query are masked by setSpanAttributes.
          return {
            'http.request.method': method,
            'url.scheme': url.protocol.replace(':', ''),
            'url.path': url.pathname,
            ...(named ? { 'http.route': route } : {}),
            ...(url.search ? { 'url.query': url.search.slice(1) } : {}),
            'server.address': url.hostname,
            ...(url.port ? { 'server.port': Number(url.port) } : {}),
            ...(agent ? { 'user_agent.original': agent } : {}),
          }
        })
        await next()
        const status = c.res.status
        setSpanAttributes(span, {
          'http.response.status_code': status,
          ...(status >= 500 ? { 'error.type': String(status) } : {}),
        })
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      },
      { kind: SpanKind.SERVER, parent },
    )
  }
}
