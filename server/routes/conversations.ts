// Reading conversations: the inbox list and one conversation with everything an operator needs.
import { and, desc, eq, lt, ne } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { conversations } from '../../drizzle/schema/conversations.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import type { AuthVariables } from '../http/auth.ts'
import { param, UuidParam } from '../http/body.ts'
import type { Runtime } from '../runtime.ts'
import { conversationView, ticketNumber } from '../views/conversation.ts'

const ListQuery = z.object({
  status: z
    .enum([
      'new',
      'triaging',
      'bot_handled',
      'awaiting_approval',
      'pending',
      'in_progress',
      'resolved',
      'closed',
    ])
    .optional(),
  /** The channel inbox: active, expired (a lapsed messaging window) or outgoing (we wrote first). */
  inbox: z.enum(['active', 'expired', 'outgoing']).optional(),
  /** Private conversations, or public mentions (the Community view). Default: private. */
  view: z.enum(['private', 'community']).default('private'),
  channel: z.enum(['widget', 'whatsapp', 'email', 'messenger', 'instagram', 'mentions']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Cursor: conversations whose last message is older than this ISO time. */
  before: z.iso.datetime({ offset: true }).optional(),
})

export function conversationRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/', async (c) => {
    const query = parseInput(ListQuery, c.req.query(), 'query')
    const tenantId = c.get('auth').tenantId
    const rows = await db
      .select({ conversation: conversations, contact: contacts, ticket: tickets, channel: channels })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .leftJoin(tickets, and(eq(tickets.conversationId, conversations.id), ne(tickets.status, 'closed')))
      .where(
        and(
          eq(conversations.tenantId, tenantId),
          ...(query.before ? [lt(conversations.lastMessageAt, new Date(query.before))] : []),
          ...(query.status ? [eq(tickets.status, query.status)] : []),
          ...(query.inbox ? [eq(conversations.inbox, query.inbox)] : []),
          ...(query.channel ? [eq(channels.kind, query.channel)] : []),
          query.view === 'community' ? eq(channels.kind, 'mentions') : ne(channels.kind, 'mentions'),
        ),
      )
      .orderBy(desc(conversations.lastMessageAt))
      .limit(query.limit)
    return c.json({
      conversations: rows.map(({ conversation, contact, ticket, channel }) => ({
        id: conversation.id,
        channel: { kind: channel.kind, key: channel.key },
        inbox: conversation.inbox,
        windowExpiresAt: conversation.windowExpiresAt,
        contact: { id: contact.id, name: contact.name, email: contact.email },
        lastMessageAt: conversation.lastMessageAt,
        ...(conversation.metadata.community ? { community: conversation.metadata.community } : {}),
        ticket: ticket
          ? {
              id: ticket.id,
              number: ticketNumber(ticket.number),
              status: ticket.status,
              owner: ticket.owner,
              urgency: ticket.urgency,
            }
          : null,
      })),
    })
  })

  app.get('/:id', async (c) => {
    return c.json(await conversationView(db, c.get('auth').tenantId, param(c, 'id', UuidParam)))
  })

  return app
}
