// What the admin and workspace routes share: the Hono env, reading a row of the caller's tenant
// (another tenant's id answers 404 like an unknown one), and turning a unique-index violation
// into a 409 that says which value is taken.
import { and, eq, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Context } from 'hono'
import { AtlasError } from '../../../common/errors.ts'
import type { Executor } from '../../../drizzle/database.ts'
import type { AuthVariables } from '../../http/auth.ts'
import { param, UuidParam } from '../../http/body.ts'

export type Env = { Variables: AuthVariables }

export const tenantOf = (c: Context<Env>) => c.get('auth').tenantId

/** The `:id` path parameter: a UUID, or 404 (a malformed id names nothing). */
export const idParam = (c: Context<Env>, name = 'id') => param(c, name, UuidParam)

/** The row, or 404 saying what was looked for. */
export function found<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new AtlasError('not_found', `${what} does not exist`)
  return row
}

/** A table whose rows belong to a tenant and have a UUID `id`. */
type TenantTable = PgTable & { id: PgColumn; tenantId: PgColumn }
type RowOf<T extends TenantTable> = T['$inferSelect']

/** The row `id` of the tenant (the where clause). */
export const ownRow = (table: TenantTable, tenantId: string, id: string) =>
  and(eq(table.tenantId, tenantId), eq(table.id, id))

/** The tenant's row `id` (locked for update when asked), or 404 naming `what`. */
export async function findOwn<T extends TenantTable>(
  db: Executor,
  table: T,
  tenantId: string,
  id: string,
  what: string,
  lock = false,
): Promise<RowOf<T>> {
  const query = db
    .select()
    .from(table as PgTable)
    .where(ownRow(table, tenantId, id))
  const [row] = lock ? await query.for('update') : await query
  return found(row as RowOf<T> | undefined, `${what} ${id}`)
}

/** Deletes the tenant's row `id` and returns it, or 404 naming `what`. */
export async function deleteOwn<T extends TenantTable>(
  db: Executor,
  table: T,
  tenantId: string,
  id: string,
  what: string,
): Promise<RowOf<T>> {
  const [row] = await db
    .delete(table as PgTable)
    .where(ownRow(table, tenantId, id))
    .returning()
  return found(row as RowOf<T> | undefined, `${what} ${id}`)
}

/** The position after the tenant's last row (0 for the first): where a new row goes by default. */
export async function nextPosition(
  db: Executor,
  table: TenantTable & { position: PgColumn },
  tenantId: string,
): Promise<number> {
  const [row] = await db
    .select({ next: sql<number>`coalesce(max(${table.position}) + 1, 0)` })
    .from(table as PgTable)
    .where(eq(table.tenantId, tenantId))
  return Number(row?.next ?? 0)
}

/** True when a database error (possibly wrapped by drizzle) is a unique-index violation. */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if ((current as { code?: unknown }).code === '23505') return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** Runs a write; a unique violation becomes a 409 `conflict` with `message`. */
export async function unique<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write
  } catch (error) {
    if (isUniqueViolation(error)) throw new AtlasError('conflict', message, { cause: error })
    throw error
  }
}

/** A PATCH body must change something. */
export const nonEmpty = <T extends Record<string, unknown>>(body: T) => Object.keys(body).length > 0
export const NON_EMPTY = 'name at least one field to change'

/** A tag name as tickets carry it (no commas: lists are comma-separated in places). */
