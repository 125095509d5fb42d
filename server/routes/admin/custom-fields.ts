// Custom fields: what an admin adds to customer profiles (plan, account id, renewal date …). The
// key is what contacts' values are stored under, so it cannot change; a `select` needs its options.
import { asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../../common/errors.ts'
import type { Executor } from '../../../drizzle/database.ts'
import { type CustomFieldType, customFields } from '../../../drizzle/schema/team.ts'
import { limitBody, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import {
  deleteOwn,
  type Env,
  findOwn,
  idParam,
  NON_EMPTY,
  nextPosition,
  nonEmpty,
  ownRow,
  tenantOf,
  unique,
} from './common.ts'

const Key = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9_]{0,39}$/,
    'must be 1–40 lowercase letters, digits or _, starting with a letter (like renewal_date)',
  )
const Label = z.string().trim().min(1, 'must not be empty').max(80)
const FieldType = z.enum(['text', 'number', 'boolean', 'date', 'select'])
const Options = z
  .array(z.string().trim().min(1, 'must not be empty').max(80))
  .max(100)
  .refine((list) => new Set(list).size === list.length, 'must not repeat an option')
const Position = z.number().int('must be a whole number').min(0).max(10_000)

const CreateBody = z.strictObject({
  key: Key,
  label: Label,
  type: FieldType,
  options: Options.optional(),
  position: Position.optional(),
})
const PatchBody = z
  .strictObject({
    label: Label.optional(),
    type: FieldType.optional(),
    options: Options.optional(),
    position: Position.optional(),
  })
  .refine(nonEmpty, NON_EMPTY)

type Row = typeof customFields.$inferSelect

export const customFieldView = (row: Row) => ({
  id: row.id,
  key: row.key,
  label: row.label,
  type: row.type,
  options: row.options,
  position: row.position,
  createdAt: row.createdAt,
})

export async function listCustomFields(db: Executor, tenantId: string) {
  const rows = await db
    .select()
    .from(customFields)
    .where(eq(customFields.tenantId, tenantId))
    .orderBy(asc(customFields.position), asc(customFields.key))
  return rows.map(customFieldView)
}

/** A select field lists its choices; other types have none. */
function checkOptions(type: CustomFieldType, options: string[]) {
  if (type === 'select' && options.length === 0) {
    throw new AtlasError('validation_failed', 'Invalid custom field: a select field needs options', {
      issues: [{ path: 'options', message: 'a select field needs at least one option' }],
    })
  }
  if (type !== 'select' && options.length > 0) {
    throw new AtlasError('validation_failed', `Invalid custom field: a ${type} field has no options`, {
      issues: [{ path: 'options', message: 'only a select field has options' }],
    })
  }
}

export function customFieldRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(32 * 1024))

  app.get('/', async (c) => c.json({ customFields: await listCustomFields(db, tenantOf(c)) }))

  app.get('/:id', async (c) => {
    const row = await findOwn(db, customFields, tenantOf(c), idParam(c), 'Custom field')
    return c.json({ customField: customFieldView(row) })
  })

  app.post('/', async (c) => {
    const tenantId = tenantOf(c)
    const body = await readBody(c, CreateBody, 'custom field')
    const options = body.options ?? []
    checkOptions(body.type, options)
    // New fields go to the end unless a position is given.
    const position = body.position ?? (await nextPosition(db, customFields, tenantId))
    const [row] = await unique(
      db
        .insert(customFields)
        .values({ tenantId, key: body.key, label: body.label, type: body.type, options, position })
        .returning(),
      `A custom field with key ${body.key} already exists`,
    )
    return c.json({ customField: customFieldView(row!) }, 201)
  })

  app.patch('/:id', async (c) => {
    const tenantId = tenantOf(c)
    const id = idParam(c)
    const body = await readBody(c, PatchBody, 'custom field change')
    const updated = await db.transaction(async (tx) => {
      const field = await findOwn(tx, customFields, tenantId, id, 'Custom field', true)
      const type = body.type ?? field.type
      // Changing away from select drops the options unless new ones are given (and then refused).
      const options = body.options ?? (type === 'select' ? field.options : [])
      checkOptions(type, options)
      const [row] = await tx
        .update(customFields)
        .set({ ...body, options })
        .where(ownRow(customFields, tenantId, id))
        .returning()
      return row!
    })
    return c.json({ customField: customFieldView(updated) })
  })

  app.delete('/:id', async (c) => {
    const row = await deleteOwn(db, customFields, tenantOf(c), idParam(c), 'Custom field')
    return c.json({ deleted: customFieldView(row) })
  })

  return app
}
