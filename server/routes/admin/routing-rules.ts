// Routing rules: the first enabled rule (by position) whose conditions all match an escalated ticket
// decides its queue, priority, tags and the expertise its assignee needs (server/assignment).
import { and, asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { LabelledMessageSchema } from '../../../agents/local/triage-model.ts'
import { AtlasError } from '../../../common/errors.ts'
import type { Executor } from '../../../drizzle/database.ts'
import {
  queues,
  type RoutingActions,
  type RoutingConditions,
  routingRules,
} from '../../../drizzle/schema/team.ts'
import { limitBody, readBody } from '../../http/body.ts'
import { Priority, TagName } from '../../http/fields.ts'
import type { Runtime } from '../../runtime.ts'
import {
  deleteOwn,
  type Env,
  findOwn,
  found,
  idParam,
  NON_EMPTY,
  nextPosition,
  nonEmpty,
  ownRow,
  tenantOf,
} from './common.ts'
import { QueueName } from './queues.ts'

const list = <T extends z.ZodType>(item: T, max = 50) =>
  z
    .array(item)
    .max(max)
    .transform((values) => [...new Set(values)])

const Language = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like en or pt-BR')
  .transform((tag) => tag.toLowerCase())
const Country = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code like GB')
  .transform((code) => code.toUpperCase())
const Keyword = z.string().trim().min(1, 'must not be empty').max(60)
const Channel = z.enum(['widget', 'whatsapp', 'email', 'messenger', 'instagram', 'mentions'])

const Conditions = z.strictObject({
  languages: list(Language).optional(),
  countries: list(Country).optional(),
  keywords: list(Keyword, 100).optional(),
  categories: list(LabelledMessageSchema.shape.category).optional(),
  urgencies: list(LabelledMessageSchema.shape.urgency).optional(),
  priorities: list(Priority).optional(),
  channels: list(Channel).optional(),
  vip: z.boolean().optional(),
})
const Actions = z
  .strictObject({
    queue: QueueName.optional(),
    priority: Priority.optional(),
    tags: list(TagName, 20).optional(),
    expertise: z.string().trim().min(1, 'must not be empty').max(40).optional(),
  })
  .refine(
    (a) =>
      a.queue !== undefined ||
      a.priority !== undefined ||
      (a.tags?.length ?? 0) > 0 ||
      a.expertise !== undefined,
    'a rule must do something: name a queue, a priority, tags or an expertise',
  )
const Name = z.string().trim().min(1, 'must not be empty').max(120)
const Position = z.number().int('must be a whole number').min(0).max(100_000)

const CreateBody = z.strictObject({
  name: Name,
  enabled: z.boolean().optional(),
  position: Position.optional(),
  conditions: Conditions.default({}),
  actions: Actions,
})
const PatchBody = z
  .strictObject({
    name: Name.optional(),
    enabled: z.boolean().optional(),
    position: Position.optional(),
    conditions: Conditions.optional(),
    actions: Actions.optional(),
  })
  .refine(nonEmpty, NON_EMPTY)
const OrderBody = z.strictObject({
  ids: z
    .array(z.uuid('must be a rule id'))
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, 'must not list a rule twice'),
})

type Row = typeof routingRules.$inferSelect

export const routingRuleView = (row: Row) => ({
  id: row.id,
  name: row.name,
  position: row.position,
  enabled: row.enabled,
  conditions: row.conditions,
  actions: row.actions,
  createdAt: row.createdAt,
})

/** Empty lists constrain nothing: they are not stored. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as T
}

async function listRules(db: Executor, tenantId: string) {
  const rows = await db
    .select()
    .from(routingRules)
    .where(eq(routingRules.tenantId, tenantId))
    .orderBy(asc(routingRules.position), asc(routingRules.createdAt))
  return rows.map(routingRuleView)
}

/** A rule's queue must be one of this workspace's queues. */
async function checkQueue(db: Executor, tenantId: string, actions: RoutingActions) {
  if (!actions.queue) return
  const [queue] = await db
    .select({ id: queues.id })
    .from(queues)
    .where(and(eq(queues.tenantId, tenantId), eq(queues.name, actions.queue)))
  if (!queue) {
    throw new AtlasError(
      'validation_failed',
      `Invalid routing rule: there is no queue named ${actions.queue}`,
      {
        issues: [
          { path: 'actions.queue', message: `there is no queue named ${actions.queue}; create it first` },
        ],
      },
    )
  }
}

export function routingRuleRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(64 * 1024))

  app.get('/', async (c) => c.json({ routingRules: await listRules(db, tenantOf(c)) }))

  // The whole order at once: every rule of the workspace, each once, first to last.
  app.post('/order', async (c) => {
    const tenantId = tenantOf(c)
    const { ids } = await readBody(c, OrderBody, 'rule order')
    const rules = await db.transaction(async (tx) => {
      const current = await tx
        .select({ id: routingRules.id })
        .from(routingRules)
        .where(eq(routingRules.tenantId, tenantId))
        .for('update')
      const known = new Set(current.map((r) => r.id))
      const listed = new Set(ids)
      const issues = [
        ...ids.flatMap((id, i) =>
          known.has(id)
            ? []
            : [{ path: `ids.${i}`, message: `${id} is not a routing rule of this workspace` }],
        ),
        ...current
          .filter((r) => !listed.has(r.id))
          .map((r) => ({ path: 'ids', message: `rule ${r.id} is missing: list every rule` })),
      ]
      if (issues.length > 0) {
        throw new AtlasError(
          'validation_failed',
          `Invalid rule order: ${issues.map((i) => i.message).join('; ')}`,
          {
            issues,
          },
        )
      }
      for (const [position, id] of ids.entries()) {
        await tx
          .update(routingRules)
          .set({ position })
          .where(ownRow(routingRules, tenantId, id))
      }
      return listRules(tx, tenantId)
    })
    return c.json({ routingRules: rules })
  })

  app.get('/:id', async (c) => {
    const row = await findOwn(db, routingRules, tenantOf(c), idParam(c), 'Routing rule')
    return c.json({ routingRule: routingRuleView(row) })
  })

  app.post('/', async (c) => {
    const tenantId = tenantOf(c)
    const body = await readBody(c, CreateBody, 'routing rule')
    const actions = compact(body.actions) as RoutingActions
    await checkQueue(db, tenantId, actions)
    // New rules go last unless a position is given.
    const position = body.position ?? (await nextPosition(db, routingRules, tenantId))
    const [row] = await db
      .insert(routingRules)
      .values({
        tenantId,
        name: body.name,
        enabled: body.enabled ?? true,
        position,
        conditions: compact(body.conditions) as RoutingConditions,
        actions,
      })
      .returning()
    return c.json({ routingRule: routingRuleView(row!) }, 201)
  })

  app.patch('/:id', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    const body = await readBody(c, PatchBody, 'routing rule change')
    const actions = body.actions ? (compact(body.actions) as RoutingActions) : undefined
    if (actions) await checkQueue(db, tenantId, actions)
    const [row] = await db
      .update(routingRules)
      .set({
        ...body,
        ...(body.conditions ? { conditions: compact(body.conditions) as RoutingConditions } : {}),
        ...(actions ? { actions } : {}),
      })
      .where(ownRow(routingRules, tenantId, id))
      .returning()
    return c.json({ routingRule: routingRuleView(found(row, `Routing rule ${id}`)) })
  })

  app.delete('/:id', async (c) => {
    const row = await deleteOwn(db, routingRules, tenantOf(c), idParam(c), 'Routing rule')
    return c.json({ deleted: routingRuleView(row) })
  })

  return app
}
