// Groups the customer questions the knowledge base could not answer into topics for the weekly
// knowledge-gap digest ("Customers asked about dark mode 12 times"). Pure and synchronous; the only
// thing it reads is the bundled word-vector artifact, loaded once per process.

import type { WordVectors } from '../../agents/local/nlu/features.ts'
import { normalizeText, tokenize } from '../../agents/local/nlu/normalize.ts'
import { stem } from '../../agents/local/nlu/porter-stemmer.ts'
import { bundledWordVectors } from '../../agents/local/nlu/word-vectors.ts'

export interface GapQuestion {
  id: string
  question: string
}

export interface GapCluster {
  /** a short human label, e.g. "dark mode" — the most characteristic terms, unstemmed as customers wrote them */
  label: string
  keywords: string[]
  members: GapQuestion[]
}

export interface ClusterOptions {
  /** similarity at or above which two groups merge (0..1); default tuned below */
  threshold?: number
  /** vectors for the semantic view: the bundled GloVe vectors when omitted, none when null */
  wordVectors?: WordVectors | null
}

/**
 * Stopping point of the clustering (see `averageLinkage`): groups merge while their cohesion-adjusted
 * average similarity is at least this. Tuned on gap-clusters.dev-fixture.ts (67 questions: 11 topics
 * of 4–10, 12 singletons) by a sweep over 0.10–0.50; B-cubed F1 peaks on 0.21–0.23 and this is the
 * middle. There: purity 0.88, completeness 0.79 (B-cubed precision 0.84, recall 0.72, F1 0.78).
 * Without word vectors the same threshold gives purity 0.84, completeness 0.63 (F1 0.64; its own best,
 * at 0.30, is 0.66). The acceptance test in gap-clusters.test.ts runs at this value, unchanged.
 */
export const DEFAULT_GAP_THRESHOLD = 0.22

/**
 * Shares of the two views in the combined vector: each view is unit length and scaled by the square
 * root of its share, so the cosine of two combined vectors is the share-weighted mean of the views'
 * cosines. The semantic view carries more because customers rarely reuse each other's words ("night
 * theme", "black background"); the lexical view keeps apart topics that GloVe sees as alike. On the
 * dev set 0.3/0.7 to 0.5/0.5 are within noise of each other; 0.6/0.4 is worse.
 */
export const GAP_VIEW_WEIGHTS = { lexical: 0.4, semantic: 0.6 } as const

/**
 * Mean GloVe vectors of any two sentences share a large common component (cosines of 0.5+ between
 * unrelated questions), so the batch centroid is subtracted first, much as SIF sentence embeddings
 * remove their first principal component (without it, dev F1 drops from 0.78 to 0.48). The centroid
 * is shrunk by count / (count + this) so that in a tiny batch, whose centroid is mostly the questions
 * themselves, two questions do not become opposites.
 */
const CENTROID_PRIOR = 4

/**
 * Lexical weight of a word no other question in the batch uses. It cannot link its question to
 * anything, so at full weight it only dilutes that question's cosines and long questions would
 * cluster less readily than short ones; it still counts a little, as a sign the question is also
 * about something else.
 */
const HAPAX_WEIGHT = 0.5

/**
 * How far the linkage corrects for a group's own spread (see `averageLinkage`): 0 is plain average
 * linkage, 1 compares group centroids by cosine. Dev F1: 0.72 at 0, 0.74 at 0.5, 0.78 here, 0.74 at 1.
 */
const COHESION_EXPONENT = 0.75

/**
 * Words that say where a question is asked rather than what about: platforms and surfaces ("on
 * Android", "in the web editor", "for the app") and the generic head noun "mode" ("offline mode",
 * "dark mode"). They keep this share of their weight, for labels and as weak evidence; at full weight
 * "dark theme on android" meets "offline mode for the Android app" on two strong words.
 */
const CONTEXT_WEIGHT = 0.3
const CONTEXT_STEMS = new Set(
  (
    'android ios iphone ipad mac macos windows linux chromebook web browser chrome safari firefox ' +
    'desktop mobile phone tablet laptop computer device app apps application editor mode'
  )
    .split(' ')
    .map(stem),
)

