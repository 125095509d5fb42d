// Knowledge-gap clustering: the acceptance scenario (ten differently worded dark-mode questions among
// other topics, at the default threshold tuned on the separate dev fixture), the dev figures behind
// that threshold, determinism, edge cases, running without word vectors, and speed at 1,500 questions.

import { describe, expect, it } from 'vitest'
import { DEV_GAP_QUESTIONS, type LabelledGapQuestion } from './gap-clusters.dev-fixture.ts'
import { HELD_OUT_1, HELD_OUT_2 } from './gap-clusters.heldout-fixture.ts'
import { type ClusterOptions, clusterQuestions, type GapCluster, type GapQuestion } from './gap-clusters.ts'

const topic = (name: string, questions: readonly string[]): LabelledGapQuestion[] =>
  questions.map((question) => ({ topic: name, question }))

// The default threshold was tuned on the dev fixture only; no topic or wording here is in it. This
// set was looked at while shaping the method (it prompted the context words and the semantic view's
// coverage weighting), so it is not pristine. Margin: the dark-mode cluster is whole and pure from
// 0.11 (below, "a different font in the editor" joins) up to 0.25, above the default 0.22, and
// splits (the two "night" questions) from 0.26.
const ACCEPTANCE: readonly LabelledGapQuestion[] = [
  ...topic('dark mode', [
    'Is there a dark mode?',
    'Can I switch the editor to a night theme?',
    'The white background hurts my eyes at night, any darker option?',
    'how to enable dark theme on android',
    'Do you support dark appearance like macOS?',
    'black background setting?',
    "Will the desktop app follow my system's dark appearance automatically?",
    'Please add a dark colour scheme, the bright white UI is blinding',
    'any way to get light text on a dark background in the iPhone app',
    'Night mode for the web editor?',
  ]),
  ...topic('offline', [
    'Does Quillstack work without an internet connection?',
    'Can I write notes offline on a plane and sync them later?',
    'Is there an offline mode for the Android app?',
    "My notes don't open when I have no connection",
    'Are notes cached locally so I can read them offline?',
  ]),
  ...topic('export to Word', [
    'How do I export a note to Word?',
    'Can I download my document as a .docx file?',
    'Export to Microsoft Word loses my formatting',
    'My publisher wants the manuscript as a Word document, can Quillstack export that?',
    'docx export for a whole notebook?',
  ]),
  ...topic('SSO', [
    'Do you support SAML single sign-on?',
    'Can we log in with Okta SSO?',
    'SSO with Azure AD for our company workspace',
    'how to set up single sign on for the business plan',
  ]),
  ...topic('annual refund', [
    'I paid for a year by mistake, can I get a refund?',
    'Refund for the annual subscription I bought yesterday',
    'Can I cancel my yearly plan and get my money back?',
    'Is the annual plan refundable if I downgrade to monthly?',
    'charged $96 for annual renewal, I wanted monthly — please refund',
  ]),
  ...topic('2FA recovery codes', [
    "I lost my phone and can't get my two-factor codes",
    'Where do I find my 2FA backup codes?',
    'recovery codes for two factor authentication not working',
    'How can I regenerate my authenticator recovery codes?',
  ]),
  ...topic('API rate limits', [
    'What are the API rate limits?',
    'Getting 429 Too Many Requests from the API',
    'How many API requests per minute can our integration make?',
    'Can we raise the API throttle limit for our enterprise account?',
  ]),
  ...topic('single:font', ['Can I use a different font in the editor?']),
  ...topic('single:nonprofit', ['Do you offer a discount for nonprofits?']),
  ...topic('single:share link', ['How do I share a notebook with a read-only link?']),
  ...topic('single:word count', ['Is there a word count goal for daily writing?']),
  ...topic('single:move notes', ['Can I move notes between workspaces?']),
]

interface Batch {
  questions: GapQuestion[]
  topicOf: Map<string, string>
}

/** Neutral ids in fixture order, so nothing about the topic leaks into the input. */
function batch(labelled: readonly LabelledGapQuestion[]): Batch {
  const questions = labelled.map((q, i) => ({ id: `q${String(i).padStart(3, '0')}`, question: q.question }))
  return { questions, topicOf: new Map(questions.map((q, i) => [q.id, labelled[i]!.topic])) }
}

const isSingleton = (t: string) => t.startsWith('single:')

function topicsIn(cluster: GapCluster, topicOf: Map<string, string>): Set<string> {
  return new Set(cluster.members.map((m) => topicOf.get(m.id)!))
}

