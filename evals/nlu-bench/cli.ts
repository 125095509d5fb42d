// Benchmark CLI: trains Atlas's offline NLU engine and NLP.js on the same JSONL data and prints their
// quality, gate coverage/risk, training time and per-message latency side by side.
// Usage: npm run bench:nlu -- --train FILE (--test FILE | --holdout 0.2) [--val FILE] [--oos-label oos]
//          [--train-oos] [--holdout-classes 0.2] [--json OUT] [--engines atlas,nlpjs] [--seed 1]
//          [--oos-sigmas 2.8]   (Atlas's default out-of-scope rule: lower refuses more)

import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type Row, readJsonl, stratifiedHoldout } from './data.ts'
import { atlasEngine } from './engines/atlas.ts'
import type { Engine } from './engines/engine.ts'
import { nlpjsEngine } from './engines/nlpjs.ts'
import { OOS, percentile, type QualityMetrics, type ScoredAnswer, scoreAnswers } from './metrics.ts'

const ENGINES: Record<string, Engine> = { atlas: atlasEngine, nlpjs: nlpjsEngine }

export interface EngineReport extends QualityMetrics {
  trainMs: number
  p50Ms: number
  p99Ms: number
  note: string
}

const { values: args } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    val: { type: 'string' },
    'oos-label': { type: 'string', default: 'oos' },
    'train-oos': { type: 'boolean', default: false },
    holdout: { type: 'string' },
    'holdout-classes': { type: 'string', default: '0' },
    json: { type: 'string' },
    engines: { type: 'string', default: 'atlas,nlpjs' },
    seed: { type: 'string', default: '1' },
    'oos-sigmas': { type: 'string' },
  },
})

function fail(message: string): never {
  console.error(`bench:nlu: ${message}`)
  process.exit(2)
}

if (args.train === undefined) fail('--train FILE is required')
if (args.test === undefined && args.holdout === undefined) fail('give --test FILE or --holdout FRACTION')
const oosLabel = args['oos-label']
const seed = Number(args.seed)
let trainRows = readJsonl(args.train)
let testRows: Row[]
if (args.test !== undefined) testRows = readJsonl(args.test)
else {
  const split = stratifiedHoldout(trainRows, {
    fraction: Number(args.holdout),
    classFraction: Number(args['holdout-classes']),
    oosLabel,
    seed,
  })
  trainRows = split.train
  testRows = split.test
}
if (!args['train-oos']) trainRows = trainRows.filter((r) => r.label !== oosLabel)
const valRows = args.val === undefined ? undefined : readJsonl(args.val)
const engines = args.engines.split(',').map((name) => ENGINES[name.trim()] ?? fail(`unknown engine ${name}`))

const labelCount = new Set(trainRows.map((r) => r.label)).size
const testOos = testRows.filter((r) => r.label === oosLabel).length
console.log(
  `train: ${trainRows.length} rows, ${labelCount} labels | test: ${testRows.length} rows (${testOos} out of scope)` +
    (valRows === undefined ? '' : ` | val: ${valRows.length} rows`),
)

const reports: Record<string, EngineReport> = {}
for (const engine of engines) {
  const started = performance.now()
  const oosSigmas = args['oos-sigmas'] === undefined ? undefined : Number(args['oos-sigmas'])
  const trained = await engine.train({ train: trainRows, val: valRows, oosLabel, seed, oosSigmas })
  const trainMs = performance.now() - started
  const latencies: number[] = []
  const answers: ScoredAnswer[] = []
  for (const row of testRows) {
    const t0 = performance.now()
    const answer = await trained.classify(row.text)
    latencies.push(performance.now() - t0)
    answers.push({
      gold: row.label === oosLabel ? OOS : row.label,
      predicted: answer.outOfScope ? OOS : answer.label,
      auto: answer.auto,
      confidence: answer.confidence,
    })
  }
  reports[engine.name] = {
    ...scoreAnswers(answers),
    trainMs,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    note: trained.note,
  }
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`)
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(3)} ms`)
const rows: Array<[string, (r: EngineReport) => string]> = [
  ['in-scope accuracy', (r) => pct(r.inScopeAccuracy)],
  ['out-of-scope recall', (r) => pct(r.oosRecall)],
  ['out-of-scope precision', (r) => pct(r.oosPrecision)],
  ['overall accuracy (oos as class)', (r) => pct(r.overallAccuracy)],
  ['macro-F1 (in-scope + oos)', (r) => pct(r.macroF1)],
  ['coverage (auto-handled)', (r) => pct(r.coverage)],
  ['risk (wrong among auto)', (r) => pct(r.risk)],
  ['coverage at risk <= 2% (oracle)', (r) => pct(r.coverageAtRisk2)],
  ['training time', (r) => ms(r.trainMs)],
  ['latency p50 / message', (r) => ms(r.p50Ms)],
  ['latency p99 / message', (r) => ms(r.p99Ms)],
]
const names = Object.keys(reports)
const width = 32
const col = 14
console.log(`| ${'metric'.padEnd(width)} | ${names.map((n) => n.padStart(col)).join(' | ')} |`)
console.log(`| ${'-'.repeat(width)} | ${names.map(() => `${'-'.repeat(col - 1)}:`).join(' | ')} |`)
for (const [label, show] of rows) {
  console.log(`| ${label.padEnd(width)} | ${names.map((n) => show(reports[n]!).padStart(col)).join(' | ')} |`)
}
for (const n of names) console.log(`${n}: ${reports[n]!.note}`)

if (args.json !== undefined) {
  writeFileSync(args.json, `${JSON.stringify({ engines: reports }, null, 2)}\n`)
  console.log(`wrote ${args.json}`)
}
