// Queues: who takes a kind of work, and how a ticket waiting there finds its person. The name is
// what agents hand tickets to (support, billing, sales …) and what routing rules point at.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../../common/errors.ts'
import type { Executor } from '../../../drizzle/database.ts'
import { queues, routingRules, users } from '../../../drizzle/schema/team.ts'
import { limitBody, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import { type Env, findOwn, idParam, NON_EMPTY, nonEmpty, ownRow, tenantOf, unique } from './common.ts'

export const QueueName = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,39}$/,
    'must be 1–40 lowercase letters, digits, _ or - (the name agents hand tickets to, like support)',
  )
const Strategy = z.enum(['round_robin', 'least_loaded', 'manual'])
const Members = z
  .array(z.uuid('must be a user id'))
  .max(500)
  .refine((ids) => new Set(ids).size === ids.length, 'must not list a member twice')

const CreateBody = z.strictObject({
  name: QueueName,
  strategy: Strategy.optional(),
  members: Members.optional(),
})
const PatchBody = z
  .strictObject({ name: QueueName.optional(), strategy: Strategy.optional(), members: Members.optional() })
  .refine(nonEmpty, NON_EMPTY)

type Row = typeof queues.$inferSelect

export const queueView = (row: Row) => ({
  id: row.id,
  name: row.name,
  strategy: row.strategy,
  members: row.members,
  lastAssignedUserId: row.lastAssignedUserId,
  createdAt: row.createdAt,
})

export async function listQueues(db: Executor, tenantId: string) {
  const rows = await db.select().from(queues).where(eq(queues.tenantId, tenantId)).orderBy(asc(queues.name))
  return rows.map(queueView)
}

/** Every member must be a person of this workspace (another tenant's user id is just unknown here). */
async function checkMembers(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids)))
  const known = new Set(rows.map((r) => r.id))
  const issues = ids.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `members.${i}`, message: `${id} is not a member of this workspace` }],
  )
  if (issues.length > 0) {
    throw new AtlasError('validation_failed', `Invalid queue: ${issues.map((i) => i.message).join('; ')}`, {
      issues,
    })
  }
}

const taken = (name: string) => `A queue named ${name} already exists`

export function queueRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(64 * 1024))

  app.get('/', async (c) => c.json({ queues: await listQueues(db, tenantOf(c)) }))

  app.get('/:id', async (c) =>
    c.json({ queue: queueView(await findOwn(db, queues, tenantOf(c), idParam(c), 'Queue')) }),
  )

  app.post('/', async (c) => {
    const tenantId = tenantOf(c)
    const body = await readBody(c, CreateBody, 'queue')
    await checkMembers(db, tenantId, body.members ?? [])
    const [row] = await unique(
      db
        .insert(queues)
        .values({ tenantId, name: body.name, strategy: body.strategy, members: body.members ?? [] })
        .returning(),
      taken(body.name),
    )
    return c.json({ queue: queueView(row!) }, 201)
  })

  app.patch('/:id', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    const body = await readBody(c, PatchBody, 'queue change')
    if (body.members) await checkMembers(db, tenantId, body.members)
    const updated = await unique(
      db.transaction(async (tx) => {
        const queue = await findOwn(tx, queues, tenantId, id, 'Queue', true)
        const [row] = await tx
          .update(queues)
          .set(body)
          .where(ownRow(queues, tenantId, id))
          .returning()
        // Rules that send tickets here follow the rename.
        if (body.name && body.name !== queue.name) {
          await tx
            .update(routingRules)
            .set({
              actions: sql`jsonb_set(${routingRules.actions}, '{queue}', to_jsonb(${body.name}::text))`,
            })
            .where(
              and(
                eq(routingRules.tenantId, tenantId),
                sql`${routingRules.actions}->>'queue' = ${queue.name}`,
              ),
            )
        }
        return row!
      }),
      taken(body.name ?? ''),
    )
    return c.json({ queue: queueView(updated) })
  })

  app.delete('/:id', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    const deleted = await db.transaction(async (tx) => {
      const queue = await findOwn(tx, queues, tenantId, id, 'Queue', true)
      const rules = await tx
        .select({ name: routingRules.name })
        .from(routingRules)
        .where(
          and(eq(routingRules.tenantId, tenantId), sql`${routingRules.actions}->>'queue' = ${queue.name}`),
        )
      if (rules.length > 0) {
        throw new AtlasError(
          'conflict',
          `Routing rules send tickets to ${queue.name} (${rules.map((r) => r.name).join(', ')}); change or delete them first`,
        )
      }
      await tx.delete(queues).where(ownRow(queues, tenantId, id))
      return queue
    })
    return c.json({ deleted: queueView(deleted) })
  })

  return app
}
