// Feature views: normalisation, disjoint index ranges, unseen-word share, view weighting, JSON.

import { describe, expect, it } from 'vitest'
import { combineViews, DEFAULT_FEATURE_OPTIONS, FeatureSpace, type WordVectors } from './features.ts'

const norm = (values: Float32Array) => Math.sqrt(values.reduce((s, v) => s + v * v, 0))

const toyVectors: WordVectors = {
  dimensions: 3,
  vector(word) {
    const table: Record<string, number[]> = { refund: [1, 0, 0], money: [0.9, 0.1, 0], login: [0, 1, 0] }
    const v = table[word]
    return v === undefined ? undefined : Float32Array.from(v)
  },
}

describe('FeatureSpace', () => {
  const space = FeatureSpace.fit(
    ['I want a refund', 'give me my money back', 'cannot login'],
    { ...DEFAULT_FEATURE_OPTIONS, charMinDf: 1 },
    toyVectors,
  )

  it('produces L2-normalised views in disjoint index ranges', () => {
    const v = space.views('refund my money')
    expect(norm(v.word.values)).toBeCloseTo(1, 5)
    expect(norm(v.char.values)).toBeCloseTo(1, 5)
    expect(norm(v.mean.values)).toBeCloseTo(1, 5)
    expect(Math.max(...v.word.indices)).toBeLessThan(Math.min(...v.char.indices))
    expect(Math.max(...v.char.indices)).toBeLessThan(Math.min(...v.mean.indices))
    expect(Math.max(...v.max.indices)).toBeLessThan(space.dimensions)
  })

  it('measures the share of unseen words', () => {
    expect(space.views('refund').unseen).toBe(0)
    expect(space.views('zebra crossing').unseen).toBe(1)
    const half = space.views('refund zebra').unseen
    expect(half).toBeGreaterThan(0)
    expect(half).toBeLessThan(1)
  })

  it('weights views by the square root of their share', () => {
    const v = space.views('refund money')
    const combined = combineViews(v, { word: 4, char: 0, mean: 1, max: 0 })
    expect(combined.indices.length).toBe(v.word.indices.length + v.mean.indices.length)
    expect(norm(combined.values) ** 2).toBeCloseTo(5, 4)
  })

  it('survives a JSON round trip', () => {
    const again = FeatureSpace.load(JSON.parse(JSON.stringify(space.toJSON())), toyVectors)
    expect(again.views('refund my money')).toEqual(space.views('refund my money'))
  })

  it('refuses to load a vector-trained space without the vectors', () => {
    expect(() => FeatureSpace.load(space.toJSON())).toThrow(/word vectors/)
  })
})
