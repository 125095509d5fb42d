// Gate thresholds chosen from data: `npm run eval -- --calibrate --max-risk R` writes, per agent, the
// lowest auto threshold whose automatic answers stayed within risk R on the eval dataset (and the
// figures behind it) to calibrated-gates.json. The runtime takes them as the deployment's per-agent
// thresholds; an explicit ATLAS_GATE_AUTO/REVIEW or a tenant's own setting still wins.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { AtlasError } from '../common/errors.ts'

export const CALIBRATED_GATES_FILE = fileURLToPath(new URL('./calibrated-gates.json', import.meta.url))

const Threshold = z.number().min(0).max(1)

export const CalibratedGateSchema = z.object({
  auto: Threshold,
  review: Threshold,
  /** How the threshold was chosen, so a reader can check it. */
  calibration: z.object({
    dataset: z.string(),
    model: z.string(),
    maxRisk: Threshold,
    /** Turns this agent drafted a Library answer for (the candidates the threshold splits). */
    candidates: z.number().int().min(0),
    /** Share of all the agent's turns answered automatically at the threshold, and their error rate. */
    coverage: Threshold,
    risk: Threshold,
    /** 95% Wilson upper bound of the risk: what the dataset's size allows one to claim. */
    riskUpper95: Threshold,
    calibratedAt: z.string(),
  }),
})
export type CalibratedGate = z.infer<typeof CalibratedGateSchema>

const FileSchema = z.record(z.string(), CalibratedGateSchema)

/** The calibrated thresholds by agent; none when the file is absent. */
export function loadCalibratedGates(file = CALIBRATED_GATES_FILE): Record<string, CalibratedGate> {
  if (!existsSync(file)) return {}
  const parsed = FileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) {
    throw new AtlasError('config_invalid', `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  }
  for (const [agent, gate] of Object.entries(parsed.data)) {
    if (gate.review > gate.auto)
      throw new AtlasError(
        'config_invalid',
        `${file}: ${agent}'s review threshold exceeds its auto threshold`,
      )
  }
  return parsed.data
}

/** Just the thresholds by agent, as the gate takes them (`GateOverrides['deployment']`). */
export function calibratedThresholds(
  file = CALIBRATED_GATES_FILE,
): Record<string, { auto: number; review: number }> {
  return Object.fromEntries(
    Object.entries(loadCalibratedGates(file)).map(([agent, g]) => [
      agent,
      { auto: g.auto, review: g.review },
    ]),
  )
}

/** Replaces the listed agents' entries, keeping the others. */
export function writeCalibratedGates(
  gates: Record<string, CalibratedGate>,
  file = CALIBRATED_GATES_FILE,
): void {
  const current = existsSync(file) ? loadCalibratedGates(file) : {}
  writeFileSync(file, `${JSON.stringify({ ...current, ...gates }, null, 2)}\n`)
}
