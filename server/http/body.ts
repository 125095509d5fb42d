// Reading request input: JSON bodies (with a size limit and a content-type check) and path/query
// parameters, each validated with zod so bad input is a 4xx that says what is wrong.
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput, unstorableText } from '../../common/validation.ts'
import { errorResponse } from './errors.ts'

export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      errorResponse(
        c,
        new AtlasError('payload_too_large', `The request body is larger than ${maxBytes} bytes`),
      ),
  })
}

/** The raw JSON body; an empty body reads as `{}` so endpoints without input accept a bare POST. */
export async function readJson(c: Context, options: { allowEmpty?: boolean } = {}): Promise<unknown> {
  let text: string
  try {
    // Fatal: a body that is not UTF-8 is refused, not stored with replacement characters.
    text = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer())
  } catch {
    throw new AtlasError('bad_request', 'The request body is not valid UTF-8')
  }
  if (text.trim().length === 0) {
    if (options.allowEmpty) return {}
    throw new AtlasError('bad_request', 'The request body is empty; send a JSON object')
  }
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new AtlasError(
      'unsupported_media_type',
      `Send the body as application/json (got "${type || 'no content type'}")`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // SyntaxError, or RangeError on absurd nesting: either way the body is bad.
    throw new AtlasError(
      'bad_request',
      `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    )
  }
  refuseUnstorable(value, 'request body')
  return value
}

/** Text PostgreSQL cannot store (NUL, lone surrogates): say where it is rather than fail in a query. */
export function refuseUnstorable(value: unknown, what: string): void {
  const found = unstorableText(value)
  if (found) {
    throw new AtlasError(
      'bad_request',
      `The ${what} has text that cannot be stored at ${found.path}: it ${found.problem}`,
      {
        issues: [{ path: found.path, message: found.problem }],
      },
    )
  }
}

/**
 * A browser form's fields (urlencoded or multipart). A body that is not a readable form is a 400,
 * not a crash in the parser; text that cannot be stored is refused as in JSON.
 */
export async function readForm(c: Context): Promise<Record<string, string | File>> {
  let form: Record<string, string | File>
  try {
    form = await c.req.parseBody()
  } catch {
    throw new AtlasError('bad_request', 'The request body is not a form this page can read')
  }
  refuseUnstorable(form, 'form')
  return form
}

export async function readBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what: string,
  options: { allowEmpty?: boolean } = {},
): Promise<z.output<S>> {
  return parseInput(schema, await readJson(c, options), what)
}

export const UuidParam = z.uuid('must be a UUID')

export function param<S extends z.ZodType>(c: Context, name: string, schema: S): z.output<S> {
  return parseInput(schema, c.req.param(name), `path parameter ${name}`, 'not_found')
}
