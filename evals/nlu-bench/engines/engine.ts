// The contract every benchmarked engine implements, so the CLI scores them all the same way.

import type { Row } from '../data.ts'

export interface EngineAnswer {
  /** Predicted in-scope label (meaningless when outOfScope). */
  label: string
  outOfScope: boolean
  confidence: number
  /** Handled automatically at the engine's default gate operating point. */
  auto: boolean
}

export interface TrainedEngine {
  /** One line on how the operating point was chosen, printed under the table. */
  readonly note: string
  classify(text: string): EngineAnswer | Promise<EngineAnswer>
}

export interface EngineSetup {
  train: Row[]
  /** Validation rows (may contain out-of-scope rows) to choose thresholds on. */
  val?: Row[]
  oosLabel: string
  seed: number
  /** Atlas only: standard deviations of its default out-of-scope rule. */
  oosSigmas?: number
}

export interface Engine {
  readonly name: string
  train(setup: EngineSetup): Promise<TrainedEngine>
}
