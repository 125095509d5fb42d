// Attachment bytes for operators (API key, the tenant's own only). Served as downloads with a
// sandboxing policy: a customer's file must never run as a page on our origin.
import { and, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { AtlasError } from '../../common/errors.ts'
import { attachments } from '../../drizzle/schema/conversations.ts'
import type { AuthVariables } from '../http/auth.ts'
import { param, UuidParam } from '../http/body.ts'
import type { Runtime } from '../runtime.ts'

/** Shown in the browser when opened; everything else downloads. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/(ogg|mpeg|mp4|aac|amr)|video\/mp4|application\/pdf)$/

export function attachmentRoutes(runtime: Pick<Runtime, 'database' | 'storage'>) {
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/:id', async (c) => {
    const id = param(c, 'id', UuidParam)
    const [row] = await runtime.database.db
      .select()
      .from(attachments)
      .where(and(eq(attachments.id, id), eq(attachments.tenantId, c.get('auth').tenantId)))
    if (!row) throw new AtlasError('not_found', `Attachment ${id} does not exist`)
    if (!row.storageKey) {
      throw new AtlasError('conflict', 'This attachment has not been fetched from the provider (yet)', {
        details: { pending: true },
      })
    }
    const bytes = await runtime.storage.get(row.storageKey)
    const type =
      row.mimeType && /^[\w.+-]+\/[\w.+-]+$/.test(row.mimeType) ? row.mimeType : 'application/octet-stream'
    const filename = (row.filename ?? `attachment-${row.id}`).replace(/[^\w.\- ]+/g, '_').slice(0, 200)
    c.header('content-type', type)
    c.header('content-length', String(bytes.byteLength))
    c.header(
      'content-disposition',
      `${INLINE.test(type) ? 'inline' : 'attachment'}; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(row.filename ?? filename)}`,
    )
    c.header('x-content-type-options', 'nosniff')
    c.header('content-security-policy', "sandbox; default-src 'none'")
    c.header('cache-control', 'private, max-age=3600')
    return c.body(bytes as Uint8Array<ArrayBuffer>)
  })

  return app
}
