// Encoding and decoding of the int8 word-vector artifact.

import { describe, expect, it } from 'vitest'
import { decodeWordVectors, encodeWordVectors } from './word-vectors.ts'

describe('word-vector artifact encoding', () => {
  it('round-trips words and int8-quantised vectors', () => {
    const words = ['refund', 'login', 'café']
    const vectors = [
      [0.5, -1.2, 3],
      [0, 0, 0],
      [-0.01, 0.02, 0.03],
    ]
    const decoded = decodeWordVectors(encodeWordVectors(words, vectors, 3))
    expect(decoded.dimensions).toBe(3)
    const refund = decoded.vector('refund')!
    vectors[0]!.forEach((x, d) => {
      expect(refund[d]!).toBeCloseTo(x, 1)
    })
    expect(Array.from(decoded.vector('login')!)).toEqual([0, 0, 0])
    expect(decoded.vector('café')![2]!).toBeCloseTo(0.03, 3)
    expect(decoded.vector('unknown')).toBeUndefined()
  })

  it('rejects other files', () => {
    expect(() => decodeWordVectors(Buffer.from('not vectors at all'))).toThrow()
  })
})
