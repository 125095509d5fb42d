// TF-IDF feature views (stemmed word n-grams, character n-grams) and dense word-vector views (IDF-
// weighted mean and max pooling), fitted on training texts. Each view is L2-normalised on its own so
// a model can mix them with its own weights (see `combineViews`).

import { normalizeText, numberShape, tokenize } from './normalize.ts'
import { stem } from './porter-stemmer.ts'
import type { SparseVector } from './sparse.ts'

export interface FeatureOptions {
  /** Longest word n-gram over stems (1 = unigrams only). */
  wordNgramMax: number
  /** Character n-gram lengths, taken inside word boundaries (" word "). */
  charNgramMin: number
  charNgramMax: number
  /** Drop character n-grams seen in fewer training texts than this (keeps the model small). */
  charMinDf: number
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  wordNgramMax: 2,
  charNgramMin: 2,
  charNgramMax: 5,
  charMinDf: 2,
}

/** Looks up a word vector; returns undefined for unknown words. */
export interface WordVectors {
  readonly dimensions: number
  vector(word: string): Float32Array | undefined
}

/** Share of each view in a combined vector (its squared share of the L2 norm); 0 leaves it out. */
export interface ViewWeights {
  word: number
  char: number
  mean: number
  max: number
}

/** One text's views, each L2-normalised and already offset into the shared feature index space. */
export interface TextViews {
  readonly word: SparseVector
  readonly char: SparseVector
  readonly mean: SparseVector
  readonly max: SparseVector
  /** IDF-weighted share of the text's tokens never seen in training (0 = all known, 1 = none). */
  readonly unseen: number
}

interface AnalyzedText {
  readonly tokens: readonly string[]
  readonly words: readonly string[]
  readonly chars: readonly string[]
}

function analyze(text: string, options: FeatureOptions): AnalyzedText {
  const tokens = tokenize(normalizeText(text))
  const stems: string[] = []
  for (const t of tokens) {
    stems.push(stem(t))
    const shape = numberShape(t)
    if (shape !== undefined && shape !== t) stems.push(`#${shape}`)
  }
  const words: string[] = [...stems]
  for (let n = 2; n <= options.wordNgramMax; n++) {
    for (let i = 0; i + n <= stems.length; i++) words.push(stems.slice(i, i + n).join(' '))
  }
  const chars: string[] = []
  for (const t of tokens) {
    const padded = ` ${t} `
    for (let n = options.charNgramMin; n <= options.charNgramMax; n++) {
      if (n > padded.length) break
      for (let i = 0; i + n <= padded.length; i++) chars.push(padded.slice(i, i + n))
    }
  }
  return { tokens, words, chars }
}

export interface SerializedFeatureSpace {
  options: FeatureOptions
  wordTerms: string[]
  wordIdf: number[]
  charTerms: string[]
  charIdf: number[]
  /** IDF of every training token: weights word vectors and measures unseen words. */
  tokens: string[]
  tokenIdf: number[]
  unseenTokenIdf: number
  /** Width of the word-vector views (0 when no vectors were available at training). */
  vectorDimensions: number
}

const EMPTY: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) }

export class FeatureSpace {
  readonly options: FeatureOptions
  /** Total width of the shared index space: word, char, mean-vector then max-vector views. */
  readonly dimensions: number
  readonly vectorDimensions: number
  private readonly wordTerms: Map<string, number>
  private readonly wordIdf: Float32Array
  private readonly charTerms: Map<string, number>
  private readonly charIdf: Float32Array
  private readonly tokenIdf: Map<string, number>
  private readonly unseenTokenIdf: number
  private readonly charOffset: number
  private readonly meanOffset: number
  private readonly maxOffset: number
  private readonly vectors: WordVectors | undefined

  private constructor(state: SerializedFeatureSpace, vectors: WordVectors | undefined) {
    if (state.vectorDimensions > 0 && vectors?.dimensions !== state.vectorDimensions) {
      throw new Error(
        `classifier was trained with ${state.vectorDimensions}-d word vectors, which are not loaded`,
      )
    }
    this.options = state.options
    this.wordTerms = new Map(state.wordTerms.map((t, i) => [t, i]))
    this.wordIdf = Float32Array.from(state.wordIdf)
    this.charTerms = new Map(state.charTerms.map((t, i) => [t, i]))
    this.charIdf = Float32Array.from(state.charIdf)
    this.tokenIdf = new Map(state.tokens.map((t, i) => [t, state.tokenIdf[i]!]))
    this.unseenTokenIdf = state.unseenTokenIdf
    this.vectorDimensions = state.vectorDimensions
    this.vectors = state.vectorDimensions > 0 ? vectors : undefined
    this.charOffset = state.wordTerms.length
    this.meanOffset = this.charOffset + state.charTerms.length
    this.maxOffset = this.meanOffset + state.vectorDimensions
    this.dimensions = this.maxOffset + state.vectorDimensions
  }

