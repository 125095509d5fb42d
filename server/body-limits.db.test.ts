// Every route that takes a body has a size limit: the app's default (ATLAS_MAX_BODY_BYTES) or its own,
// tighter (sign-in, the widget, tickets …) or larger (webhooks, Library import). Over it is a 413 that
// says the limit, whether the client announced the size (Content-Length) or streamed the body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRuntime, type TestRuntime } from '../testing/runtime.ts'

let t: TestRuntime
const DEFAULT = 1024 * 1024

beforeAll(async () => {
  t = await startTestRuntime()
})
afterAll(async () => {
  await t?.stop()
})

/** Routes that take a body and rely on the default (or a tighter) limit: all but webhooks and the import. */
function bodyRoutes() {
  const seen = new Map<string, { method: string; path: string }>()
  for (const route of t.app.routes) {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)) continue
    if (route.path.startsWith('/webhooks/') || route.path === '/v1/admin/library/import') continue
    seen.set(`${route.method} ${route.path}`, route)
  }
  return [...seen.values()]
}

function send(method: string, path: string, size: number, options: { stream?: boolean; key?: boolean } = {}) {
  const bytes = new Uint8Array(size).fill(0x61)
  bytes.set(new TextEncoder().encode('{"a":"'))
  bytes.set(new TextEncoder().encode('"}'), size - 2)
  const body = options.stream
    ? new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < size; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024))
          controller.close()
        },
      })
    : bytes
  return t.app.request(path.replace(/:(\w+)/g, 'x'), {
    method,
    headers: {
      'content-type': 'application/json',
      ...(options.stream ? {} : { 'content-length': String(size) }),
      ...(options.key === false ? {} : { authorization: `Bearer ${t.apiKey}` }),
    },
    body,
    ...(options.stream ? { duplex: 'half' } : {}),
  } as RequestInit)
}

async function expectTooLarge(response: Response, limit: number, what: string) {
  expect(response.status, what).toBe(413)
  const body = (await response.json()) as { error: { code: string; message: string } }
  expect(body.error.code, what).toBe('payload_too_large')
  expect(body.error.message, what).toBe(`The request body is larger than ${limit} bytes`)
}

describe('body limits', () => {
  it('every route that takes a body refuses one over the default limit, announced or streamed', async () => {
    const routes = bodyRoutes()
    expect(routes.length).toBeGreaterThan(50)
    for (const { method, path } of routes) {
      const what = `${method} ${path}`
      const announced = await send(method, path, DEFAULT + 1)
      // The route's own limit may be tighter; either way the answer names it.
      expect(announced.status, what).toBe(413)
      if (path.startsWith('/csat/')) continue // a survey answer page: the refusal is a page too
      const message = ((await announced.json()) as { error: { message: string } }).error.message
      expect(message, what).toMatch(/^The request body is larger than \d+ bytes$/)
      const streamed = await send(method, path, DEFAULT + 1, { stream: true, key: false })
      expect(streamed.status, `${what} (streamed, no credentials)`).toBe(413)
      await streamed.text()
    }
  })

  it('routes with tighter limits keep them', async () => {
    await expectTooLarge(await send('POST', '/v1/auth/login', 16 * 1024 + 1), 16 * 1024, 'sign-in')
    await expectTooLarge(await send('POST', '/v1/widget/demo/messages', 32 * 1024 + 1), 32 * 1024, 'widget')
    await expectTooLarge(
      await send('POST', '/v1/tickets/x/reply', 64 * 1024 + 1, { stream: true }),
      64 * 1024,
      'ticket reply',
    )
    const csat = await send('POST', '/csat/some-token', 16 * 1024 + 1)
    expect(csat.status).toBe(413)
    expect(await csat.text()).toContain('That was too long')
  })

  it('the Library import keeps its larger limit (16 MB), beyond the default', async () => {
    const big = await send('POST', '/v1/admin/library/import', 2 * 1024 * 1024)
    expect(big.status).not.toBe(413)
    await expectTooLarge(
      await send('POST', '/v1/admin/library/import', 16 * 1024 * 1024 + 1),
      16 * 1024 * 1024,
      'import',
    )
  })
})
