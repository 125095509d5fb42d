// Offline sentiment of a customer's message (−1…1), VADER-style: lexicon valences adjusted for
// negation, intensifiers, "but" clauses, caps and exclamation marks, then squashed into −1…1.
// Pure and deterministic so it can score every inbound message without a model or a network.

import { normalizeText, tokenize } from '../local/nlu/normalize.ts'
import { BOOSTERS, CONTRAST_WORDS, COURTESY, LEXICON, NEGATORS } from './lexicon.ts'

export interface Sentiment {
  /** −1 (angry) … 1 (delighted); 0 when nothing in the text carries an opinion. */
  score: number
  label: 'negative' | 'neutral' | 'positive'
  /** words that moved the score, for explanations */
  cues: string[]
}

/** |score| below this is 'neutral': one faint word ("ok", "asap") should not label a message. */
export const NEUTRAL_BAND = 0.05

// VADER's constants: they were fitted on human ratings, and our lexicon uses the same −4…+4 scale.
const NEGATION_FACTOR = -0.74
const CAPS_BOOST = 0.733
const EXCLAMATION_BOOST = 0.292
const MAX_EXCLAMATIONS = 4
const BEFORE_CONTRAST = 0.5
const AFTER_CONTRAST = 1.5
/** How far back a negator or booster reaches, and how much it fades with distance. */
const WINDOW_DECAY = [1, 0.95, 0.9] as const
/** x / sqrt(x² + α): keeps one strong word well below 1 and many words close to it. */
const ALPHA = 15
/**
 * A question asks about something rather than asserting it ("is the sync working?", "what's the
 * fastest way…"), so its words count half; "why …?" is a complaint in question form and counts fully.
 */
const QUESTION_FACTOR = 0.5

type TokenKind = 'word' | 'symbol' | 'clause'
interface Token {
  text: string
  kind: TokenKind
  caps: boolean
}
interface Sentence {
  tokens: Token[]
  question: boolean
}

/** `start` is the index of the item's first token, so a cue can quote "not the best" as written. */
type Item = { start: number } & (
  | { kind: 'valence'; key: string; value: number; caps: boolean }
  | { kind: 'negator'; key: string; caps: boolean }
  | { kind: 'booster'; value: number; caps: boolean }
  | { kind: 'contrast' }
  | { kind: 'other' }
  | { kind: 'break' }
)

// Emoticons first so ":(" is not read as a clause colon; a letter before ":" means a URL ("https://").
const TOKEN_PATTERN =
  /(?<![\p{L}\p{N}:])(?:[:;=]-?[)(DP/]|:'\()|\p{Extended_Pictographic}|[\p{L}\p{N}'\u2018\u2019]+|[.!?;\n]|[,:]/gu

const MAX_PHRASE_TOKENS = Math.max(
  ...[...LEXICON.keys(), ...NEGATORS, ...BOOSTERS.keys()].map((key) => key.split(' ').length),
)

export function sentimentOf(text: string): Sentiment {
  const sentences = splitSentences(text)
  const hasQuestion = sentences.some((sentence) => sentence.question)
  const scored = sentences.map((sentence) => scoreSentence(sentence, hasQuestion))
  applyContrast(scored)

  let sum = 0
  const cues: string[] = []
  for (const sentence of scored) {
    for (const valence of sentence.valences) {
      const value = valence.value * valence.weight
      if (value === 0) continue
      sum += value
      if (!cues.includes(valence.cue)) cues.push(valence.cue)
    }
  }
  if (sum !== 0) {
    // "!!!" emphasises whatever the message already says; it carries no direction of its own.
    const exclamations = Math.min(MAX_EXCLAMATIONS, (text.match(/!/g) ?? []).length)
    sum += Math.sign(sum) * exclamations * EXCLAMATION_BOOST
  }
  const score = Math.round((sum / Math.sqrt(sum * sum + ALPHA)) * 1000) / 1000 + 0
  const label = score <= -NEUTRAL_BAND ? 'negative' : score >= NEUTRAL_BAND ? 'positive' : 'neutral'
  return { score, label, cues }
}

function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = []
  let tokens: Token[] = []
  const close = (question: boolean) => {
    if (tokens.some((token) => token.kind !== 'clause')) sentences.push({ tokens, question })
    tokens = []
  }
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const raw = match[0]
    if (/^[.!?;\n]$/.test(raw)) {
      close(raw === '?')
    } else if (raw === ',' || raw === ':') {
      tokens.push({ text: raw, kind: 'clause', caps: false })
    } else if (/^[\p{L}\p{N}'\u2018\u2019]+$/u.test(raw)) {
      // Shouting is an all-caps word of two or more letters ("BROKEN", "NOT"), not "I" or "A".
      const letters = raw.replace(/[^\p{L}]/gu, '')
      const caps =
        letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()
      for (const word of tokenize(normalizeText(raw))) tokens.push({ text: word, kind: 'word', caps })
    } else {
      tokens.push({ text: raw.replace('-', ''), kind: 'symbol', caps: false })
    }
  }
  close(false)
  return sentences
}

