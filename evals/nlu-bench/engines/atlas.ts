// Atlas Desk's own engine (agents/local/nlu) behind the benchmark's engine contract.

import { trainClassifier } from '../../../agents/local/nlu/index.ts'
import type { Engine, TrainedEngine } from './engine.ts'

export const atlasEngine: Engine = {
  name: 'atlas',
  async train({ train, val, oosLabel, seed, oosSigmas }): Promise<TrainedEngine> {
    const classifier = trainClassifier(train, { validation: val, oosLabel, seed, oosSigmas })
    const { oosThreshold, autoThreshold, source } = classifier.operatingPoint
    return {
      note:
        `out-of-scope when oosScore >= ${oosThreshold.toFixed(3)}, auto when confidence >= ${autoThreshold.toFixed(3)}` +
        ` (chosen on ${source === 'validation' ? 'the validation set' : 'held-out probes of the training data'})`,
      classify(text) {
        const p = classifier.predict(text)
        // A training label equal to the out-of-scope label (--train-oos) is a refusal too.
        const outOfScope = p.outOfScope || p.label === oosLabel
        return {
          label: p.label,
          outOfScope,
          confidence: p.confidence,
          auto: !outOfScope && p.confidence >= autoThreshold,
        }
      },
    }
  },
}