// Standard English stop words plus the filler of support questions ("is there a way", "how do I",
// "any option to enable") and generic UI verbs found in every topic. Product nouns ("account",
// "Quillstack") are left to the batch IDF. Contractions are expanded by `normalizeText` first.
// Not agents/assist/text.ts's `terms`: its list is private and lacks the filler, and labels need the
// unstemmed surface forms.
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any anyone anything are as at be because ' +
    'been before being below between both but by can could did do does doing done down during each ' +
    'either else etc even ever every few for from further get gets getting got had has have having ' +
    'he her here hers herself him himself his how i if in into is it its itself just let like me ' +
    'might more most much must my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some someone something such than that the their ' +
    'theirs them themselves then there these they this those through to too under until up us very ' +
    'was we were what when where whether which while who whom why will with would you your yours ' +
    'yourself yourselves ' +
    'hi hello hey thanks thank please pls ok okay yes yeah sure dear regards cheers wont ' +
    'anybody somebody guys team folks question questions quick wondering wonder curious ' +
    'know tell help want wanted need needs needed able possible possibly way ways option options ' +
    'feature features available currently still really actually already maybe perhaps ' +
    'thing things stuff lot lots bit kind sort many support supported supports ' +
    'use using used make making find found add adding see look looking ' +
    'enable enabled enabling turn turned switch change changing set setting settings ' +
    'plan planning going try tried trying work works working'
  ).split(/\s+/),
)

/** A question's content words in order: normalised surface form and Porter stem. */
interface Analysed {
  readonly surfaces: readonly string[]
  readonly stems: readonly string[]
}

function analyse(text: string): Analysed {
  const surfaces: string[] = []
  const stems: string[] = []
  for (const token of tokenize(normalizeText(text))) {
    if (STOP_WORDS.has(token)) continue
    // Single letters are noise ("a" of "plan a", "e" of "e-mail"); short codes with digits are not.
    if (token.length < 2 && !/[0-9]/.test(token)) continue
    surfaces.push(token)
    stems.push(stem(token))
  }
  return { surfaces, stems }
}

/** Questions with the same content words in the same order: one node of the clustering. */
interface Node {
  readonly key: string
  readonly analysed: Analysed
  /** Indices into the input, ascending. */
  readonly members: number[]
}

export function clusterQuestions(
  questions: readonly GapQuestion[],
  options: ClusterOptions = {},
): GapCluster[] {
  if (questions.length === 0) return []
  const threshold = options.threshold ?? DEFAULT_GAP_THRESHOLD
  const vectors =
    options.wordVectors === undefined ? bundledWordVectors() : (options.wordVectors ?? undefined)

  // Repeats (same content words) become one node weighted by their count, so they always end up
  // together. Nodes are sorted by key so that every floating-point sum below runs in the same order
  // whatever the input order: a shuffled batch yields exactly the same partition.
  const byKey = new Map<string, Node>()
  questions.forEach((q, index) => {
    const analysed = analyse(q.question)
    // A question without content words ("hello?") only groups with the same text.
    const key =
      analysed.surfaces.length > 0
        ? analysed.surfaces.join(' ')
        : `\u0000${tokenize(normalizeText(q.question)).join(' ') || q.question.trim()}`
    const node = byKey.get(key)
    if (node) node.members.push(index)
    else byKey.set(key, { key, analysed, members: [index] })
  })
  const nodes = [...byKey.values()].sort((a, b) => compare(a.key, b.key))
  const counts = nodes.map((n) => n.members.length)

  const { weight, df } = termWeights(nodes, questions.length)
  const lexical = nodes.map((n) => lexicalVector(n.analysed, weight, df))
  const semantic = semanticVectors(nodes, weight, vectors)
  const sim = similarityMatrix(nodes.map((_, i) => combine(lexical[i]!, semantic[i])))
  const groups = averageLinkage(sim, counts, threshold)

  return groups
    .map((group) => describe(group, nodes, lexical, questions))
    .map((c) => ({ c, firstId: c.members.map((q) => q.id).sort()[0]! }))
    .sort(
      (a, b) =>
        b.c.members.length - a.c.members.length ||
        compare(a.c.label, b.c.label) ||
        compare(a.firstId, b.firstId),
    )
    .map(({ c }) => c)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = create()
    map.set(key, value)
  }
  return value
}

