// Benchmark data handling: JSONL rows {text, label}, and seeded stratified hold-outs for datasets
// that ship only a train split (HINT3): a share of each class's rows, optionally whole classes too.

import { readFileSync } from 'node:fs'

export interface Row {
  text: string
  label: string
}

export function readJsonl(path: string): Row[] {
  const rows: Row[] = []
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return
      const row = JSON.parse(line) as Partial<Row>
      if (typeof row.text !== 'string' || typeof row.label !== 'string') {
        throw new Error(`${path}:${i + 1}: expected {"text": string, "label": string}`)
      }
      rows.push({ text: row.text, label: row.label })
    })
  return rows
}

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

export interface HoldoutOptions {
  /** Share of each remaining class's rows moved to the test split (at least one if the class has 2+). */
  fraction: number
  /** Share of classes removed from training entirely; their rows join the test split as out of scope. */
  classFraction: number
  oosLabel: string
  seed: number
}

export function stratifiedHoldout(
  rows: readonly Row[],
  options: HoldoutOptions,
): { train: Row[]; test: Row[] } {
  const random = rng(options.seed)
  const byLabel = new Map<string, Row[]>()
  for (const r of rows) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r])
  const labels = shuffled([...byLabel.keys()].sort(), random)
  const hiddenCount = Math.round(labels.length * options.classFraction)
  const hidden = new Set(labels.slice(0, hiddenCount))
  const train: Row[] = []
  const test: Row[] = []
  for (const label of [...byLabel.keys()].sort()) {
    const members = shuffled(byLabel.get(label)!, random)
    if (hidden.has(label)) {
      for (const r of members) test.push({ text: r.text, label: options.oosLabel })
      continue
    }
    const take = members.length < 2 ? 0 : Math.max(1, Math.round(members.length * options.fraction))
    test.push(...members.slice(0, take))
    train.push(...members.slice(take))
  }
  return { train, test }
}
