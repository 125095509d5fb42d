// AI assist for operators, per ticket: the conversation summary (read the latest, or write one now)
// and reply suggestions for the customer's latest unanswered message. Mounted under /v1/tickets
// behind authentication; every ticket is looked up within the caller's tenant.
import { randomUUID } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { type Assist, DEFAULT_SUGGESTIONS, suggestReplies } from '../../agents/assist/index.ts'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { cannedResponses } from '../../drizzle/schema/team.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, readBody } from '../http/body.ts'
import { latestMessages } from '../jobs/agent-turn.ts'
import { latestSummary, MIN_SUMMARY_MESSAGES, writeSummary } from '../jobs/summary.ts'
import type { Runtime } from '../runtime.ts'
import { ticketNumber } from '../views/conversation.ts'
import { ticketInPath } from './tickets.ts'

type Env = { Variables: AuthVariables }

const Empty = z.strictObject({})
const SuggestionId = z
  .string()
  .regex(/^(?:library|canned|model):[\w.-]{1,80}$/, 'must be a suggestion id like library:<id>')
const SuggestionsQuery = z.object({
  /** Suggestion ids already shown, comma-separated: a refresh returns the next best ones. */
  exclude: z
    .string()
    .max(4000)
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(SuggestionId).max(50, 'exclude at most 50 suggestions')),
  limit: z.coerce.number().int().min(1).max(5).default(DEFAULT_SUGGESTIONS),
})
/** Messages suggestions look at (the latest of the conversation). */
const SUGGESTION_CONTEXT = 40
const MAX_CANNED = 500

export function assistRoutes(runtime: Pick<Runtime, 'database' | 'assist' | 'events'>) {
  const db = runtime.database.db
  const assist: Assist = runtime.assist
  const app = new Hono<Env>()
  app.use('*', limitBody(16 * 1024))

  app.get('/:ticket/assist/summary', async (c) => {
    const ticket = await ticketInPath(c, db)
    return c.json({ summary: await latestSummary(db, ticket.id) })
  })

  // Writes a summary now (an operator asked), with the same rule as the automatic ones.
  app.post('/:ticket/assist/summary', async (c) => {
    const auth = c.get('auth')
    const ticket = await ticketInPath(c, db)
    await readBody(c, Empty, 'summary request', { allowEmpty: true })
    const header = c.req.header('idempotency-key')
    const result = await writeSummary(db, assist, {
      ticketId: ticket.id,
      reason: 'manual',
      by: auth.operator,
      idempotencyKey: `${ticket.id}:summary:manual:${header ? `api:${header.slice(0, 200)}` : randomUUID()}`,
    })
    if (result.outcome === 'no_ticket')
      throw new AtlasError('not_found', `Ticket ${ticket.id} does not exist`)
    if (result.outcome === 'too_few_messages') {
      throw new AtlasError(
        'conflict',
        `A summary needs at least ${MIN_SUMMARY_MESSAGES} messages from the customer, the bot or the team; ${ticketNumber(ticket.number)}'s conversation has ${result.messages}. Read the conversation instead.`,
        { details: { messages: result.messages, required: MIN_SUMMARY_MESSAGES } },
      )
    }
    if (result.outcome === 'written') runtime.events.publish(result.summary.conversationId)
    return c.json({ summary: result.summary }, result.outcome === 'written' ? 201 : 200)
  })

  app.get('/:ticket/assist/suggestions', async (c) => {
    const auth = c.get('auth')
    const ticket = await ticketInPath(c, db)
    const query = parseInput(SuggestionsQuery, c.req.query(), 'query')
    const thread = await latestMessages(db, ticket.conversationId, SUGGESTION_CONTEXT)
    const [contact] = await db
      .select({ name: contacts.name })
      .from(contacts)
      .where(eq(contacts.id, ticket.contactId))
    const canned = await db
      .select({
        id: cannedResponses.id,
        shortcut: cannedResponses.shortcut,
        title: cannedResponses.title,
        body: cannedResponses.body,
      })
      .from(cannedResponses)
      .where(eq(cannedResponses.tenantId, auth.tenantId))
      .orderBy(asc(cannedResponses.shortcut))
      .limit(MAX_CANNED)
    const result = await suggestReplies({
      tenantId: auth.tenantId,
      db,
      messages: thread,
      cannedResponses: canned,
      contactName: contact?.name ?? null,
      exclude: query.exclude,
      limit: query.limit,
      provider: await assist.providerFor(auth.tenantId),
      model: assist.model,
      logger: assist.logger,
    })
    return c.json({
      ticket: { id: ticket.id, number: ticketNumber(ticket.number) },
      query: result.query,
      provider: result.provider,
      model: result.model,
      suggestions: result.suggestions,
      ...(result.usage ? { usage: result.usage } : {}),
      ...(result.fallback ? { fallback: { from: result.fallback.from } } : {}),
    })
  })

  return app
}
