// The tenant's channels, and the message templates stored per channel (WhatsApp's approved templates,
// the only messages allowed outside its 24-hour window).
import { and, asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels, channelTemplates } from '../../drizzle/schema/channels.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, param, readBody } from '../http/body.ts'
import type { Runtime } from '../runtime.ts'

const ChannelKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a channel id')
const TemplateBody = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'use lowercase letters, digits and _ (as WhatsApp does)'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code like en or en_US'),
  body: z.string().trim().min(1).max(1024),
  status: z.enum(['approved', 'pending', 'rejected']).default('approved'),
})

const WEBHOOK_PATH: Record<string, string> = {
  whatsapp: '/webhooks/whatsapp',
  email: '/webhooks/email',
  messenger: '/webhooks/meta',
  instagram: '/webhooks/meta',
  mentions: '/webhooks/mentions',
}

export function channelRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/', async (c) => {
    const rows = await db
      .select()
      .from(channels)
      .where(eq(channels.tenantId, c.get('auth').tenantId))
      .orderBy(asc(channels.kind), asc(channels.key))
    return c.json({
      channels: rows.map((ch) => ({
        id: ch.id,
        kind: ch.kind,
        key: ch.key,
        name: ch.name,
        // Where the provider posts (secrets stay server-side).
        webhook: WEBHOOK_PATH[ch.kind] ? `${WEBHOOK_PATH[ch.kind]}/${ch.key}` : null,
      })),
    })
  })

  app.get('/:channel/templates', async (c) => {
    const channel = await findChannel(db, c.get('auth').tenantId, param(c, 'channel', ChannelKey))
    const rows = await db
      .select()
      .from(channelTemplates)
      .where(eq(channelTemplates.channelId, channel.id))
      .orderBy(asc(channelTemplates.name))
    return c.json({
      templates: rows.map((t) => ({ name: t.name, language: t.language, body: t.body, status: t.status })),
    })
  })

  app.post('/:channel/templates', limitBody(16 * 1024), async (c) => {
    const channel = await findChannel(db, c.get('auth').tenantId, param(c, 'channel', ChannelKey))
    if (channel.kind !== 'whatsapp')
      throw new AtlasError('bad_request', 'Only WhatsApp channels have templates')
    const body = await readBody(c, TemplateBody, 'template')
    await db
      .insert(channelTemplates)
      .values({ tenantId: channel.tenantId, channelId: channel.id, ...body })
      .onConflictDoUpdate({
        target: [channelTemplates.channelId, channelTemplates.name, channelTemplates.language],
        set: { body: body.body, status: body.status },
      })
    return c.json({ template: body }, 201)
  })

  return app
}

async function findChannel(db: Executor, tenantId: string, key: string) {
  const [channel] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.key, key)))
  if (!channel) throw new AtlasError('not_found', `Channel ${key} does not exist`)
  return channel
}
