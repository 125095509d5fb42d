// The engine end to end on small synthetic support heads (and a real HINT3 bot when the shared
// datasets are present): accuracy, prediction invariants, out-of-scope scoring, JSON round trip.

import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Example, loadClassifier, type TextClassifier, trainClassifier } from './index.ts'
import { bundledWordVectors } from './word-vectors.ts'

const CORES: Record<string, string[]> = {
  billing: [
    'I was charged twice on my card',
    'I need a copy of my invoice',
    'why is my bill higher this month',
    'please refund my last payment',
    'how do I change the card you bill',
    'the VAT on my invoice is wrong',
  ],
  login: [
    "I can't log in to my account",
    'the password reset link is not working',
    'I am locked out of my account',
    'my two factor code is rejected',
    'I forgot my password',
    'login page keeps spinning',
  ],
  bug: [
    'the app crashes when I open a board',
    'sync is not working on my phone',
    'import from trello fails with an error',
    'the desktop app freezes on startup',
    'automations stopped running yesterday',
    'docs do not save my edits',
  ],
  sales: [
    'how much is the business plan',
    'can I book a demo for my team',
    'do you offer a volume discount for sixty seats',
    'what is included in enterprise',
    'is there a discount for nonprofits',
    'I want to upgrade to team',
  ],
}
const PREFIXES = ['', 'hi, ', 'hello there, ', 'please help: ']
const SUFFIXES = ['', ' thanks', ' asap', '?']

function examples(pick: (i: number) => boolean): Example[] {
  const out: Example[] = []
  for (const [label, cores] of Object.entries(CORES)) {
    cores.forEach((core, c) => {
      PREFIXES.forEach((prefix, p) => {
        SUFFIXES.forEach((suffix, s) => {
          if (pick(c * 16 + p * 4 + s)) out.push({ text: `${prefix}${core}${suffix}`, label })
        })
      })
    })
  }
  return out
}

const train = examples((i) => i % 5 !== 0)
const test = examples((i) => i % 5 === 0)

function accuracy(classifier: TextClassifier, rows: Example[]): number {
  return rows.filter((r) => classifier.predict(r.text).label === r.label).length / rows.length
}

describe('trainClassifier without word vectors', () => {
  const classifier = trainClassifier(train, { wordVectors: false })

  it('labels unseen phrasings of known requests', () => {
    expect(classifier.labels).toEqual(['billing', 'bug', 'login', 'sales'])
    expect(accuracy(classifier, test)).toBeGreaterThan(0.9)
  })

  it('returns a consistent, calibrated-looking prediction', () => {
    const p = classifier.predict('my invoice shows the wrong amount')
    expect(p.label).toBe('billing')
    expect(p.ranking.length).toBe(4)
    expect(p.ranking[0]).toEqual({ label: p.label, probability: p.confidence })
    for (let i = 1; i < p.ranking.length; i++) {
      expect(p.ranking[i]!.probability).toBeLessThanOrEqual(p.ranking[i - 1]!.probability)
    }
    expect(p.ranking.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 6)
    expect(p.margin).toBeCloseTo(p.ranking[0]!.probability - p.ranking[1]!.probability, 12)
    expect(p.oosScore).toBeGreaterThanOrEqual(0)
    expect(p.oosScore).toBeLessThanOrEqual(1)
  })

  it('scores off-topic messages as more out of scope than in-scope ones', () => {
    const offTopic = classifier.predict('what is the capital of mongolia')
    const inScope = classifier.predict('I was charged twice on my card')
    expect(offTopic.oosScore).toBeGreaterThan(inScope.oosScore)
    expect(inScope.outOfScope).toBe(false)
    expect(offTopic.confidence).toBeLessThan(inScope.confidence)
  })

  it('refuses messages with nothing it knows, without false confidence', () => {
    const empty = classifier.predict('   ')
    expect(empty.outOfScope).toBe(true)
    expect(empty.oosScore).toBe(1)
    expect(empty.confidence).toBeCloseTo(1 / 4)
    expect(classifier.predict('\u{1F642}\u{1F642}').outOfScope).toBe(true)
  })

  it('reloads from plain JSON with identical predictions', () => {
    const json = JSON.parse(JSON.stringify(classifier.toJSON()))
    const again = loadClassifier(json)
    for (const text of ['refund please', 'app crash', 'zzz qqq', 'upgrade my plan']) {
      expect(again.predict(text)).toEqual(classifier.predict(text))
    }
    expect(again.operatingPoint).toEqual(classifier.operatingPoint)
  })

  it('picks thresholds on a validation set with out-of-scope rows when given one', () => {
    const validation = [
      ...test,
      { text: 'what is the weather in paris', label: 'oos' },
      { text: 'tell me a joke about cats', label: 'oos' },
      { text: 'who won the football game', label: 'oos' },
    ]
    const tuned = trainClassifier(train, { wordVectors: false, validation })
    expect(tuned.operatingPoint.source).toBe('validation')
    expect(classifier.operatingPoint.source).toBe('probes')
  })

  it('needs at least two labels', () => {
    expect(() => trainClassifier([{ text: 'hello', label: 'a' }])).toThrow(/two labels/)
  })
})

describe.skipIf(bundledWordVectors() === undefined)('trainClassifier with the bundled word vectors', () => {
  it('trains a support head of ~1,000 messages quickly and generalises', () => {
    const big: Example[] = []
    for (let r = 0; r < 4; r++)
      for (const e of train) big.push({ text: `${e.text}${' please'.repeat(r)}`, label: e.label })
    const started = performance.now()
    const classifier = trainClassifier(big.slice(0, 1000))
    expect(performance.now() - started).toBeLessThan(3000)
    expect(accuracy(classifier, test)).toBeGreaterThan(0.9)
    // Word vectors carry meaning to words never seen in training.
    expect(classifier.predict('reimburse the money you took').label).toBe('billing')
  })
})

const SOFMATTRESS = new URL('../../../../shared/datasets/hint3/sofmattress_train.jsonl', import.meta.url)

describe.skipIf(!existsSync(SOFMATTRESS))('on a real support dataset (HINT3 SOFMattress)', () => {
  it('beats 75% accuracy on a held-out fifth', () => {
    const rows = readFileSync(SOFMATTRESS, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Example)
    const classifier = trainClassifier(rows.filter((_, i) => i % 5 !== 0))
    expect(
      accuracy(
        classifier,
        rows.filter((_, i) => i % 5 === 0),
      ),
    ).toBeGreaterThan(0.75)
  })
})
