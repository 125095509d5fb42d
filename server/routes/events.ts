// A tenant-wide stream of "something changed" for live dashboards (Server-Sent Events). Changes in
// this process wake the stream at once; changes made by another process (a worker) are noticed by a
// cheap poll of the tenant's latest change times, so the stream is right on any deployment.
import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { rowsOf } from '../../drizzle/database.ts'
import type { AuthVariables } from '../http/auth.ts'
import type { Runtime } from '../runtime.ts'

const POLL_MS = 1500
const KEEPALIVE_MS = 20_000

export function eventRoutes(runtime: Pick<Runtime, 'database' | 'events'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/', (c) => {
    const tenantId = c.get('auth').tenantId
    const mark = async () => {
      const [row] = rowsOf<{ t: string; c: string; m: string }>(
        await db.execute(sql`
        select coalesce((select max(updated_at) from tickets where tenant_id = ${tenantId}), 'epoch')::text as t,
               coalesce((select max(last_message_at) from conversations where tenant_id = ${tenantId}), 'epoch')::text as c,
               coalesce((select max(created_at) from messages where tenant_id = ${tenantId}), 'epoch')::text as m
      `),
      )
      return row ? `${row.t}|${row.c}|${row.m}` : ''
    }
    return streamSSE(c, async (stream) => {
      const abort = new AbortController()
      stream.onAbort(() => abort.abort())
      let last = await mark()
      let quiet = 0
      await stream.writeSSE({ event: 'ready', data: '{}' })
      while (!abort.signal.aborted) {
        await runtime.events.nextAny(POLL_MS, abort.signal)
        if (abort.signal.aborted) break
        const now = await mark()
        if (now !== last) {
          last = now
          quiet = 0
          await stream.writeSSE({ event: 'change', data: JSON.stringify({ at: new Date().toISOString() }) })
        } else {
          quiet += POLL_MS
          if (quiet >= KEEPALIVE_MS) {
            quiet = 0
            await stream.writeSSE({ event: 'ping', data: '{}' })
          }
        }
      }
    })
  })

  return app
}
