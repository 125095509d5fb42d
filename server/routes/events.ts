// A tenant-wide stream of "something changed" for live dashboards (Server-Sent Events), fed by the
// process's one watcher per tenant (server/tenant-changes.ts).
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AuthVariables } from '../http/auth.ts'
import type { TenantChanges } from '../tenant-changes.ts'

const KEEPALIVE_MS = 20_000

export function eventRoutes(changes: TenantChanges) {
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/', (c) => {
    const tenantId = c.get('auth').tenantId
    return streamSSE(c, async (stream) => {
      let wake: () => void = () => {}
      let changed = false
      const unsubscribe = changes.subscribe(tenantId, () => {
        changed = true
        wake()
      })
      stream.onAbort(() => {
        unsubscribe()
        wake()
      })
      await stream.writeSSE({ event: 'ready', data: '{}' })
      while (!stream.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, KEEPALIVE_MS)
          function done() {
            clearTimeout(timer)
            resolve()
          }
          wake = done
          if (changed) done()
        })
        if (stream.aborted) break
        if (changed) {
          changed = false
          await stream.writeSSE({ event: 'change', data: JSON.stringify({ at: new Date().toISOString() }) })
        } else {
          await stream.writeSSE({ event: 'ping', data: '{}' })
        }
      }
      unsubscribe()
    })
  })

  return app
}