/**
 * Each stem's weight: smoothed IDF over the whole batch (repeats count), log(1 + N / df), which is
 * never 0 so a batch of identical questions still has vectors; times CONTEXT_WEIGHT for context words.
 */
function termWeights(nodes: readonly Node[], total: number) {
  const df = new Map<string, number>()
  for (const node of nodes) {
    for (const s of new Set(node.analysed.stems)) df.set(s, (df.get(s) ?? 0) + node.members.length)
  }
  const weight = new Map<string, number>()
  for (const [s, d] of df) {
    weight.set(s, Math.log(1 + total / d) * (CONTEXT_STEMS.has(s) ? CONTEXT_WEIGHT : 1))
  }
  return { weight, df }
}

type Sparse = Map<string, number>

/** Sublinear TF × term weight over stems, L2-normalised (empty for a question without content words). */
function lexicalVector(
  a: Analysed,
  weight: ReadonlyMap<string, number>,
  df: ReadonlyMap<string, number>,
): Sparse {
  const counts = new Map<string, number>()
  for (const s of a.stems) counts.set(s, (counts.get(s) ?? 0) + 1)
  const v: Sparse = new Map()
  let norm = 0
  for (const [s, n] of counts) {
    const w = (1 + Math.log(n)) * weight.get(s)! * (df.get(s) === 1 ? HAPAX_WEIGHT : 1)
    v.set(s, w)
    norm += w * w
  }
  for (const [s, w] of v) v.set(s, w / Math.sqrt(norm))
  return v
}

/** A question's semantic vector and the share of its content (by weight) that had word vectors. */
interface Semantic {
  readonly vector: Float64Array
  readonly coverage: number
}

/**
 * The weighted mean of the content words' vectors, like the classifier's `mean` view in features.ts
 * but over content words only (the filler's vectors would make all questions alike), unit length,
 * with the batch centroid partly removed (CENTROID_PRIOR). Undefined where no word has a vector.
 */
function semanticVectors(
  nodes: readonly Node[],
  weight: ReadonlyMap<string, number>,
  vectors: WordVectors | undefined,
): Array<Semantic | undefined> {
  if (vectors === undefined) return nodes.map(() => undefined)
  const dims = vectors.dimensions
  const means = nodes.map((node) => {
    const sum = new Float64Array(dims)
    let covered = 0
    let total = 0
    node.analysed.surfaces.forEach((word, k) => {
      const w = weight.get(node.analysed.stems[k]!)!
      total += w
      const v = vectors.vector(word)
      if (v === undefined) return
      for (let d = 0; d < dims; d++) sum[d]! += w * v[d]!
      covered += w
    })
    const vector = covered > 0 ? normalise(sum) : undefined
    return vector && { vector, coverage: covered / total }
  })
  const centroid = new Float64Array(dims)
  let count = 0
  means.forEach((m, i) => {
    if (m === undefined) return
    const repeats = nodes[i]!.members.length
    for (let d = 0; d < dims; d++) centroid[d]! += repeats * m.vector[d]!
    count += repeats
  })
  const shrink = 1 / (count + CENTROID_PRIOR)
  return means.map((m) => {
    if (m === undefined) return undefined
    const centred = new Float64Array(dims)
    for (let d = 0; d < dims; d++) centred[d] = m.vector[d]! - centroid[d]! * shrink
    const vector = normalise(centred)
    return vector && { vector, coverage: m.coverage }
  })
}

function normalise(x: Float64Array): Float64Array | undefined {
  let norm = 0
  for (const v of x) norm += v * v
  if (norm === 0) return undefined
  const scale = 1 / Math.sqrt(norm)
  for (let d = 0; d < x.length; d++) x[d]! *= scale
  return x
}