/** Share of questions in their cluster's majority topic, and in their topic's largest cluster. */
function purityAndCompleteness(clusters: readonly GapCluster[], topicOf: Map<string, string>) {
  let pure = 0
  let total = 0
  const largest = new Map<string, number>()
  for (const c of clusters) {
    const counts = new Map<string, number>()
    for (const m of c.members) counts.set(topicOf.get(m.id)!, (counts.get(topicOf.get(m.id)!) ?? 0) + 1)
    pure += Math.max(...counts.values())
    total += c.members.length
    for (const [t, n] of counts) largest.set(t, Math.max(largest.get(t) ?? 0, n))
  }
  const complete = [...largest.values()].reduce((a, b) => a + b, 0)
  return { purity: pure / total, completeness: complete / total }
}

function expectPartition(clusters: readonly GapCluster[], questions: readonly GapQuestion[]) {
  const seen = clusters.flatMap((c) => c.members.map((m) => m.id)).sort()
  expect(seen).toEqual(questions.map((q) => q.id).sort())
}

/** The partition as sorted lists of question texts, independent of input and cluster order. */
function partition(clusters: readonly GapCluster[]): string[][] {
  return clusters
    .map((c) => c.members.map((m) => m.question).sort())
    .sort((a, b) => (a.join('\n') < b.join('\n') ? -1 : 1))
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let state = seed
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648
    const j = state % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

describe('clusterQuestions: acceptance (held-out topics, default threshold)', () => {
  const { questions, topicOf } = batch(ACCEPTANCE)
  const clusters = clusterQuestions(questions)

  it('puts all ten differently worded dark-mode questions in one cluster, and nothing else', () => {
    const darkIds = questions.filter((q) => topicOf.get(q.id) === 'dark mode').map((q) => q.id)
    expect(darkIds).toHaveLength(10)
    const dark = clusters.filter((c) => c.members.some((m) => darkIds.includes(m.id)))
    expect(dark).toHaveLength(1)
    expect(dark[0]!.members.map((m) => m.id).sort()).toEqual(darkIds.sort())
    // Biggest group first, labelled with words customers actually wrote.
    expect(clusters[0]).toBe(dark[0])
    expect(dark[0]!.keywords).toContain('dark')
    expect(dark[0]!.label.split(' ')).toContain('dark')
  })

  it('never merges two topics, and splits none in more than two', () => {
    expectPartition(clusters, questions)
    for (const c of clusters) {
      const topics = [...topicsIn(c, topicOf)].filter((t) => !isSingleton(t))
      expect(topics.length, `${c.label}: ${topics.join(', ')}`).toBeLessThanOrEqual(1)
    }
    const pieces = new Map<string, number>()
    for (const c of clusters) for (const t of topicsIn(c, topicOf)) pieces.set(t, (pieces.get(t) ?? 0) + 1)
    for (const [t, n] of pieces) expect(n, t).toBeLessThanOrEqual(2)
  })

  it('reads as a digest', () => {
    const lines = clusters.map((c) => `${c.members.length} × ${c.label}`)
    console.log(`acceptance digest:\n  ${lines.join('\n  ')}`)
    expect(lines[0]).toMatch(/^10 × /)
  })
})

describe('clusterQuestions: a quiet week', () => {
  it('keeps ten differently worded questions about one topic together when they are all there is', () => {
    // The common component of the semantic view is estimated with a fixed background, not from the
    // batch alone, which here would be the dark-mode topic itself (the ten split 5+3+2).
    const { questions } = batch(ACCEPTANCE.filter((q) => q.topic === 'dark mode'))
    expect(partition(clusterQuestions(questions))).toEqual([questions.map((q) => q.question).sort()])
  })
})

describe('clusterQuestions: dev fixture behind the default threshold', () => {
  it('keeps the purity and completeness documented at DEFAULT_GAP_THRESHOLD', () => {
    const { questions, topicOf } = batch(DEV_GAP_QUESTIONS)
    const clusters = clusterQuestions(questions)
    expectPartition(clusters, questions)
    const withVectors = purityAndCompleteness(clusters, topicOf)
    const withoutVectors = purityAndCompleteness(clusterQuestions(questions, { wordVectors: null }), topicOf)
    console.log('dev fixture', { withVectors, withoutVectors })
    // Documented: 0.88 / 0.79 with vectors, 0.85 / 0.66 without.
    expect(withVectors.purity).toBeGreaterThanOrEqual(0.85)
    expect(withVectors.completeness).toBeGreaterThanOrEqual(0.75)
    expect(withoutVectors.purity).toBeGreaterThanOrEqual(0.8)
    expect(withoutVectors.completeness).toBeGreaterThanOrEqual(0.6)
  })
})

/** For each topic: its largest cluster's share of the topic, and that cluster's share in the topic. */
function topicGroups(clusters: readonly GapCluster[], topicOf: Map<string, string>, name: string) {
  const size = [...topicOf.values()].filter((t) => t === name).length
  const best = clusters
    .map((c) => ({ c, n: c.members.filter((m) => topicOf.get(m.id) === name).length }))
    .sort((a, b) => b.n - a.n)[0]!
  return { size, largest: best.n, purity: best.n / best.c.members.length }
}

describe('clusterQuestions: held-out batches (never tuned on)', () => {
  it('held-out 1: ten CSV-export and ten two-factor questions among others', () => {
    // Before the support lexicon (gap-lexicon.ts) and the role context words: CSV 5(+1 two-factor)
    // + 4 + 1(+1), two-factor 1(+5 CSV) + 4 + 1(+1) + 2 + 1 + 1; B-cubed F1 0.65, purity 0.91.
    // Now: two-factor 10 alone; CSV 9 alone plus "my boss wants the task table in xlsx … out of
    // Quillstack" on its own (the product name is its strongest word); F1 0.93, purity 0.97. With
    // brandNames: ['Quillstack'] both are whole and alone (F1 0.96).
    const { questions, topicOf } = batch(HELD_OUT_1)
    const clusters = clusterQuestions(questions)
    expectPartition(clusters, questions)
    expect(topicGroups(clusters, topicOf, 'two-factor')).toEqual({ size: 10, largest: 10, purity: 1 })
    const csv = topicGroups(clusters, topicOf, 'csv export')
    expect(csv.largest).toBeGreaterThanOrEqual(9)
    expect(csv.purity).toBe(1)
    expect(purityAndCompleteness(clusters, topicOf).purity).toBeGreaterThanOrEqual(0.95)

    const branded = clusterQuestions(questions, { brandNames: ['Quillstack'] })
    for (const name of ['two-factor', 'csv export']) {
      expect(topicGroups(branded, topicOf, name), name).toEqual({ size: 10, largest: 10, purity: 1 })
    }
  })

  it('held-out 2: cancelling, invoices and calendar questions, ten each, among others', () => {
    // Written before this round of changes and not tuned on. It is still hard: B-cubed F1 0.62 →
    // 0.65, purity 0.77 → 0.75. Largest groups now: cancel 6 (+1 "free plan limit"), invoices 5
    // (+1 "payment failed"), calendar 6 (alone; the other four went with "next"/"date" questions
    // about cancelling), email notifications 4 (+3 invoice questions on e-mailed invoices). So only
    // this much is asserted: each ten-question topic keeps at least half in one mostly pure group.
    const { questions, topicOf } = batch(HELD_OUT_2)
    const clusters = clusterQuestions(questions)
    expectPartition(clusters, questions)
    for (const name of ['cancel', 'invoices', 'calendar']) {
      const g = topicGroups(clusters, topicOf, name)
      expect(g.largest, name).toBeGreaterThanOrEqual(5)
      expect(g.purity, name).toBeGreaterThanOrEqual(0.8)
    }
    expect(purityAndCompleteness(clusters, topicOf).purity).toBeGreaterThanOrEqual(0.7)
  })
})

describe('clusterQuestions: determinism', () => {
  const { questions } = batch([...ACCEPTANCE, ...DEV_GAP_QUESTIONS])

  it('returns identical output for the same input', () => {
    expect(clusterQuestions(questions)).toEqual(clusterQuestions(questions))
  })

  it('finds the same partition and labels whatever the input order', () => {
    const reference = clusterQuestions(questions)
    for (const seed of [1, 2, 3]) {
      const again = clusterQuestions(shuffled(questions, seed))
      expect(partition(again)).toEqual(partition(reference))
      expect(again.map((c) => c.label).sort()).toEqual(reference.map((c) => c.label).sort())
    }
  })

  it('keeps members in input order and orders clusters by size, then label', () => {
    const clusters = clusterQuestions(questions)
    const position = new Map(questions.map((q, i) => [q.id, i]))
    for (const c of clusters) {
      const at = c.members.map((m) => position.get(m.id)!)
      expect(at).toEqual([...at].sort((a, b) => a - b))
    }
    for (let i = 1; i < clusters.length; i++) {
      const [a, b] = [clusters[i - 1]!, clusters[i]!]
      expect(
        a.members.length > b.members.length || (a.members.length === b.members.length && a.label <= b.label),
      ).toBe(true)
    }
  })
})

describe('clusterQuestions: edge cases', () => {
  it('returns nothing for no questions', () => {
    expect(clusterQuestions([])).toEqual([])
  })

  it('makes one cluster of one question', () => {
    const q = { id: 'a', question: 'Can I export a notebook to PDF?' }
    const clusters = clusterQuestions([q])
    expect(clusters).toHaveLength(1)
    expect(clusters[0]!.members).toEqual([q])
    expect(clusters[0]!.label).not.toBe('')
    expect(clusters[0]!.keywords).toEqual(expect.arrayContaining(['export', 'notebook', 'pdf']))
  })

  it('clusters repeats of the same question together, however they are typed', () => {
    const repeats = ['Is there a dark mode?', 'is there a DARK MODE', 'Is there a dark mode?!']
    const { questions } = batch([
      ...ACCEPTANCE.filter((q) => q.topic !== 'dark mode'),
      ...topic('dark mode', repeats),
    ])
    const clusters = clusterQuestions(questions)
    const holding = clusters.filter((c) => c.members.some((m) => repeats.includes(m.question)))
    expect(holding).toHaveLength(1)
    expect(holding[0]!.members.map((m) => m.question)).toEqual(repeats)

    const twins = clusterQuestions([
      { id: '1', question: 'refund please' },
      { id: '2', question: 'refund please' },
    ])
    expect(twins).toHaveLength(1)
    expect(twins[0]!.members.map((m) => m.id)).toEqual(['1', '2'])
  })

  it('keeps questions without content words apart, labelled by their text', () => {
    const clusters = clusterQuestions([
      { id: '1', question: 'hello?' },
      { id: '2', question: 'hello?' },
      { id: '3', question: '???' },
      { id: '4', question: 'How do I cancel my subscription?' },
      { id: '5', question: 'cancel subscription please' },
    ])
    expect(partition(clusters)).toEqual([
      ['???'],
      ['How do I cancel my subscription?', 'cancel subscription please'],
      ['hello?', 'hello?'],
    ])
    expect(clusters.find((c) => c.members[0]!.id === '1')!.label).toBe('hello?')
    expect(clusters.find((c) => c.members[0]!.id === '3')!.keywords).toEqual([])
  })

  it('shows keywords in the form customers wrote most often', () => {
    const templates = [
      'Are there more templates?',
      'templates for meeting notes',
      'Can I create my own templates?',
      'custom template for book outlines',
    ]
    const { questions } = batch([...ACCEPTANCE, ...topic('templates', templates)])
    const cluster = clusterQuestions(questions).find((c) =>
      c.members.some((m) => templates.includes(m.question)),
    )!
    expect(cluster.members.map((m) => m.question)).toEqual(templates)
    // One stem, "templat"; three questions say "templates", one "template".
    expect(cluster.keywords[0]).toBe('templates')
    expect(cluster.keywords).not.toContain('template')
    expect(cluster.label.split(' ')).toContain('templates')
  })

  it('follows the threshold from "merge nothing" to "merge everything"', () => {
    const { questions } = batch(ACCEPTANCE)
    expect(clusterQuestions(questions, { threshold: 1.01 })).toHaveLength(questions.length)
    expect(clusterQuestions(questions, { threshold: -1 })).toHaveLength(1)
  })
})

describe('clusterQuestions: without word vectors', () => {
  it('still clusters by shared words, never merging two topics', () => {
    const { questions, topicOf } = batch(ACCEPTANCE)
    const options: ClusterOptions = { wordVectors: null }
    const clusters = clusterQuestions(questions, options)
    expectPartition(clusters, questions)
    for (const c of clusters) {
      const topics = [...topicsIn(c, topicOf)].filter((t) => !isSingleton(t))
      expect(topics.length, c.label).toBeLessThanOrEqual(1)
    }
    // Synonyms no longer meet ("night theme" / "black background"), but "dark …" still does.
    const dark = clusters.find((c) => c.members.some((m) => m.question === 'Is there a dark mode?'))!
    expect(dark.members.length).toBeGreaterThanOrEqual(4)
    expect(clusterQuestions(questions, options)).toEqual(clusters)
  })
})

describe('clusterQuestions: scale', () => {
  it('clusters 1,500 questions in a few seconds', () => {
    let state = 42
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state % n
    }
    const base = [...ACCEPTANCE, ...DEV_GAP_QUESTIONS].map((q) => q.question)
    const openers = [
      '',
      'hi, ',
      'quick question: ',
      'hello team, ',
      'sorry if this is obvious but ',
      'urgent: ',
    ]
    const closers = ['', ' thanks!', ' on android', ' on my mac', ' in the web app', ' for our team', ' asap']
    const questions = Array.from({ length: 1500 }, (_, i) => {
      const extra = base[next(base.length)]!.split(' ').slice(0, 3).join(' ')
      const question = `${openers[next(openers.length)]}${base[next(base.length)]}${closers[next(closers.length)]} ${extra}`
      return { id: `q${i}`, question }
    })
    const started = performance.now()
    const clusters = clusterQuestions(questions)
    const seconds = (performance.now() - started) / 1000
    console.log(`1,500 questions → ${clusters.length} clusters in ${seconds.toFixed(2)} s`)
    expectPartition(clusters, questions)
    // Generous: about 1 s on a laptop; the bound only catches an accidental O(n³).
    expect(seconds).toBeLessThan(20)
  })
})
