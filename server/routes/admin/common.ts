// What the admin and workspace routes share: the Hono env, reading a row of the caller's tenant
// (another tenant's id answers 404 like an unknown one), and turning a unique-index violation
// into a 409 that says which value is taken.
import type { Context } from 'hono'
import { z } from 'zod'
import { AtlasError } from '../../../common/errors.ts'
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
export const TagName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40)
  .regex(/^[^\s,][^,]*$/, 'must not contain commas')

export const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent'])