  static fit(texts: readonly string[], options: FeatureOptions, vectors?: WordVectors): FeatureSpace {
    const wordDf = new Map<string, number>()
    const charDf = new Map<string, number>()
    const tokenDf = new Map<string, number>()
    for (const text of texts) {
      const a = analyze(text, options)
      for (const w of new Set(a.words)) wordDf.set(w, (wordDf.get(w) ?? 0) + 1)
      for (const c of new Set(a.chars)) charDf.set(c, (charDf.get(c) ?? 0) + 1)
      for (const t of new Set(a.tokens)) tokenDf.set(t, (tokenDf.get(t) ?? 0) + 1)
    }
    const n = texts.length
    const idf = (df: number) => Math.log((1 + n) / (1 + df)) + 1
    const wordTerms = [...wordDf.keys()].sort()
    const charTerms = [...charDf.keys()].filter((c) => charDf.get(c)! >= options.charMinDf).sort()
    const tokens = [...tokenDf.keys()].sort()
    return new FeatureSpace(
      {
        options,
        wordTerms,
        wordIdf: wordTerms.map((w) => idf(wordDf.get(w)!)),
        charTerms,
        charIdf: charTerms.map((c) => idf(charDf.get(c)!)),
        tokens,
        tokenIdf: tokens.map((t) => idf(tokenDf.get(t)!)),
        unseenTokenIdf: idf(0),
        vectorDimensions: vectors?.dimensions ?? 0,
      },
      vectors,
    )
  }

  static load(state: SerializedFeatureSpace, vectors?: WordVectors): FeatureSpace {
    return new FeatureSpace(state, vectors)
  }

  toJSON(): SerializedFeatureSpace {
    return {
      options: this.options,
      wordTerms: [...this.wordTerms.keys()],
      wordIdf: Array.from(this.wordIdf),
      charTerms: [...this.charTerms.keys()],
      charIdf: Array.from(this.charIdf),
      tokens: [...this.tokenIdf.keys()],
      tokenIdf: [...this.tokenIdf.values()],
      unseenTokenIdf: this.unseenTokenIdf,
      vectorDimensions: this.vectorDimensions,
    }
  }

  views(text: string): TextViews {
    const a = analyze(text, this.options)
    let unseen = 0
    let total = 0
    for (const t of a.tokens) {
      const idf = this.tokenIdf.get(t)
      total += idf ?? this.unseenTokenIdf
      if (idf === undefined) unseen += this.unseenTokenIdf
    }
    const pooled = this.pool(a.tokens)
    return {
      word: tfIdf(a.words, this.wordTerms, this.wordIdf, 0),
      char: tfIdf(a.chars, this.charTerms, this.charIdf, this.charOffset),
      mean: pooled.mean,
      max: pooled.max,
      unseen: total > 0 ? unseen / total : 1,
    }
  }

  /** IDF-weighted mean and element-wise max of the known words' vectors (SWEM-style pooling). */
  private pool(tokens: readonly string[]): { mean: SparseVector; max: SparseVector } {
    const vectors = this.vectors
    if (vectors === undefined) return { mean: EMPTY, max: EMPTY }
    const dims = this.vectorDimensions
    const sum = new Float64Array(dims)
    const max = new Float64Array(dims).fill(Number.NEGATIVE_INFINITY)
    let found = 0
    for (const t of tokens) {
      const v = vectors.vector(t)
      if (v === undefined) continue
      const w = this.tokenIdf.get(t) ?? this.unseenTokenIdf
      for (let d = 0; d < dims; d++) {
        const x = v[d]!
        sum[d]! += w * x
        if (x > max[d]!) max[d] = x
      }
      found++
    }
    if (found === 0) return { mean: EMPTY, max: EMPTY }
    return { mean: denseView(sum, this.meanOffset), max: denseView(max, this.maxOffset) }
  }
}

function denseView(x: Float64Array, offset: number): SparseVector {
  let norm = 0
  for (const v of x) norm += v * v
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
  const indices = new Int32Array(x.length)
  const values = new Float32Array(x.length)
  for (let d = 0; d < x.length; d++) {
    indices[d] = offset + d
    values[d] = x[d]! * scale
  }
  return { indices, values }
}

/** Sublinear TF (1 + log tf) times IDF, L2-normalised, indices sorted. */
function tfIdf(terms: readonly string[], vocab: Map<string, number>, idf: Float32Array, offset: number) {
  const counts = new Map<number, number>()
  for (const t of terms) {
    const id = vocab.get(t)
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  if (counts.size === 0) return EMPTY
  const ids = Int32Array.from(counts.keys()).sort()
  const values = new Float32Array(ids.length)
  let norm = 0
  for (let k = 0; k < ids.length; k++) {
    const v = (1 + Math.log(counts.get(ids[k]!)!)) * idf[ids[k]!]!
    values[k] = v
    norm += v * v
  }
  const scale = 1 / Math.sqrt(norm)
  const indices = new Int32Array(ids.length)
  for (let k = 0; k < ids.length; k++) {
    values[k]! *= scale
    indices[k] = ids[k]! + offset
  }
  return { indices, values }
}

/** Concatenates the views (they occupy disjoint, ordered index ranges) with sqrt(weight) scaling. */
export function combineViews(views: TextViews, weights: ViewWeights): SparseVector {
  const parts: Array<[SparseVector, number]> = []
  let nnz = 0
  for (const [v, w] of [
    [views.word, weights.word],
    [views.char, weights.char],
    [views.mean, weights.mean],
    [views.max, weights.max],
  ] as const) {
    if (w > 0 && v.indices.length > 0) {
      parts.push([v, Math.sqrt(w)])
      nnz += v.indices.length
    }
  }
  const indices = new Int32Array(nnz)
  const values = new Float32Array(nnz)
  let at = 0
  for (const [v, s] of parts) {
    indices.set(v.indices, at)
    for (let k = 0; k < v.values.length; k++) values[at + k] = v.values[k]! * s
    at += v.indices.length
  }
  return { indices, values }
}
