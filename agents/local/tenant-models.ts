// The local model per tenant: the shipped training data plus the tenant's own labelled examples and
// operators' corrections. Tenants without any share one model. A model is retrained only when the
// tenant's examples change (the retrain job does it ahead of time; a turn that finds it stale
// trains it itself), and loaded from the disk cache when the same data was trained before.
import { createHash } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import type { Logger } from '../../common/logger.ts'
import type { Executor } from '../../drizzle/database.ts'
import { trainingExamples } from '../../drizzle/schema/customer-success.ts'
import { LocalModel } from './local-model.ts'
import { loadOrTrainTriage } from './model-cache.ts'
import { type PartialLabelledMessage, TRIAGE_HEADS } from './triage-model.ts'

/** An operator's correction counts as this many examples: one careful label outweighs a guess. */
export const CORRECTION_WEIGHT = 5

interface Entry {
  hash: string
  model: Promise<LocalModel>
}

export class LocalModels {
  readonly #base: LocalModel
  readonly #entries = new Map<string, Entry>()
  readonly #cacheDir: string | undefined
  readonly #logger: Logger | undefined

  constructor(options: { base: LocalModel; cacheDir?: string | undefined; logger?: Logger | undefined }) {
    this.#base = options.base
    this.#cacheDir = options.cacheDir
    this.#logger = options.logger
  }

  async forTenant(db: Executor, tenantId: string): Promise<LocalModel> {
    const examples = await tenantExamples(db, tenantId)
    if (examples.length === 0) return this.#base
    const hash = createHash('sha256').update(JSON.stringify(examples)).digest('hex').slice(0, 16)
    const current = this.#entries.get(tenantId)
    if (current?.hash === hash) return current.model
    const model = Promise.resolve().then(
      () => new LocalModel(loadOrTrainTriage(this.#cacheDir, examples, this.#logger)),
    )
    this.#entries.set(tenantId, { hash, model })
    model.catch(() => this.#entries.delete(tenantId))
    return model
  }
}

export async function tenantExamples(db: Executor, tenantId: string): Promise<PartialLabelledMessage[]> {
  const rows = await db
    .select({ text: trainingExamples.text, labels: trainingExamples.labels, source: trainingExamples.source })
    .from(trainingExamples)
    .where(eq(trainingExamples.tenantId, tenantId))
    .orderBy(asc(trainingExamples.createdAt), asc(trainingExamples.id))
  return rows.flatMap((row) => {
    const example: PartialLabelledMessage = { text: row.text }
    for (const head of TRIAGE_HEADS) if (row.labels[head]) example[head] = row.labels[head]
    return Array.from({ length: row.source === 'correction' ? CORRECTION_WEIGHT : 1 }, () => example)
  })
}