/** A question as one unit vector, the concatenation of its scaled views (either may be missing). */
interface Combined {
  readonly lexical: Sparse
  readonly lexicalScale: number
  readonly semantic: Float64Array | undefined
  readonly semanticScale: number
}

function combine(lexical: Sparse, semantic: Semantic | undefined): Combined {
  const l = lexical.size > 0 ? GAP_VIEW_WEIGHTS.lexical : 0
  // The semantic view speaks only for the words that have vectors: "log in with Okta SSO" is not
  // about logs, so its share shrinks with the (weighted) share of words it covers.
  const s = semantic !== undefined ? GAP_VIEW_WEIGHTS.semantic * semantic.coverage : 0
  const total = l + s
  // A missing view gives its share to the other, so the concatenation stays unit length.
  return {
    lexical,
    lexicalScale: total > 0 ? Math.sqrt(l / total) : 0,
    semantic: semantic?.vector,
    semanticScale: total > 0 ? Math.sqrt(s / total) : 0,
  }
}

/** Cosine similarities of all pairs, as a dense symmetric n × n matrix (diagonal unused). */
function similarityMatrix(items: readonly Combined[]): Float64Array {
  const n = items.length
  const sim = new Float64Array(n * n)
  // Lexical part through postings: each pair costs only the terms it shares.
  const postings = new Map<string, Array<[number, number]>>()
  items.forEach((item, i) => {
    for (const [term, w] of item.lexical) {
      entry(postings, term, () => []).push([i, w * item.lexicalScale])
    }
  })
  for (const list of postings.values()) {
    for (let a = 0; a < list.length; a++) {
      const [i, wi] = list[a]!
      for (let b = a + 1; b < list.length; b++) {
        const [j, wj] = list[b]!
        sim[i * n + j]! += wi * wj
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const si = items[i]!.semantic
    for (let j = i + 1; j < n; j++) {
      const sj = items[j]!.semantic
      let s = sim[i * n + j]!
      if (si !== undefined && sj !== undefined) {
        let dot = 0
        for (let d = 0; d < si.length; d++) dot += si[d]! * sj[d]!
        s += dot * items[i]!.semanticScale * items[j]!.semanticScale
      }
      sim[i * n + j] = s
      sim[j * n + i] = s
    }
  }
  return sim
}

/**
 * Agglomerative clustering with average linkage (mean pairwise cosine between two groups, each
 * question weighted by its repeats), merging the best pair until none reaches `threshold`. The mean
 * is divided by (cohesionA × cohesionB)^(COHESION_EXPONENT / 2), where a group's cohesion is the
 * mean similarity of all its ordered pairs including each question with itself (1 for one
 * question): a topic asked about in ten different ways is internally loose, and plain average
 * linkage would stop growing it long before it stops a tight pair of look-alikes that are about
 * different things. At exponent 1 this is the cosine of the groups' centroids.
 *
 * Lance–Williams updates keep the pairwise means; each group caches its best partner. A merge
 * changes only scores involving the merged group, so only groups whose best partner took part need
 * a rescan: near O(n²) overall. Ties go to the lowest index (nodes are in canonical order), so the
 * result is deterministic.
 */
function averageLinkage(sim: Float64Array, weights: readonly number[], threshold: number): number[][] {
  const n = weights.length
  const size = Float64Array.from(weights)
  const alive = new Uint8Array(n).fill(1)
  const members: number[][] = weights.map((_, i) => [i])
  const best = new Int32Array(n).fill(-1)
  const bestSim = new Float64Array(n).fill(Number.NEGATIVE_INFINITY)
  const cohesion = new Float64Array(n).fill(1)
  const score = (i: number, j: number) =>
    sim[i * n + j]! / Math.max(cohesion[i]! * cohesion[j]!, 1e-12) ** (COHESION_EXPONENT / 2)

  const rescan = (i: number) => {
    let b = -1
    let s = Number.NEGATIVE_INFINITY
    for (let j = 0; j < n; j++) {
      if (j === i || !alive[j]) continue
      const v = score(i, j)
      if (v > s) {
        s = v
        b = j
      }
    }
    best[i] = b
    bestSim[i] = s
  }
  for (let i = 0; i < n; i++) rescan(i)

  for (;;) {
    let a = -1
    for (let i = 0; i < n; i++) {
      if (alive[i] && best[i]! >= 0 && (a < 0 || bestSim[i]! > bestSim[a]!)) a = i
    }
    if (a < 0 || bestSim[a]! < threshold) break
    const b = best[a]!
    // Merge b into a.
    const sa = size[a]!
    const sb = size[b]!
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === a || k === b) continue
      const v = (sa * sim[a * n + k]! + sb * sim[b * n + k]!) / (sa + sb)
      sim[a * n + k] = v
      sim[k * n + a] = v
    }
    cohesion[a] =
      (sa * sa * cohesion[a]! + sb * sb * cohesion[b]! + 2 * sa * sb * sim[a * n + b]!) /
      ((sa + sb) * (sa + sb))
    size[a] = sa + sb
    alive[b] = 0
    members[a]!.push(...members[b]!)
    members[b] = []
    for (let k = 0; k < n; k++) {
      if (!alive[k]) continue
      if (k === a || best[k] === a || best[k] === b) rescan(k)
      else {
        // The merged group may now be the closest (its cohesion fell), or tie at a lower index.
        const v = score(k, a)
        if (v > bestSim[k]! || (v === bestSim[k] && a < best[k]!)) {
          best[k] = a
          bestSim[k] = v
        }
      }
    }
  }
  return members.filter((_, i) => alive[i])
}

