// Text normalisation: case/accent folding, contractions, tokens and number shapes.

import { describe, expect, it } from 'vitest'
import { normalizeText, numberShape, tokenize } from './normalize.ts'

describe('normalizeText', () => {
  it('lowercases, strips accents and unifies curly quotes', () => {
    expect(normalizeText('Café RÉSUMÉ')).toBe('cafe resume')
    expect(normalizeText('I can\u2019t log in')).toBe('i can not log in')
  })

  it('expands contractions written with and without apostrophes', () => {
    expect(tokenize(normalizeText("What's my balance? I don't know"))).toEqual([
      'what',
      'is',
      'my',
      'balance',
      'i',
      'do',
      'not',
      'know',
    ])
    expect(normalizeText('whats up, im locked out')).toBe('what is up, i am locked out')
    expect(normalizeText("we'll see, they've gone")).toBe('we will see, they have gone')
  })
})

describe('tokenize and numberShape', () => {
  it('keeps digits inside tokens and maps them to a shape', () => {
    expect(tokenize('rollover my 401k at 7am!')).toEqual(['rollover', 'my', '401k', 'at', '7am'])
    expect(numberShape('7am')).toBe('0am')
    expect(numberShape('2019')).toBe('0')
    expect(numberShape('hello')).toBeUndefined()
  })
})
