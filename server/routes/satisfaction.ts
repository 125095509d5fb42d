// Recording a customer's answer to the satisfaction survey (CSAT, 1–5) for a ticket. One answer per
// ticket: a second answer replaces the first (and counts from when it was given).
import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { satisfactionRatings } from '../../drizzle/schema/team.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, readBody } from '../http/body.ts'
import type { Runtime } from '../runtime.ts'
import { ticketNumber } from '../views/conversation.ts'
import { ticketInPath } from './tickets.ts'

const SatisfactionBody = z.strictObject({
  score: z.number().int('must be a whole number from 1 to 5').min(1).max(5),
  comment: z.string().trim().max(2000).optional(),
})

export interface SatisfactionView {
  rating: {
    ticketId: string
    /** TKT-10042 */
    number: string
    contactId: string | null
    score: number
    comment: string | null
    createdAt: string
  }
  /** True when this answer replaced an earlier one for the ticket. */
  replaced: boolean
}

export function satisfactionRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.post('/:ticket/satisfaction', limitBody(16 * 1024), async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, SatisfactionBody, 'satisfaction answer')
    const comment = body.comment || null
    const [row] = await db
      .insert(satisfactionRatings)
      .values({
        tenantId: ticket.tenantId,
        ticketId: ticket.id,
        contactId: ticket.contactId,
        score: body.score,
        comment,
      })
      .onConflictDoUpdate({
        target: satisfactionRatings.ticketId,
        set: { score: body.score, comment, contactId: ticket.contactId, createdAt: sql`now()` },
      })
      // xmax is 0 for a freshly inserted row and set when the upsert updated an existing one.
      .returning({
        score: satisfactionRatings.score,
        comment: satisfactionRatings.comment,
        contactId: satisfactionRatings.contactId,
        createdAt: satisfactionRatings.createdAt,
        replaced: sql<boolean>`(xmax::text <> '0')`,
      })
    const view: SatisfactionView = {
      rating: {
        ticketId: ticket.id,
        number: ticketNumber(ticket.number),
        contactId: row!.contactId,
        score: row!.score,
        comment: row!.comment,
        createdAt: row!.createdAt.toISOString(),
      },
      replaced: Boolean(row!.replaced),
    }
    return c.json(view, view.replaced ? 200 : 201)
  })

  return app
}
