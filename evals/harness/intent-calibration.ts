// Calibrating the offline classifier's auto threshold on a public intent dataset (CLINC150 and the
// like: `train.jsonl` and `val.jsonl` of `{text, label}`, out-of-scope rows labelled `oos`). Trains
// on train, classifies val, and picks the lowest confidence at which automatic answers stay within
// the risk target; a two-fold check (pick on one half of val, measure on the other) shows how well
// that threshold holds on messages it was not chosen on.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { trainClassifier } from '../../agents/local/nlu/index.ts'
import { lowestSafeThreshold, wilsonUpper } from './risk.ts'

export interface IntentOutcome {
  confidence: number
  /** Refused by the classifier's own out-of-scope rule. */
  refused: boolean
  /** Answering would be right: in scope and the right label. */
  right: boolean
}

export interface ThresholdChoice {
  threshold: number
  coverage: number
  risk: number
  riskUpper95: number
  handled: number
}

export interface IntentCalibration {
  dataset: string
  trainRows: number
  valRows: number
  trainMs: number
  chosen: ThresholdChoice
  /** The classifier's own auto threshold (from training data alone), measured on val. */
  own: ThresholdChoice
  /** Threshold picked on one half of val, measured on the other (both ways). */
  crossChecked: Array<{ pickedOn: string; threshold: number; coverage: number; risk: number }>
}

export function calibrateIntents(dir: string, maxRisk: number, oosLabel = 'oos'): IntentCalibration {
  const read = (file: string) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { text: string; label: string })
  const train = read('train.jsonl').filter((r) => r.label !== oosLabel)
  const val = read('val.jsonl')
  const started = performance.now()
  const classifier = trainClassifier(train, { oosLabel })
  const trainMs = Math.round(performance.now() - started)
  const outcomes = val.map((row): IntentOutcome => {
    const p = classifier.predict(row.text)
    return {
      confidence: p.confidence,
      refused: p.outOfScope,
      right: row.label !== oosLabel && p.label === row.label,
    }
  })
  const half = (i: number) => i % 2
  const a = outcomes.filter((_, i) => half(i) === 0)
  const b = outcomes.filter((_, i) => half(i) === 1)
  const crossChecked = [
    { pickedOn: 'even rows', pick: a, measure: b },
    { pickedOn: 'odd rows', pick: b, measure: a },
  ].map(({ pickedOn, pick, measure }) => {
    const t = pickThreshold(pick, maxRisk).threshold
    const at = measureAt(measure, t)
    return { pickedOn, threshold: t, coverage: at.coverage, risk: at.risk }
  })
  return {
    dataset: dir,
    trainRows: train.length,
    valRows: val.length,
    trainMs,
    chosen: pickThreshold(outcomes, maxRisk),
    own: measureAt(outcomes, classifier.operatingPoint.autoThreshold),
    crossChecked,
  }
}

/** The lowest confidence whose automatic answers (not refused, confidence ≥ it) keep risk ≤ maxRisk. */
export function pickThreshold(outcomes: readonly IntentOutcome[], maxRisk: number): ThresholdChoice {
  const handled = outcomes.filter((o) => !o.refused)
  return measureAt(outcomes, lowestSafeThreshold(handled, maxRisk).threshold)
}

export function measureAt(outcomes: readonly IntentOutcome[], threshold: number): ThresholdChoice {
  const taken = outcomes.filter((o) => !o.refused && o.confidence >= threshold)
  const wrong = taken.filter((o) => !o.right).length
  return {
    threshold: Math.round(threshold * 10_000) / 10_000,
    coverage: taken.length / Math.max(1, outcomes.length),
    risk: taken.length === 0 ? 0 : wrong / taken.length,
    riskUpper95: wilsonUpper(wrong, taken.length),
    handled: taken.length,
  }
}
