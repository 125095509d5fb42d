// Cassettes: record a real OpenAI-compatible model's HTTP answers once, replay them offline. The
// model client gets a `fetch` that, when recording, passes each request through and stores the
// response under a key of the request (method, path, canonical JSON body); when replaying, answers
// from the file and fails loudly on any request it has not seen — a changed prompt is a new request.
// Database ids (UUIDs: passage ids in a prompt, cited back in the answer) differ on every run, so a
// request is keyed with its UUIDs numbered in order of appearance, and a replayed answer gets the
// new run's ids back in their places.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'

const InteractionSchema = z.object({
  key: z.string(),
  request: z.object({ method: z.string(), path: z.string(), body: z.unknown() }),
  response: z.object({ status: z.number().int(), contentType: z.string(), body: z.string() }),
})
type Interaction = z.infer<typeof InteractionSchema>

const CassetteSchema = z.object({
  version: z.literal(1),
  /** The model the calls were recorded with: a replay must ask the same model, or every key differs. */
  model: z.string().nullable(),
  interactions: z.array(InteractionSchema),
})

export class CassetteMissError extends AtlasError {
  constructor(message: string) {
    super('bad_request', message)
    this.name = 'CassetteMissError'
  }
}

export class Cassette {
  readonly file: string
  readonly mode: 'record' | 'replay'
  readonly #byKey = new Map<string, Interaction>()
  readonly #upstream: typeof fetch
  /** Requests replay could not answer (each also failed its call). */
  readonly misses: Array<{ key: string; path: string; excerpt: string }> = []
  recorded = 0
  replayed = 0
  /** The recorded model (replay), or the model seen first (record). */
  model: string | null = null

  constructor(file: string, mode: 'record' | 'replay', upstream: typeof fetch = globalThis.fetch) {
    this.file = file
    this.mode = mode
    this.#upstream = upstream
    if (mode === 'replay') {
      if (!existsSync(file))
        throw new CassetteMissError(`No cassette at ${file}: record one first with --record`)
      const parsed = CassetteSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
      if (!parsed.success)
        throw new AtlasError(
          'config_invalid',
          `${file} is not a cassette: ${parsed.error.issues[0]?.message}`,
        )
      for (const i of parsed.data.interactions) this.#byKey.set(i.key, i)
      this.model = parsed.data.model
    }
  }

  /** The `fetch` to give the model client. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const path = new URL(request.url).pathname
    const text = request.method === 'GET' ? '' : await request.text()
    const body = parseBody(text)
    const ids = idsIn(canonical(body))
    const key = keyOf(request.method, path, body)
    if (
      this.mode === 'record' &&
      this.model === null &&
      body &&
      typeof body === 'object' &&
      'model' in body
    ) {
      this.model = String(body.model)
    }
    if (this.mode === 'replay') {
      const hit = this.#byKey.get(key)
      if (!hit) {
        this.misses.push({ key, path, excerpt: lastUserMessage(body) ?? text.slice(0, 300) })
        throw new CassetteMissError(
          `Request ${request.method} ${path} (key ${key.slice(0, 12)}) is not in the cassette ${this.file}; re-record with --record`,
        )
      }
      this.replayed++
      return new Response(restoreIds(hit.response.body, ids), {
        status: hit.response.status,
        headers: { 'content-type': hit.response.contentType },
      })
    }
    const response = await this.#upstream(request.url, {
      method: request.method,
      headers: request.headers,
      ...(text ? { body: text } : {}),
    })
    const responseText = await response.text()
    // Only answers are worth replaying: a 429 or 500 recorded would replay an outage.
    if (response.ok && !this.#byKey.has(key)) {
      this.#byKey.set(key, {
        key,
        request: { method: request.method, path, body: JSON.parse(placeholders(canonical(body), ids)) },
        response: {
          status: response.status,
          contentType: response.headers.get('content-type') ?? 'application/json',
          body: placeholders(responseText, ids),
        },
      })
      this.recorded++
    }
    return new Response(responseText, { status: response.status, headers: response.headers })
  }

  /** Writes the recorded interactions (sorted by key, so re-recording the same run changes nothing). */
  save(): void {
    if (this.mode !== 'record') return
    mkdirSync(dirname(this.file), { recursive: true })
    const interactions = [...this.#byKey.values()].sort((a, b) => a.key.localeCompare(b.key))
    writeFileSync(this.file, `${JSON.stringify({ version: 1, model: this.model, interactions }, null, 1)}\n`)
  }
}

/** What the request asked, for the error: the last user message of a chat request. */
function lastUserMessage(body: unknown): string | null {
  const messages = (body as { messages?: Array<{ role?: string; content?: unknown }> } | null)?.messages
  const last = Array.isArray(messages) ? messages.filter((m) => m.role === 'user').at(-1) : undefined
  return typeof last?.content === 'string' ? last.content.replace(/\s+/g, ' ').slice(0, 300) : null
}

function parseBody(text: string): unknown {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function keyOf(method: string, path: string, body: unknown): string {
  const text = canonical(body)
  return createHash('sha256')
    .update(`${method} ${path}\n${placeholders(text, idsIn(text))}`)
    .digest('hex')
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** The UUIDs in a text, each once, in order of first appearance. */
function idsIn(text: string): string[] {
  return [...new Set(text.match(UUID) ?? [])]
}

function placeholders(text: string, ids: readonly string[]): string {
  const index = new Map(ids.map((id, i) => [id, i + 1]))
  return text.replace(UUID, (id) => (index.has(id) ? `~id${index.get(id)}~` : id))
}

function restoreIds(text: string, ids: readonly string[]): string {
  return text.replace(/~id(\d+)~/g, (whole, n: string) => ids[Number(n) - 1] ?? whole)
}

/** JSON with object keys sorted, so the same request always has the same key. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
