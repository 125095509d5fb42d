// Canned responses: saved replies an operator inserts by typing `/shortcut`. Shortcuts are unique
// per workspace.
import { asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import type { Executor } from '../../../drizzle/database.ts'
import { cannedResponses } from '../../../drizzle/schema/team.ts'
import { limitBody, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import {
  deleteOwn,
  type Env,
  findOwn,
  found,
  idParam,
  NON_EMPTY,
  nonEmpty,
  ownRow,
  tenantOf,
  unique,
} from './common.ts'

const Shortcut = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,31}$/,
    'must be 1–32 lowercase letters, digits, _ or -, starting with a letter or digit',
  )
const Title = z.string().trim().min(1, 'must not be empty').max(120)
const Body = z.string().trim().min(1, 'must not be empty').max(10_000)

const CreateBody = z.strictObject({ shortcut: Shortcut, title: Title, body: Body })
const PatchBody = z
  .strictObject({ shortcut: Shortcut.optional(), title: Title.optional(), body: Body.optional() })
  .refine(nonEmpty, NON_EMPTY)

type Row = typeof cannedResponses.$inferSelect

export function cannedResponseView(row: Row) {
  return {
    id: row.id,
    shortcut: row.shortcut,
    title: row.title,
    body: row.body,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export async function listCannedResponses(db: Executor, tenantId: string) {
  const rows = await db
    .select()
    .from(cannedResponses)
    .where(eq(cannedResponses.tenantId, tenantId))
    .orderBy(asc(cannedResponses.shortcut))
  return rows.map(cannedResponseView)
}

const taken = (shortcut: string) => `The shortcut /${shortcut} is already used by another canned response`

export function cannedResponseRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(64 * 1024))

  app.get('/', async (c) => c.json({ cannedResponses: await listCannedResponses(db, tenantOf(c)) }))

  app.get('/:id', async (c) => {
    const row = await findOwn(db, cannedResponses, tenantOf(c), idParam(c), 'Canned response')
    return c.json({ cannedResponse: cannedResponseView(row) })
  })

  app.post('/', async (c) => {
    const body = await readBody(c, CreateBody, 'canned response')
    const [row] = await unique(
      db
        .insert(cannedResponses)
        .values({ tenantId: tenantOf(c), ...body, createdBy: c.get('auth').operator })
        .returning(),
      taken(body.shortcut),
    )
    return c.json({ cannedResponse: cannedResponseView(row!) }, 201)
  })

  app.patch('/:id', async (c) => {
    const id = idParam(c)
    const body = await readBody(c, PatchBody, 'canned response change')
    const [row] = await unique(
      db
        .update(cannedResponses)
        .set({ ...body, updatedAt: new Date() })
        .where(ownRow(cannedResponses, tenantOf(c), id))
        .returning(),
      taken(body.shortcut ?? ''),
    )
    return c.json({ cannedResponse: cannedResponseView(found(row, `Canned response ${id}`)) })
  })

  app.delete('/:id', async (c) => {
    const row = await deleteOwn(db, cannedResponses, tenantOf(c), idParam(c), 'Canned response')
    return c.json({ deleted: cannedResponseView(row) })
  })

  return app
}
