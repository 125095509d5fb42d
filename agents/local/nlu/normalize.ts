// Text normalisation shared by every feature view: case/accent folding, contraction expansion and
// number shapes, so "What's", "whats" and "what is" land on the same tokens.

const CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ["can't", 'can not'],
  ['cant', 'can not'],
  ['cannot', 'can not'],
  ["won't", 'will not'],
  ["shan't", 'shall not'],
  ["ain't", 'is not'],
  ['dont', 'do not'],
  ['doesnt', 'does not'],
  ['didnt', 'did not'],
  ['isnt', 'is not'],
  ['arent', 'are not'],
  ['wasnt', 'was not'],
  ['werent', 'were not'],
  ['havent', 'have not'],
  ['hasnt', 'has not'],
  ['hadnt', 'had not'],
  ['couldnt', 'could not'],
  ['shouldnt', 'should not'],
  ['wouldnt', 'would not'],
  ['im', 'i am'],
  ['ive', 'i have'],
  ['youre', 'you are'],
  ['theyre', 'they are'],
  ['whats', 'what is'],
  ["what's", 'what is'],
  ["it's", 'it is'],
  ["that's", 'that is'],
  ["there's", 'there is'],
  ["here's", 'here is'],
  ["who's", 'who is'],
  ["where's", 'where is'],
  ["how's", 'how is'],
  ["he's", 'he is'],
  ["she's", 'she is'],
  ['hows', 'how is'],
  ['wheres', 'where is'],
  ['whos', 'who is'],
  ['thats', 'that is'],
  ['theres', 'there is'],
  ['lets', 'let us'],
  ["let's", 'let us'],
  ['u', 'you'],
  ['ur', 'your'],
  ['pls', 'please'],
  ['plz', 'please'],
  ['thx', 'thanks'],
  ['wanna', 'want to'],
  ['gonna', 'going to'],
  ['gotta', 'got to'],
])

const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ["n't", ' not'],
  ["'re", ' are'],
  ["'m", ' am'],
  ["'ll", ' will'],
  ["'ve", ' have'],
  ["'d", ' would'],
  ["'s", ''],
]

/** Lowercases, strips accents, unifies quotes and expands English contractions. */
export function normalizeText(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
  return folded.replace(/[a-z']+/g, expandWord)
}

function expandWord(word: string): string {
  const trimmed = word.replace(/^'+|'+$/g, '')
  const whole = CONTRACTIONS.get(trimmed)
  if (whole !== undefined) return whole
  for (const [suffix, expansion] of SUFFIXES) {
    if (trimmed.length > suffix.length && trimmed.endsWith(suffix)) {
      // Irregular forms ("can't", "won't", "what's") are in the map above; "'s" is otherwise possessive.
      return trimmed.slice(0, -suffix.length) + expansion
    }
  }
  return trimmed.replace(/'/g, '')
}

/** Splits normalised text into word tokens; digits inside a token are kept (e.g. "401k", "7am"). */
export function tokenize(normalized: string): string[] {
  return normalized.match(/[a-z0-9]+/g) ?? []
}

/** Maps digits to a shape so "7am" and "9am" share a token while "401k" keeps its letters. */
export function numberShape(token: string): string | undefined {
  if (!/[0-9]/.test(token)) return undefined
  return token.replace(/[0-9]+/g, '0')
}