/** Longest lexicon, negator, booster or contrast entry starting at each token, left to right. */
function itemsOf(tokens: Token[]): Item[] {
  const items: Item[] = []
  let i = 0
  while (i < tokens.length) {
    const token = tokens[i]!
    if (token.kind === 'clause') {
      items.push({ kind: 'break', start: i })
      i += 1
      continue
    }
    let matched: { item: Item; length: number } | undefined
    for (let length = Math.min(MAX_PHRASE_TOKENS, tokens.length - i); length >= 1 && !matched; length--) {
      const span = tokens.slice(i, i + length)
      if (span.some((t) => t.kind === 'clause')) continue
      const key = span.map((t) => t.text).join(' ')
      const caps = span.some((t) => t.caps)
      const value = LEXICON.get(key)
      const boost = BOOSTERS.get(key)
      const start = i
      if (value !== undefined) matched = { item: { kind: 'valence', key, value, caps, start }, length }
      else if (NEGATORS.has(key)) matched = { item: { kind: 'negator', key, caps, start }, length }
      else if (boost !== undefined) matched = { item: { kind: 'booster', value: boost, caps, start }, length }
      else if (length === 1 && CONTRAST_WORDS.has(key))
        matched = { item: { kind: 'contrast', start }, length }
    }
    items.push(matched?.item ?? { kind: 'other', start: i })
    i += matched?.length ?? 1
  }
  return items
}

interface ScoredSentence {
  valences: { value: number; cue: string; weight: number }[]
  /** index into `valences` of the first valence after the contrast word; -1 when there is none */
  contrastAt: number
  startsWithContrast: boolean
}

function scoreSentence(sentence: Sentence, messageHasQuestion: boolean): ScoredSentence {
  const items = itemsOf(sentence.tokens)
  const firstWord = sentence.tokens.find((token) => token.kind === 'word')?.text
  const questionFactor = sentence.question && firstWord !== 'why' ? QUESTION_FACTOR : 1
  const valences: ScoredSentence['valences'] = []
  let contrastAt = -1
  const firstItem = items.find((item) => item.kind !== 'break')
  for (const [index, item] of items.entries()) {
    if (item.kind === 'contrast' && contrastAt === -1) contrastAt = valences.length
    if (item.kind !== 'valence' || item.value === 0) continue
    // "Thanks!" closing a question is a sign-off, not satisfaction with anything yet.
    const courtesy = messageHasQuestion && COURTESY.has(item.key) ? 0 : 1
    const { value, negator } = adjusted(items, index, item.value, item.caps)
    valences.push({
      value: value * questionFactor * courtesy,
      cue:
        negator === undefined
          ? item.key
          : sentence.tokens
              .slice(negator.start, item.start + item.key.split(' ').length)
              .map((token) => token.text)
              .join(' '),
      weight: 1,
    })
  }
  return { valences, contrastAt, startsWithContrast: firstItem?.kind === 'contrast' }
}

/** Applies caps, the boosters and the first negator within three items before `index`. */
function adjusted(
  items: Item[],
  index: number,
  base: number,
  caps: boolean,
): { value: number; negator: Item | undefined } {
  const direction = Math.sign(base)
  let value = base + (caps ? direction * CAPS_BOOST : 0)
  let negator: Extract<Item, { kind: 'negator' }> | undefined
  for (let distance = 1; distance <= WINDOW_DECAY.length; distance++) {
    const before = items[index - distance]
    if (before === undefined || before.kind === 'break') break
    const decay = WINDOW_DECAY[distance - 1]!
    if (before.kind === 'booster') {
      const scalar = before.value + (before.caps ? Math.sign(before.value) * CAPS_BOOST : 0)
      value += direction * scalar * decay
    } else if (before.kind === 'negator' && negator === undefined) {
      negator = before
    }
  }
  // A dampener can weaken a word to nothing but never turn "ok" into its opposite.
  if (Math.sign(value) !== direction) value = 0
  if (negator !== undefined) {
    value *= NEGATION_FACTOR
    // "NOT happy" shouts the negation itself.
    if (negator.caps) value += Math.sign(value) * CAPS_BOOST
  }
  return { value, negator }
}

/**
 * "The app is great but billing is a mess": the clause after "but" is what the customer means, so
 * it counts 1.5× and the clause before 0.5×; a sentence opening with "But" contrasts the previous one.
 */
function applyContrast(sentences: ScoredSentence[]): void {
  for (const [index, sentence] of sentences.entries()) {
    if (sentence.contrastAt === -1) continue
    for (const [at, valence] of sentence.valences.entries()) {
      valence.weight *= at < sentence.contrastAt ? BEFORE_CONTRAST : AFTER_CONTRAST
    }
    const previous = sentences[index - 1]
    if (sentence.startsWithContrast && previous !== undefined) {
      for (const valence of previous.valences) valence.weight *= BEFORE_CONTRAST
    }
  }
}
