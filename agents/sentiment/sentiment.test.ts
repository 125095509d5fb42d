// Sentiment model: the scoring rules one by one, and accuracy on a held-out set of support messages
// that was written before the lexicon was tuned and never used for tuning.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Sentiment, sentimentOf } from './index.ts'

function cases(file: string): { text: string; label: Sentiment['label'] }[] {
  return readFileSync(new URL(file, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
}

function accuracy(rows: { text: string; label: Sentiment['label'] }[]): number {
  return rows.filter((row) => sentimentOf(row.text).label === row.label).length / rows.length
}

describe('sentimentOf', () => {
  it('scores empty or opinion-free text as neutral with no cues', () => {
    for (const text of ['', '   ', '\n', 'How do I add a user to my workspace?', 'Order 4412, 3 items.']) {
      expect(sentimentOf(text)).toEqual({ score: 0, label: 'neutral', cues: [] })
    }
  })

  it('keeps scores within −1…1 however much is piled on', () => {
    const furious = 'TERRIBLE AWFUL USELESS BROKEN DISASTER 😡😡😡 worst scam ever!!!!!!!'
    const delighted = 'Amazing fantastic excellent, thank you so much, love it 😍🎉👍!!!!!'
    expect(sentimentOf(furious).score).toBeGreaterThanOrEqual(-1)
    expect(sentimentOf(furious).score).toBeLessThan(-0.9)
    expect(sentimentOf(delighted).score).toBeLessThanOrEqual(1)
    expect(sentimentOf(delighted).score).toBeGreaterThan(0.9)
  })

  it('flips a valence word after a negator within three tokens', () => {
    expect(sentimentOf('I am happy').label).toBe('positive')
    expect(sentimentOf('I am not happy').label).toBe('negative')
    expect(sentimentOf('It never works').label).toBe('negative')
    expect(sentimentOf('It works').label).toBe('positive')
    expect(sentimentOf("Your support isn't helpful").label).toBe('negative')
    expect(sentimentOf('Your support isn\u2019t helpful').cues).toEqual(['not helpful'])
    // The negation is weaker than the plain word, as VADER found with human raters.
    expect(Math.abs(sentimentOf('not happy').score)).toBeLessThan(sentimentOf('happy').score)
  })

  it('does not carry a negation across a comma or more than three tokens', () => {
    expect(sentimentOf('No, thanks for the quick reply').label).toBe('positive')
    expect(sentimentOf('I did not expect the new search to be this good').label).toBe('positive')
  })

  it('reads negated phrases as phrases', () => {
    expect(sentimentOf('Not bad at all').label).toBe('positive')
    expect(sentimentOf('Sync no longer works').cues).toEqual(['no longer works'])
    expect(sentimentOf('Still not fixed').cues).toEqual(['still not fixed'])
    expect(sentimentOf("I don't want to cancel, just asking about invoices").label).toBe('neutral')
  })

  it('strengthens with intensifiers and weakens with dampeners', () => {
    const plain = sentimentOf('The sync is slow').score
    expect(sentimentOf('The sync is extremely slow').score).toBeLessThan(plain)
    expect(sentimentOf('The sync is very slow').score).toBeLessThan(plain)
    expect(sentimentOf('The sync is slightly slow').score).toBeGreaterThan(plain)
    expect(sentimentOf('The sync is kind of slow').score).toBeGreaterThan(plain)
    expect(sentimentOf('The sync is kind of slow').label).toBe('negative')
    expect(sentimentOf('So helpful').score).toBeGreaterThan(sentimentOf('Helpful').score)
  })

  it('weighs the clause after "but" more than the one before', () => {
    expect(sentimentOf('The app is great but billing is a mess').label).toBe('negative')
    expect(sentimentOf('Billing is a mess but the app is great').label).toBe('positive')
    expect(sentimentOf('The app is great. But billing is a mess.').label).toBe('negative')
    expect(sentimentOf('The app is great but billing is a mess').cues).toEqual(['great', 'mess'])
  })

  it('reads emoji and emoticons', () => {
    expect(sentimentOf('😡').label).toBe('negative')
    expect(sentimentOf('👎').label).toBe('negative')
    expect(sentimentOf('🙏').label).toBe('positive')
    expect(sentimentOf('😊 👍').label).toBe('positive')
    expect(sentimentOf('❤\uFE0F').cues).toEqual(['❤'])
    expect(sentimentOf('Login works now :)').cues).toEqual(['works now', ':)'])
    expect(sentimentOf('see https://example.com/help').label).toBe('neutral')
    expect(sentimentOf('Updated invoice 😡').score).toBeLessThan(sentimentOf('Updated invoice 😞').score)
  })

  it('treats ALL-CAPS words and exclamation marks as emphasis, not direction', () => {
    const plain = sentimentOf('This is broken').score
    expect(sentimentOf('This is BROKEN').score).toBeLessThan(plain)
    expect(sentimentOf('This is broken!!!').score).toBeLessThan(plain)
    expect(sentimentOf("I'm NOT happy").score).toBeLessThan(sentimentOf("I'm not happy").score)
    expect(sentimentOf('Thanks!!!').score).toBeGreaterThan(sentimentOf('Thanks').score)
    // Caps or "!" on a message without opinion words add nothing.
    expect(sentimentOf('WHERE IS MY INVOICE!!!').label).toBe('neutral')
  })

  it('keeps polite questions neutral', () => {
    expect(sentimentOf('How do I export contacts? Thanks!').label).toBe('neutral')
    expect(sentimentOf("What's the best way to add users?").label).toBe('neutral')
    expect(sentimentOf('Hi, quick question about seats. Thanks in advance').label).toBe('neutral')
    expect(sentimentOf('Why is the sync still broken?').label).toBe('negative')
  })

  it('reads "I want to cancel" as mildly negative', () => {
    const { score, label } = sentimentOf('I want to cancel')
    expect(label).toBe('negative')
    expect(score).toBeGreaterThan(-0.5)
  })

  it('labels the tuning set', () => {
    expect(accuracy(cases('./sentiment-cases.jsonl'))).toBeGreaterThanOrEqual(0.9)
  })

  it('labels at least 80% of the held-out messages correctly', () => {
    const holdout = cases('./sentiment-cases.holdout.jsonl')
    const figure = accuracy(holdout)
    console.log(`sentiment holdout accuracy: ${(figure * 100).toFixed(1)}% of ${holdout.length} messages`)
    expect(holdout.length).toBeGreaterThanOrEqual(45)
    expect(figure).toBeGreaterThanOrEqual(0.8)
  })
})
