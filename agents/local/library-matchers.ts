// One passage matcher per tenant, kept current with its Library: the passages are read on each use
// (one indexed query), and a matcher is retrained only when their content changed — loaded from the
// disk cache when the same content was trained before. Concurrent requests share one training.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { asc, eq } from 'drizzle-orm'
import type { Logger } from '../../common/logger.ts'
import type { Executor } from '../../drizzle/database.ts'
import { libraryDocuments, libraryPassages } from '../../drizzle/schema/library.ts'
import { modelKey } from './model-cache.ts'
import { type LibraryPassage, PassageMatcher, type SerializedPassageMatcher } from './passage-matcher.ts'

interface Entry {
  hash: string
  matcher: Promise<PassageMatcher | null>
}

export class LibraryMatchers {
  readonly #entries = new Map<string, Entry>()
  readonly #cacheDir: string | undefined
  readonly #logger: Logger | undefined

  constructor(options: { cacheDir?: string | undefined; logger?: Logger | undefined } = {}) {
    this.#cacheDir = options.cacheDir
    this.#logger = options.logger
  }

  async forTenant(db: Executor, tenantId: string): Promise<PassageMatcher | null> {
    const passages = await loadPassages(db, tenantId)
    // Content only (no database ids): the same Library trains the same matcher anywhere.
    const content = passages.map(({ passageId: _p, documentId: _d, ...rest }) => rest)
    const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)
    const current = this.#entries.get(tenantId)
    if (current?.hash === hash) return current.matcher
    const matcher = Promise.resolve().then(() => this.#build(passages, hash))
    this.#entries.set(tenantId, { hash, matcher })
    matcher.catch(() => this.#entries.delete(tenantId))
    return matcher
  }

  #build(passages: LibraryPassage[], hash: string): PassageMatcher | null {
    // The key covers the passages and the engine's code: either changing retrains.
    const path = this.#cacheDir ? join(this.#cacheDir, `library-${hash}-${modelKey([])}.json`) : undefined
    if (path && existsSync(path)) {
      try {
        return PassageMatcher.load(
          JSON.parse(readFileSync(path, 'utf8')) as SerializedPassageMatcher,
          passages,
        )
      } catch (error) {
        this.#logger?.warn({ err: error, path }, 'cached library matcher unreadable; retraining')
      }
    }
    const started = performance.now()
    const matcher = PassageMatcher.train(passages)
    this.#logger?.info(
      { passages: passages.length, ms: Math.round(performance.now() - started) },
      'library matcher trained',
    )
    if (matcher && path && this.#cacheDir) {
      mkdirSync(this.#cacheDir, { recursive: true })
      const partial = `${path}.${process.pid}.partial`
      writeFileSync(partial, JSON.stringify(matcher.toJSON()))
      renameSync(partial, path)
    }
    return matcher
  }
}

export async function loadPassages(db: Executor, tenantId: string): Promise<LibraryPassage[]> {
  const rows = await db
    .select({
      passageId: libraryPassages.id,
      documentId: libraryPassages.documentId,
      slug: libraryDocuments.slug,
      title: libraryDocuments.title,
      heading: libraryPassages.heading,
      url: libraryDocuments.url,
      body: libraryPassages.body,
      ordinal: libraryPassages.ordinal,
    })
    .from(libraryPassages)
    .innerJoin(libraryDocuments, eq(libraryDocuments.id, libraryPassages.documentId))
    .where(eq(libraryPassages.tenantId, tenantId))
    .orderBy(asc(libraryDocuments.slug), asc(libraryPassages.ordinal))
  return rows
}
