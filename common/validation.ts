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

/**
 * Where the first text PostgreSQL cannot store is in a parsed JSON value (a string or a key), and
 * why: U+0000 (NUL), which text and jsonb refuse, or a lone UTF-16 surrogate, which jsonb refuses
 * (and text would turn into U+FFFD). Null when there is none. Iterative: bodies may nest thousands deep.
 */
export function unstorableText(value: unknown): { path: string; problem: string } | null {
  const stack: Array<{ node: unknown; path: string }> = [{ node: value, path: '(root)' }]
  const problem = (text: string) =>
    text.includes('\u0000')
      ? 'must not contain NUL (\\u0000)'
      : text.isWellFormed()
        ? null
        : 'must not contain a lone surrogate (\\ud800–\\udfff)'
  while (stack.length > 0) {
    const { node, path } = stack.pop()!
    if (typeof node === 'string') {
      const found = problem(node)
      if (found) return { path, problem: found }
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], path: `${path}.${i}` })
    } else if (isPlainObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        const at = path === '(root)' ? key : `${path}.${key}`
        const found = problem(key)
        if (found) return { path: at, problem: `keys ${found.replace('must', 'must also')}` }
        stack.push({ node: child, path: at })
      }
    }
  }
  return null
}

/**
 * The value with its strings and keys made storable: NUL removed, lone surrogates replaced by U+FFFD.
 * Other objects (bytes, dates) are kept as they are.
 */
export function storableText<T>(value: T): T {
  if (unstorableText(value) === null) return value
  const text = (s: string) => s.replaceAll('\u0000', '').toWellFormed()
  const clean = (node: unknown): unknown => {
    if (typeof node === 'string') return text(node)
    if (Array.isArray(node)) return node.map(clean)
    if (isPlainObject(node))
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [text(k), clean(v)]))
    return node
  }
  return clean(value) as T
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
