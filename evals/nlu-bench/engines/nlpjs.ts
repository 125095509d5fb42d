// NLP.js (@nlpjs/nlp + @nlpjs/lang-en) as the baseline: its standard Nlp pipeline, its own intent
// score as confidence, and its "None" intent / score threshold (0.5 by default) as out of scope.

import { createRequire } from 'node:module'
import type { Row } from '../data.ts'
import { pickThresholds } from '../thresholds.ts'
import type { Engine, EngineAnswer, TrainedEngine } from './engine.ts'

interface NlpResult {
  intent: string
  score: number
  classifications?: Array<{ intent: string; score: number }>
}

interface NlpInstance {
  use(plugin: unknown): void
  addDocument(locale: string, utterance: string, intent: string): void
  train(): Promise<unknown>
  process(locale: string, utterance: string): Promise<NlpResult>
  settings: { threshold: number }
}

type NlpConstructor = new (settings: Record<string, unknown>) => NlpInstance

// The packages are CommonJS without type declarations; load them with a typed require.
const require = createRequire(import.meta.url)
const { Nlp } = require('@nlpjs/nlp') as { Nlp: NlpConstructor }
const { LangEn } = require('@nlpjs/lang-en') as { LangEn: unknown }

export const nlpjsEngine: Engine = {
  name: 'nlpjs',
  async train({ train, val, oosLabel }): Promise<TrainedEngine> {
    const nlp = new Nlp({ languages: ['en'], autoSave: false, nlu: { log: false } })
    nlp.use(LangEn)
    for (const row of train) nlp.addDocument('en', row.text, row.label)
    await nlp.train()
    // Raw best intent and score, before NLP.js's own threshold turns low scores into "None".
    const raw = async (text: string) => {
      const r = await nlp.process('en', text)
      const best = r.classifications?.[0] ?? { intent: r.intent, score: r.score }
      return { intent: best.intent, score: best.score }
    }
    let threshold = nlp.settings.threshold
    let auto = threshold
    let note = `its default: None intent or score < ${threshold} is out of scope, every other answer is auto`
    if (val !== undefined && val.length > 0) {
      const scored = await Promise.all(val.map(async (row: Row) => ({ row, out: await raw(row.text) })))
      const picked = pickThresholds(
        scored.map(({ row, out }) => ({
          oosScore: out.intent === 'None' ? 1 : 1 - out.score,
          confidence: out.intent === 'None' ? 0 : out.score,
          correct: out.intent === row.label,
          outOfScope: row.label === oosLabel,
        })),
      )
      threshold = 1 - picked.oosThreshold
      auto = Math.max(threshold, picked.autoThreshold)
      note = `score threshold ${threshold.toFixed(3)} and auto threshold ${auto.toFixed(3)} chosen on the validation set`
    }
    return {
      note,
      async classify(text): Promise<EngineAnswer> {
        const { intent, score } = await raw(text)
        const outOfScope = intent === 'None' || intent === oosLabel || score < threshold
        return { label: intent, outOfScope, confidence: score, auto: !outOfScope && score >= auto }
      },
    }
  },
}
