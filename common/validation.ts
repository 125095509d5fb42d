// zod at the edges: parse external input or throw an AtlasError that lists every problem by path.
import type { z } from 'zod'
import { AtlasError, type ErrorCode } from './errors.ts'

export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  code: ErrorCode = 'validation_failed',
): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }))
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  throw new AtlasError(code, `Invalid ${what}: ${summary}`, { issues })
}
