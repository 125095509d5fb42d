// The chat widget's public endpoints, addressed by widget key (no API key: they run in visitors'
// browsers). A visitor can post a message and read back their own conversation, nothing else.
import { and, asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { parseWidgetMessage } from '../../adapters/widget/parse.ts'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { limitBody, param, readJson, UuidParam } from '../http/body.ts'
import { ingestMessage } from '../ingest.ts'
import type { Runtime } from '../runtime.ts'

const WidgetKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a widget key')
const VisitorQuery = z.object({ visitorId: z.string().min(1).max(128) })

export function widgetRoutes(runtime: Pick<Runtime, 'database' | 'jobs'>) {
  const { database, jobs } = runtime
  const app = new Hono()

  app.post('/:widgetKey/messages', limitBody(32 * 1024), async (c) => {
    const channel = await widgetChannel(database.db, param(c, 'widgetKey', WidgetKey))
    const [inbound] = parseWidgetMessage(await readJson(c), c.req.header('idempotency-key'))
    const result = await ingestMessage(database, jobs.outbox, channel, inbound!)
    return c.json(
      { conversationId: result.conversationId, messageId: result.messageId, duplicate: result.duplicate },
      202,
    )
  })

  app.get('/:widgetKey/conversations/:conversationId', async (c) => {
    const channel = await widgetChannel(database.db, param(c, 'widgetKey', WidgetKey))
    const conversationId = param(c, 'conversationId', UuidParam)
    const { visitorId } = parseInput(VisitorQuery, c.req.query(), 'query')
    // The conversation must belong to this widget and to this visitor; anything else is "not found".
    const [conversation] = await database.db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(
        contactIdentities,
        and(
          eq(contactIdentities.contactId, conversations.contactId),
          eq(contactIdentities.kind, 'visitor'),
          eq(contactIdentities.value, visitorId),
        ),
      )
      .where(and(eq(conversations.id, conversationId), eq(conversations.channelId, channel.id)))
    if (!conversation) throw new AtlasError('not_found', 'No such conversation for this visitor')
    const thread = await database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(asc(messages.createdAt))
    return c.json({
      conversationId,
      messages: thread
        // Replies become visible to the visitor once delivered; internal notes never are.
        .filter(
          (m) => m.direction === 'inbound' || (m.direction === 'outbound' && m.deliveryStatus !== 'queued'),
        )
        .map((m) => ({
          id: m.id,
          author: m.author,
          body: m.body,
          citations: m.citations.map((ct) => ({ title: ct.title, url: ct.url })),
          createdAt: m.createdAt,
        })),
    })
  })

  return app
}

async function widgetChannel(db: Executor, key: string) {
  const [channel] = await db
    .select({ id: channels.id, tenantId: channels.tenantId, kind: channels.kind })
    .from(channels)
    .where(and(eq(channels.key, key), eq(channels.kind, 'widget')))
  if (!channel) throw new AtlasError('not_found', `Unknown widget key "${key}"`)
  return channel
}
