// What every operator of the workspace reads (teammates and whether they are around, canned
// responses, tags, custom fields, queues), and the one thing each person changes about
// themselves: their availability and name. Configuration changes live under /v1/admin.
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../../common/errors.ts'
import { users } from '../../../drizzle/schema/team.ts'
import { limitBody, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import { listCannedResponses } from './canned-responses.ts'
import { type Env, NON_EMPTY, nonEmpty, ownRow, tenantOf } from './common.ts'
import { listCustomFields } from './custom-fields.ts'
import { listQueues } from './queues.ts'
import { listTags } from './tags.ts'
import { AvailabilitySchema, listMembers, memberWithLoad, PersonName } from './team.ts'

const MePatch = z
  .strictObject({ availability: AvailabilitySchema.optional(), name: PersonName.optional() })
  .refine(nonEmpty, NON_EMPTY)

export function workspaceRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(16 * 1024))

  /** The signed-in person; an API key is nobody in particular. */
  const me = (c: Context<Env>) => {
    const { userId } = c.get('auth')
    if (!userId) {
      throw new AtlasError('bad_request', 'This is about a signed-in person; an API key has no profile')
    }
    return userId
  }
  const profile = async (tenantId: string, user: typeof users.$inferSelect | undefined) => {
    if (!user) throw new AtlasError('not_found', 'Your account does not exist any more')
    return { member: await memberWithLoad(db, tenantId, user) }
  }

  // Active teammates, with their availability and open tickets (for assigning and transferring).
  app.get('/members', async (c) =>
    c.json({ members: await listMembers(db, tenantOf(c), { includeDisabled: false }) }),
  )
  app.get('/canned-responses', async (c) =>
    c.json({ cannedResponses: await listCannedResponses(db, tenantOf(c)) }),
  )
  app.get('/tags', async (c) => c.json({ tags: await listTags(db, tenantOf(c)) }))
  app.get('/custom-fields', async (c) => c.json({ customFields: await listCustomFields(db, tenantOf(c)) }))
  app.get('/queues', async (c) => c.json({ queues: await listQueues(db, tenantOf(c)) }))

  app.get('/me', async (c) => {
    const tenantId = tenantOf(c)
    const userId = me(c)
    const [user] = await db
      .select()
      .from(users)
      .where(ownRow(users, tenantId, userId))
    return c.json(await profile(tenantId, user))
  })

  app.patch('/me', async (c) => {
    const tenantId = tenantOf(c)
    const userId = me(c)
    const body = await readBody(c, MePatch, 'profile change')
    const [user] = await db
      .update(users)
      .set(body)
      .where(ownRow(users, tenantId, userId))
      .returning()
    return c.json(await profile(tenantId, user))
  })

  return app
}
