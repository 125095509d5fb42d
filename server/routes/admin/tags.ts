// Tags: the workspace's list of ticket labels, with a colour. Names are unique per workspace.
// Renaming or deleting a tag changes the list operators pick from; tickets keep the names they carry.
import { asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import type { Executor } from '../../../drizzle/database.ts'
import { tags } from '../../../drizzle/schema/team.ts'
import { limitBody, readBody } from '../../http/body.ts'
import { TagName } from '../../http/fields.ts'
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

const Color = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #0ea5e9')
  .transform((c) => c.toLowerCase())

const CreateBody = z.strictObject({ name: TagName, color: Color.optional() })
const PatchBody = z
  .strictObject({ name: TagName.optional(), color: Color.optional() })
  .refine(nonEmpty, NON_EMPTY)

type Row = typeof tags.$inferSelect

export const tagView = (row: Row) => ({
  id: row.id,
  name: row.name,
  color: row.color,
  createdAt: row.createdAt,
})

export async function listTags(db: Executor, tenantId: string) {
  const rows = await db.select().from(tags).where(eq(tags.tenantId, tenantId)).orderBy(asc(tags.name))
  return rows.map(tagView)
}

const taken = (name: string) => `A tag named "${name}" already exists`

export function tagRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(16 * 1024))

  app.get('/', async (c) => c.json({ tags: await listTags(db, tenantOf(c)) }))

  app.get('/:id', async (c) =>
    c.json({ tag: tagView(await findOwn(db, tags, tenantOf(c), idParam(c), 'Tag')) }),
  )

  app.post('/', async (c) => {
    const body = await readBody(c, CreateBody, 'tag')
    const [row] = await unique(
      db
        .insert(tags)
        .values({ tenantId: tenantOf(c), ...body })
        .returning(),
      taken(body.name),
    )
    return c.json({ tag: tagView(row!) }, 201)
  })

  app.patch('/:id', async (c) => {
    const id = idParam(c)
    const body = await readBody(c, PatchBody, 'tag change')
    const [row] = await unique(
      db
        .update(tags)
        .set(body)
        .where(ownRow(tags, tenantOf(c), id))
        .returning(),
      taken(body.name ?? ''),
    )
    return c.json({ tag: tagView(found(row, `Tag ${id}`)) })
  })

  app.delete('/:id', async (c) =>
    c.json({ deleted: tagView(await deleteOwn(db, tags, tenantOf(c), idParam(c), 'Tag')) }),
  )

  return app
}
