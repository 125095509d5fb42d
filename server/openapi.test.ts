// The OpenAPI document describes every route the app serves under /v1 and /webhooks, and nothing
// that is not there: adding an endpoint without documenting it fails here.
import { describe, expect, it } from 'vitest'
import { createApp } from './app.ts'
import { OPERATIONS, openApiDocument } from './openapi.ts'

// Building the app only wires routes; no request reaches the runtime, so any stand-in will do.
const standIn: object = new Proxy(() => standIn, { get: () => standIn, apply: () => standIn })
const app = createApp(standIn as Parameters<typeof createApp>[0])

function servedRoutes(): string[] {
  const seen = new Set<string>()
  for (const route of app.routes) {
    if (route.method === 'ALL') continue
    if (!/^\/(v1|webhooks)\//.test(route.path) || route.path.endsWith('*')) continue
    if (route.path === '/v1/openapi.json') continue
    const path = route.path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')
    seen.add(`${route.method.toLowerCase()} ${path}`)
  }
  return [...seen].sort()
}

describe('OpenAPI document', () => {
  it('documents exactly the routes the app serves', () => {
    const documented = Object.entries(OPERATIONS)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
      .sort()
    expect(documented).toEqual(servedRoutes())
  })

  it('is a valid-looking OpenAPI 3.1 document with parameters for every path placeholder', () => {
    const doc = openApiDocument()
    expect(doc.openapi).toBe('3.1.0')
    for (const [path, methods] of Object.entries(doc.paths)) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      for (const op of Object.values(methods) as Array<{ parameters: Array<{ name: string; in: string }> }>) {
        expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(placeholders)
      }
    }
  })
})
