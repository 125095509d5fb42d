// Training the local model takes seconds; loading it takes milliseconds. The trained model is
// cached on disk under a key made of everything that determines it (the training data and the
// engine's source), so a change to either retrains and nothing stale is ever loaded.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '../../common/logger.ts'
import {
  type PartialLabelledMessage,
  type SerializedTriageModel,
  shippedExamples,
  TriageModel,
} from './triage-model.ts'

const HERE = fileURLToPath(new URL('.', import.meta.url))

export function modelKey(examples: readonly PartialLabelledMessage[]): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify(examples))
  for (const dir of [HERE, join(HERE, 'nlu')]) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .sort()) {
      hash.update(file).update(readFileSync(join(dir, file)))
    }
  }
  return hash.digest('hex').slice(0, 16)
}

export function loadOrTrainTriage(
  cacheDir: string | undefined,
  extra: readonly PartialLabelledMessage[] = [],
  logger?: Logger,
): TriageModel {
  const examples = [...shippedExamples(), ...extra]
  if (!cacheDir) return TriageModel.train(examples)
  const path = join(cacheDir, `triage-${modelKey(examples)}.json`)
  if (existsSync(path)) {
    try {
      return TriageModel.load(JSON.parse(readFileSync(path, 'utf8')) as SerializedTriageModel)
    } catch (error) {
      logger?.warn({ err: error, path }, 'cached model unreadable; retraining')
    }
  }
  const started = performance.now()
  const model = TriageModel.train(examples)
  logger?.info(
    { ms: Math.round(performance.now() - started), examples: examples.length },
    'local model trained',
  )
  mkdirSync(cacheDir, { recursive: true })
  // Write then rename: a crash mid-write never leaves a half file under the final name.
  const partial = `${path}.${process.pid}.partial`
  writeFileSync(partial, JSON.stringify(model.toJSON()))
  renameSync(partial, path)
  return model
}
