// JSONL reading and the seeded, stratified hold-outs used for datasets without a test split.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Row, readJsonl, stratifiedHoldout } from './data.ts'

const rows: Row[] = []
for (const label of ['a', 'b', 'c', 'd'])
  for (let i = 0; i < 10; i++) rows.push({ text: `${label} ${i}`, label })

describe('stratifiedHoldout', () => {
  it('holds out the same share of every class, deterministically', () => {
    const split = stratifiedHoldout(rows, { fraction: 0.2, classFraction: 0, oosLabel: 'oos', seed: 1 })
    expect(split.test.length).toBe(8)
    for (const label of ['a', 'b', 'c', 'd'])
      expect(split.test.filter((r) => r.label === label).length).toBe(2)
    expect(new Set([...split.train, ...split.test].map((r) => r.text)).size).toBe(40)
    expect(stratifiedHoldout(rows, { fraction: 0.2, classFraction: 0, oosLabel: 'oos', seed: 1 })).toEqual(
      split,
    )
  })

  it('hides whole classes as out of scope', () => {
    const split = stratifiedHoldout(rows, { fraction: 0.2, classFraction: 0.25, oosLabel: 'oos', seed: 2 })
    expect(new Set(split.train.map((r) => r.label)).size).toBe(3)
    expect(split.test.filter((r) => r.label === 'oos').length).toBe(10)
  })
})

describe('readJsonl', () => {
  it('reads rows and rejects malformed ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-bench-'))
    const good = join(dir, 'good.jsonl')
    writeFileSync(good, '{"text": "hi", "label": "greet"}\n\n{"text": "bye", "label": "leave"}\n')
    expect(readJsonl(good)).toEqual([
      { text: 'hi', label: 'greet' },
      { text: 'bye', label: 'leave' },
    ])
    const bad = join(dir, 'bad.jsonl')
    writeFileSync(bad, '{"text": "hi"}\n')
    expect(() => readJsonl(bad)).toThrow(/bad.jsonl:1/)
  })
})