/** Labels a group: keywords by summed TF-IDF over its questions, shown as customers spelled them. */
function describe(
  group: readonly number[],
  nodes: readonly Node[],
  lexical: readonly Sparse[],
  questions: readonly GapQuestion[],
): GapCluster {
  const score = new Map<string, number>()
  const surfaceCounts = new Map<string, Map<string, number>>()
  const positions = new Map<string, number[]>()
  for (const i of group) {
    const node = nodes[i]!
    const repeats = node.members.length
    for (const [s, w] of lexical[i]!) score.set(s, (score.get(s) ?? 0) + repeats * w)
    const { stems, surfaces } = node.analysed
    stems.forEach((s, k) => {
      const counts = entry(surfaceCounts, s, () => new Map<string, number>())
      counts.set(surfaces[k]!, (counts.get(surfaces[k]!) ?? 0) + repeats)
      entry(positions, s, () => []).push(stems.length > 1 ? k / (stems.length - 1) : 0)
    })
  }
  const ranked = [...score].sort((x, y) => y[1] - x[1] || compare(x[0], y[0]))
  const surface = (s: string) =>
    [...surfaceCounts.get(s)!].sort((x, y) => y[1] - x[1] || compare(x[0], y[0]))[0]![0]
  const keywords = ranked.slice(0, 5).map(([s]) => surface(s))

  // Two keywords, and a third only when it is nearly as characteristic as the second; written in
  // the order customers tend to use them ("dark mode", not "mode dark").
  const chosen = ranked.slice(0, 2)
  const third = ranked[2]
  if (third && chosen[1] && third[1] >= 0.8 * chosen[1][1]) chosen.push(third)
  const meanPosition = (s: string) => {
    const at = positions.get(s)!
    return at.reduce((x, y) => x + y, 0) / at.length
  }
  const label =
    chosen.length > 0
      ? chosen
          .map(([s]) => s)
          .sort((x, y) => meanPosition(x) - meanPosition(y) || compare(x, y))
          .map(surface)
          .join(' ')
      : fallbackLabel(questions[nodes[group[0]!]!.members[0]!]!.question)

  const indices = group.flatMap((i) => nodes[i]!.members).sort((x, y) => x - y)
  return { label, keywords, members: indices.map((i) => questions[i]!) }
}

/** A group without content words ("hello?") is labelled by its text, shortened. */
function fallbackLabel(question: string): string {
  const text = question.trim().replace(/\s+/g, ' ')
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}
