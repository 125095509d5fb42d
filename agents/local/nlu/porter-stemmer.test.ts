// Porter stemmer against reference outputs.

import { describe, expect, it } from 'vitest'
import { stem } from './porter-stemmer.ts'

describe('stem', () => {
  it('matches the reference Porter outputs', () => {
    const pairs: Array<[string, string]> = [
      ['caresses', 'caress'],
      ['ponies', 'poni'],
      ['agreed', 'agre'],
      ['hopping', 'hop'],
      ['relational', 'relat'],
      ['generalizations', 'gener'],
      ['adjustment', 'adjust'],
      ['controll', 'control'],
    ]
    for (const [word, expected] of pairs) expect(stem(word)).toBe(expected)
  })

  it('makes inflections of one word share a stem', () => {
    expect(new Set(['cancel', 'cancelled', 'cancelling', 'cancels'].map(stem))).toEqual(new Set(['cancel']))
  })

  it('leaves short and non-alphabetic tokens alone', () => {
    expect(stem('is')).toBe('is')
    expect(stem('401k')).toBe('401k')
  })
})
