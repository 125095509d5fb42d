// The classic Porter (1980) suffix-stripping stemmer, so "cancelled", "cancelling" and "cancel"
// share one word feature. Pure function with a small memo because intent vocabularies are tiny.

const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
]

const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
]

const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
]

function isConsonant(w: string, i: number): boolean {
  const ch = w[i]
  if (ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u') return false
  if (ch === 'y') return i === 0 ? true : !isConsonant(w, i - 1)
  return true
}

/** Porter's m(): the number of vowel-consonant sequences in w[0..end). */
function measure(w: string, end: number): number {
  let n = 0
  let i = 0
  while (i < end && isConsonant(w, i)) i++
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++
    if (i >= end) break
    n++
    while (i < end && isConsonant(w, i)) i++
  }
  return n
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true
  return false
}

function endsDoubleConsonant(w: string): boolean {
  const n = w.length
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1)
}

/** Porter's *o condition: stem ends consonant-vowel-consonant and the last is not w, x or y. */
function endsCvc(w: string, end: number): boolean {
  if (end < 3) return false
  if (!isConsonant(w, end - 1) || isConsonant(w, end - 2) || !isConsonant(w, end - 3)) return false
  const last = w[end - 1]
  return last !== 'w' && last !== 'x' && last !== 'y'
}

function replaceIf(w: string, pairs: ReadonlyArray<readonly [string, string]>, minMeasure: number): string {
  for (const [suffix, repl] of pairs) {
    if (w.endsWith(suffix)) {
      const stemEnd = w.length - suffix.length
      return measure(w, stemEnd) > minMeasure ? w.slice(0, stemEnd) + repl : w
    }
  }
  return w
}

function stemWord(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word
  let w = word
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2)
  else if (w.endsWith('ies')) w = w.slice(0, -2)
  else if (w.endsWith('ss')) {
    // unchanged
  } else if (w.endsWith('s')) w = w.slice(0, -1)
  // Step 1b
  let extra = false
  if (w.endsWith('eed')) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1)
  } else if (w.endsWith('ed') && hasVowel(w, w.length - 2)) {
    w = w.slice(0, -2)
    extra = true
  } else if (w.endsWith('ing') && hasVowel(w, w.length - 3)) {
    w = w.slice(0, -3)
    extra = true
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e'
    else if (endsDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1)
    else if (measure(w, w.length) === 1 && endsCvc(w, w.length)) w += 'e'
  }
  // Step 1c
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) w = `${w.slice(0, -1)}i`
  w = replaceIf(w, STEP2, 0)
  w = replaceIf(w, STEP3, 0)
  // Step 4
  for (const suffix of STEP4) {
    if (w.endsWith(suffix)) {
      const stemEnd = w.length - suffix.length
      if (measure(w, stemEnd) > 1) w = w.slice(0, stemEnd)
      break
    }
  }
  if (w.endsWith('ion')) {
    const stemEnd = w.length - 3
    if (measure(w, stemEnd) > 1 && (w[stemEnd - 1] === 's' || w[stemEnd - 1] === 't')) w = w.slice(0, stemEnd)
  }
  // Step 5
  if (w.endsWith('e')) {
    const m = measure(w, w.length - 1)
    if (m > 1 || (m === 1 && !endsCvc(w, w.length - 1))) w = w.slice(0, -1)
  }
  if (measure(w, w.length) > 1 && endsDoubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1)
  return w
}

const memo = new Map<string, string>()

/** Returns the Porter stem of a lowercase word; non-alphabetic tokens pass through unchanged. */
export function stem(word: string): string {
  let s = memo.get(word)
  if (s === undefined) {
    s = stemWord(word)
    if (memo.size > 200_000) memo.clear()
    memo.set(word, s)
  }
  return s
}
