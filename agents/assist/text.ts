// Small text statistics for the offline assist: content terms (the local NLU's normaliser and
// Porter stemmer, stop words out), sentences, TF-IDF vectors with cosine similarity,
// and BM25 for ranking short documents (canned responses) against a customer's message.
import { normalizeText } from '../local/nlu/normalize.ts'
import { stem } from '../local/nlu/porter-stemmer.ts'

// Contractions ("don't", "im") are expanded by `normalizeText` before these apply.
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing done down during each few for from further ' +
    'get got had has have having he her here hers herself him himself his how i if in into is it its ' +
    'itself just let me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them themselves ' +
    'then there these they this those through to too under until up us very was we were what when ' +
    'where which while who whom why will with would you your yours yourself yourselves hi hello hey ' +
    'thanks thank please ok okay yes yeah sure dear regards cheers wont'
  ).split(/\s+/),
)

/**
 * Content terms: the words of `text` (normalised like the local NLU's — case and accents folded,
 * contractions expanded — but in any script), without stop words, Porter-stemmed.
 */
export function terms(text: string): string[] {
  return (normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\d/.test(w)))
    .map(stem)
}

/** Sentences (and lines: chat messages rarely end their lines with a full stop). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

function termCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1)
  return counts
}

/** Inverse document frequencies over `documents` (each a list of terms), smoothed so none is 0. */
export function inverseDocumentFrequencies(documents: readonly (readonly string[])[]): Map<string, number> {
  const df = new Map<string, number>()
  for (const doc of documents) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1)
  const n = documents.length
  const idf = new Map<string, number>()
  for (const [t, d] of df) idf.set(t, Math.log(1 + n / d))
  return idf
}

export type Vector = Map<string, number>

/** TF-IDF vector of a list of terms (term frequency × idf; unknown terms weigh `unknownIdf`). */
export function tfidf(tokens: readonly string[], idf: ReadonlyMap<string, number>, unknownIdf = 0): Vector {
  const vector: Vector = new Map()
  for (const [t, n] of termCounts(tokens)) {
    const weight = n * (idf.get(t) ?? unknownIdf)
    if (weight > 0) vector.set(t, weight)
  }
  return vector
}

export function cosine(a: Vector, b: Vector): number {
  let dot = 0
  for (const [t, w] of a) dot += w * (b.get(t) ?? 0)
  if (dot === 0) return 0
  return dot / (norm(a) * norm(b))
}

/** `v` scaled to length 1 (unchanged when empty). */
export function unit(v: Vector): Vector {
  const n = norm(v)
  return n > 0 ? new Map([...v].map(([t, w]) => [t, w / n])) : v
}

function norm(v: Vector): number {
  let sum = 0
  for (const w of v.values()) sum += w * w
  return Math.sqrt(sum)
}

/** Okapi BM25 over a small collection, with each document's score and the query terms it covers. */
export class Bm25 {
  readonly #docs: Map<string, number>[]
  readonly #lengths: number[]
  readonly #avgLength: number
  readonly #idf: Map<string, number>
  readonly #k1: number
  readonly #b: number

  constructor(documents: readonly (readonly string[])[], options: { k1?: number; b?: number } = {}) {
    this.#docs = documents.map((d) => termCounts(d))
    this.#lengths = documents.map((d) => d.length)
    this.#avgLength = this.#lengths.reduce((a, b) => a + b, 0) / Math.max(1, documents.length) || 1
    this.#k1 = options.k1 ?? 1.2
    this.#b = options.b ?? 0.75
    const df = new Map<string, number>()
    for (const doc of this.#docs) for (const t of doc.keys()) df.set(t, (df.get(t) ?? 0) + 1)
    const n = documents.length
    this.#idf = new Map([...df].map(([t, d]) => [t, Math.log(1 + (n - d + 0.5) / (d + 0.5))]))
  }

  /** The BM25 score of document `index` for the query, and the IDF-weighted share of the query it covers. */
  score(query: readonly string[], index: number): { score: number; coverage: number } {
    const doc = this.#docs[index]!
    const length = this.#lengths[index]!
    let score = 0
    let covered = 0
    let total = 0
    for (const t of new Set(query)) {
      // A query term found in no document still counts against coverage, as much as a rare one.
      const idf = this.#idf.get(t) ?? Math.log(1 + (this.#docs.length + 0.5) / 0.5)
      total += idf
      const tf = doc.get(t) ?? 0
      if (tf === 0) continue
      covered += idf
      score +=
        (idf * tf * (this.#k1 + 1)) / (tf + this.#k1 * (1 - this.#b + (this.#b * length) / this.#avgLength))
    }
    return { score, coverage: total > 0 ? covered / total : 0 }
  }
}

/** "Article — Section", or the article's title for a passage without a heading. */
export function passageTitle(p: { title: string; heading?: string | null | undefined }): string {
  return p.heading ? `${p.title} — ${p.heading}` : p.title
}

/** `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`
}
