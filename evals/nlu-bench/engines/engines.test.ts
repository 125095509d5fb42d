// Both benchmark engines honour the engine contract, with and without a validation set.

import { describe, expect, it } from 'vitest'
import type { Row } from '../data.ts'
import { atlasEngine } from './atlas.ts'
import { nlpjsEngine } from './nlpjs.ts'

const train: Row[] = []
const phrasings: Record<string, string[]> = {
  refund: ['I want a refund', 'give me my money back', 'refund my order please', 'can I get a refund'],
  login: ['I cannot log in', 'my password does not work', 'locked out of my account', 'reset my password'],
  hours: [
    'when are you open',
    'what are your opening hours',
    'are you open on sunday',
    'what time do you close',
  ],
}
for (const [label, texts] of Object.entries(phrasings)) for (const text of texts) train.push({ text, label })

describe.each([atlasEngine, nlpjsEngine])('$name engine', (engine) => {
  it('trains and answers within the benchmark contract', async () => {
    const trained = await engine.train({ train, oosLabel: 'oos', seed: 1 })
    expect(trained.note.length).toBeGreaterThan(0)
    const answer = await trained.classify('please refund my money')
    expect(answer.confidence).toBeGreaterThanOrEqual(0)
    expect(answer.confidence).toBeLessThanOrEqual(1)
    if (!answer.outOfScope) expect(answer.label).toBe('refund')
    if (answer.outOfScope) expect(answer.auto).toBe(false)
  })

  it('chooses its thresholds on a validation set when given one', async () => {
    const val: Row[] = [
      { text: 'refund please', label: 'refund' },
      { text: 'password reset', label: 'login' },
      { text: 'what is the weather like', label: 'oos' },
    ]
    const trained = await engine.train({ train, val, oosLabel: 'oos', seed: 1 })
    expect(trained.note).toMatch(/validation/)
  })
})
