// The Today page: what needs a person now and how the desk is doing, for the caller's tenant.
import { Hono } from 'hono'
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { AuthVariables } from '../http/auth.ts'
import { todayFigures } from '../metrics/today.ts'
import type { Runtime } from '../runtime.ts'

const TodayQuery = z.strictObject({
  /** Rows per list (approval queue, escalations, SLA warnings). */
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

export function todayRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/', async (c) => {
    const query = parseInput(TodayQuery, c.req.query(), 'query', 'bad_request')
    const auth = c.get('auth')
    // `mine`: tickets assigned to the caller's operator, what taking a ticket over records (the
    // signed-in person's user id; for an API key, X-Atlas-Operator, else `api-key:<name>`).
    return c.json(await todayFigures(db, auth.tenantId, { operator: auth.operator, listLimit: query.limit }))
  })

  return app
}
