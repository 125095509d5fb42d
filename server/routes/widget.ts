// The chat widget's public endpoints, addressed by widget key (no API key: they run in visitors'
// browsers). A visitor can post a message, find their conversation again, read it, and follow it
// live (Server-Sent Events) — their own, nothing else.
import { and, asc, desc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import { parseWidgetMessage } from '../../adapters/widget/parse.ts'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contactIdentities } from '../../drizzle/schema/contacts.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { withTenant } from '../../drizzle/tenant-scope.ts'
import { limitBody, param, readJson, UuidParam } from '../http/body.ts'
import { ingestMessage } from '../ingest.ts'
import type { Runtime } from '../runtime.ts'

const WidgetKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a widget key')
const VisitorId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
const VisitorQuery = z.object({ visitorId: VisitorId })

/** How often a live stream looks for changes made by other processes; same-process changes wake it at once. */
const POLL_MS = 2000
/** A comment line keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000

export function widgetRoutes(runtime: Pick<Runtime, 'database' | 'jobs' | 'events'>) {
  const { database, jobs, events } = runtime
  const db = database.db
  const app = new Hono<{ Variables: { widgetChannel: WidgetChannel } }>()

  // The size limit comes first: an oversized message is refused before any look-up.
  app.use('/:widgetKey/messages', limitBody(32 * 1024))
  // Every route is under a widget key: it names the channel, and so the tenant whose scope the
  // request runs in (row-level security). A malformed or unknown key is a 404.
  app.use('/:widgetKey/*', async (c, next) => {
    const channel = await widgetChannel(db, param(c, 'widgetKey', WidgetKey))
    c.set('widgetChannel', channel)
    await withTenant(channel.tenantId, next)
  })

  app.post('/:widgetKey/messages', async (c) => {
    const channel = c.get('widgetChannel')
    const [inbound] = parseWidgetMessage(await readJson(c), {
      idempotencyKey: c.req.header('idempotency-key'),
      country: countryOf(
        c.req.header('cf-ipcountry') ?? c.req.header('x-country-code') ?? c.req.header('x-vercel-ip-country'),
      ),
    })
    const result = await ingestMessage(database, jobs.outbox, channel, inbound!)
    events.publish(result.conversationId)
    return c.json(
      { conversationId: result.conversationId, messageId: result.messageId, duplicate: result.duplicate },
      202,
    )
  })

  // The visitor's latest conversation: the widget shows it when they come back.
  app.get('/:widgetKey/visitors/:visitorId/conversation', async (c) => {
    const channel = c.get('widgetChannel')
    const visitorId = param(c, 'visitorId', VisitorId)
    const [conversation] = await db
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
      .where(eq(conversations.channelId, channel.id))
      .orderBy(desc(conversations.lastMessageAt))
      .limit(1)
    if (!conversation) throw new AtlasError('not_found', 'This visitor has no conversation yet')
    return c.json({ conversationId: conversation.id, messages: await visibleMessages(db, conversation.id) })
  })

  app.get('/:widgetKey/conversations/:conversationId', async (c) => {
    const conversationId = await visitorConversation(
      db,
      c.get('widgetChannel'),
      c.req.param('conversationId'),
      c.req.query(),
    )
    return c.json({ conversationId, messages: await visibleMessages(db, conversationId) })
  })

  // Live replies: every message the visitor may see, once, as it appears.
  app.get('/:widgetKey/conversations/:conversationId/events', async (c) => {
    const conversationId = await visitorConversation(
      db,
      c.get('widgetChannel'),
      c.req.param('conversationId'),
      c.req.query(),
    )
    return streamSSE(c, async (stream) => {
      const seen = new Set<string>()
      const abort = new AbortController()
      stream.onAbort(() => abort.abort())
      let lastBeat = Date.now()
      while (!abort.signal.aborted) {
        for (const message of await visibleMessages(db, conversationId)) {
          if (seen.has(message.id)) continue
          seen.add(message.id)
          await stream.writeSSE({ event: 'message', id: message.id, data: JSON.stringify(message) })
        }
        if (Date.now() - lastBeat > HEARTBEAT_MS) {
          await stream.write(': keep-alive\n\n')
          lastBeat = Date.now()
        }
        await events.next(conversationId, POLL_MS, abort.signal)
      }
    })
  })

  return app
}

/** The conversation, if it belongs to this widget and this visitor; "not found" otherwise. */
async function visitorConversation(
  db: Executor,
  channel: WidgetChannel,
  conversationId: string,
  query: Record<string, string>,
): Promise<string> {
  const id = parseInput(UuidParam, conversationId, 'path parameter conversationId', 'not_found')
  const { visitorId } = parseInput(VisitorQuery, query, 'query')
  const [conversation] = await db
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
    .where(and(eq(conversations.id, id), eq(conversations.channelId, channel.id)))
  if (!conversation) throw new AtlasError('not_found', 'No such conversation for this visitor')
  return conversation.id
}

/** What the visitor sees: their messages and delivered replies; never internal notes or queued replies. */
async function visibleMessages(db: Executor, conversationId: string) {
  const thread = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt))
  return thread
    .filter((m) => m.direction === 'inbound' || (m.direction === 'outbound' && m.deliveryStatus !== 'queued'))
    .map((m) => ({
      id: m.id,
      author: m.author,
      body: m.body,
      citations: m.citations.map((ct) => ({ title: ct.title, url: ct.url })),
      createdAt: m.createdAt,
    }))
}

type WidgetChannel = Awaited<ReturnType<typeof widgetChannel>>

async function widgetChannel(db: Executor, key: string) {
  const [channel] = await db
    .select({ id: channels.id, tenantId: channels.tenantId, kind: channels.kind })
    .from(channels)
    .where(and(eq(channels.key, key), eq(channels.kind, 'widget')))
  if (!channel) throw new AtlasError('not_found', `Unknown widget key "${key}"`)
  return channel
}

/** A two-letter country code from a trusted proxy header (Cloudflare and others send XX for unknown). */
function countryOf(header: string | undefined): string | undefined {
  return header && /^[A-Za-z]{2}$/.test(header) && header.toUpperCase() !== 'XX'
    ? header.toUpperCase()
    : undefined
}
