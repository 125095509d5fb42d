// Queue depth and the age of the oldest waiting job, per pg-boss queue, read from pgboss.job when the
// metrics are collected (only when a meter provider is registered: otherwise never).
import type { BatchObservableResult } from '@opentelemetry/api'
import { instruments } from '../../common/metrics.ts'
import type { Database } from '../../drizzle/database.ts'
import { JOB_SCHEMA } from './job-store.ts'
import { DEAD_LETTER_QUEUE, QUEUES } from './queues.ts'

const NAMES = [...Object.values(QUEUES), DEAD_LETTER_QUEUE]

/** Starts observing; returns the function that stops it (before the database closes). */
export function observeQueues(database: Database): () => void {
  const { meter } = instruments()
  const depth = meter.createObservableGauge('atlas.queue.depth', {
    description: 'Jobs ready to run and waiting for a worker (due, not yet started)',
    unit: '{job}',
  })
  const oldest = meter.createObservableGauge('atlas.queue.oldest_age', {
    description: 'How long the oldest ready job has waited since it was due',
    unit: 's',
  })
  const observe = async (result: BatchObservableResult) => {
    const rows = await database.query<{ name: string; depth: number; oldest: number | null }>(
      `select name, count(*)::int as depth, extract(epoch from now() - min(start_after))::float8 as oldest
         from ${JOB_SCHEMA}.job where state in ('created', 'retry') and start_after <= now() group by name`,
    )
    const byName = new Map(rows.map((row) => [row.name, row]))
    for (const name of NAMES) {
      const row = byName.get(name)
      const attributes = { 'messaging.system': 'pg-boss', 'messaging.destination.name': name }
      result.observe(depth, Number(row?.depth ?? 0), attributes)
      result.observe(oldest, Math.max(0, Number(row?.oldest ?? 0)), attributes)
    }
  }
  meter.addBatchObservableCallback(observe, [depth, oldest])
  return () => meter.removeBatchObservableCallback(observe, [depth, oldest])
}
