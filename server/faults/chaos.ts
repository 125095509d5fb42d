// Randomness a fault scenario can replay: every scenario prints its seed, and FAULT_SEED=<seed>
// runs the same kill moments and failure mix again.
import type { Database } from '../../drizzle/database.ts'

export interface Chaos {
  readonly seed: number
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number
  pick<T>(items: readonly T[]): T
}

export function chaos(seed = Number(process.env.FAULT_SEED) || Date.now() % 2 ** 31): Chaos {
  // mulberry32: small, fast and good enough to spread kill moments.
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    seed,
    next,
    between: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  }
}

/** Jobs running right now, by queue: what a kill or a stop interrupts. */
export async function activeJobs(database: Pick<Database, 'query'>): Promise<Record<string, number>> {
  const rows = await database.query<{ name: string; count: number }>(
    `select name, count(*)::int as count from pgboss.job where state = 'active' group by name`,
  )
  return Object.fromEntries(rows.map((r) => [r.name, r.count]))
}
