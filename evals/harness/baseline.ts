// Baselines and regression gates. `--save-baseline` writes the run's per-case pass rates and its
// metrics to a committed file; a later run is compared case by case (which flipped from pass to
// fail, which were fixed) and metric by metric, and fails on any regression beyond the tolerance.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import type { EvalRun } from './run.ts'

/** The gated metrics and which way is better. Latency is left out: it depends on the machine. */
export const GATED_METRICS = {
  passRate: 'higher',
  'route.accuracy': 'higher',
  'category.macroF1': 'higher',
  'intent.accuracy': 'higher',
  'urgency.accuracy': 'higher',
  'action.macroF1': 'higher',
  'gate.accuracy': 'higher',
  'escalation.precision': 'higher',
  'escalation.recall': 'higher',
  'grounding.rate': 'higher',
  'automatic.coverage': 'higher',
  'automatic.risk': 'lower',
  'calibration.ece': 'lower',
} as const satisfies Record<string, 'higher' | 'lower'>
export type GatedMetric = keyof typeof GATED_METRICS

export const DEFAULT_TOLERANCE = 0.01

const BaselineSchema = z.object({
  datasets: z.array(z.string()),
  model: z.string(),
  repeat: z.number().int().min(1),
  savedAt: z.string(),
  /** How far a metric may move the wrong way before the run fails (absolute, 0..1). */
  tolerance: z.number().min(0).max(1),
  metrics: z.record(z.string(), z.number().nullable()),
  cases: z.record(z.string(), z.number().min(0).max(1)),
})
export type Baseline = z.infer<typeof BaselineSchema>

export function gatedMetrics(run: EvalRun): Record<GatedMetric, number | null> {
  const m = run.metrics
  return {
    passRate: m.passRate,
    'route.accuracy': m.heads.route.accuracy,
    'category.macroF1': m.heads.category.macroF1,
    'intent.accuracy': m.heads.intent.accuracy,
    'urgency.accuracy': m.heads.urgency.accuracy,
    'action.macroF1': m.heads.action.macroF1,
    'gate.accuracy': m.heads.gate.accuracy,
    'escalation.precision': m.escalation.precision,
    'escalation.recall': m.escalation.recall,
    'grounding.rate': m.grounding.rate,
    'automatic.coverage': m.automatic.coverage,
    'automatic.risk': m.automatic.risk,
    'calibration.ece': m.calibration.ece,
  }
}

export function toBaseline(run: EvalRun, tolerance = DEFAULT_TOLERANCE): Baseline {
  return {
    datasets: run.datasets,
    model: run.model,
    repeat: run.repeat,
    savedAt: new Date().toISOString(),
    tolerance,
    metrics: gatedMetrics(run),
    cases: Object.fromEntries(run.cases.map((c) => [c.id, c.passRate])),
  }
}

export function saveBaseline(file: string, baseline: Baseline): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`)
}

export function loadBaseline(file: string): Baseline | null {
  if (!existsSync(file)) return null
  const parsed = BaselineSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw new AtlasError('config_invalid', `${file}: ${parsed.error.issues[0]?.message}`)
  return parsed.data
}

export interface Comparison {
  /** Passed in every baseline run, now fail at least once. */
  flipped: string[]
  /** Failed in the baseline, now pass every time. */
  fixed: string[]
  /** Cases not in the baseline (new) and baseline cases no longer in the dataset. */
  added: string[]
  removed: string[]
  regressions: Array<{ metric: string; baseline: number; current: number }>
  improvements: Array<{ metric: string; baseline: number; current: number }>
  tolerance: number
  ok: boolean
}

export function compare(run: EvalRun, baseline: Baseline, tolerance = baseline.tolerance): Comparison {
  const now = new Map(run.cases.map((c) => [c.id, c.passRate]))
  const flipped: string[] = []
  const fixed: string[] = []
  const added: string[] = []
  for (const [id, rate] of now) {
    const before = baseline.cases[id]
    if (before === undefined) added.push(id)
    else if (before === 1 && rate < 1) flipped.push(id)
    else if (before < 1 && rate === 1) fixed.push(id)
  }
  const removed = Object.keys(baseline.cases).filter((id) => !now.has(id))
  const regressions: Comparison['regressions'] = []
  const improvements: Comparison['improvements'] = []
  const current = gatedMetrics(run)
  for (const [metric, direction] of Object.entries(GATED_METRICS)) {
    const was = baseline.metrics[metric]
    const is = current[metric as GatedMetric]
    if (was === null || was === undefined || is === null) continue
    const worse = direction === 'higher' ? was - is : is - was
    if (worse > tolerance + 1e-9) regressions.push({ metric, baseline: was, current: is })
    else if (worse < -tolerance - 1e-9) improvements.push({ metric, baseline: was, current: is })
  }
  return {
    flipped,
    fixed,
    added,
    removed,
    regressions,
    improvements,
    tolerance,
    ok: flipped.length === 0 && regressions.length === 0,
  }
}
