// Personal data out of production text before it becomes an eval case. Everything that identifies a
// person is replaced by a placeholder — `[email]`, `[phone]`, `[card]`, `[iban]`, `[ip]`, `[name]` —
// and links keep their host and path but lose query strings, fragments and credentials (reset tokens,
// tracking ids, an email in `?email=`). Ticket numbers (TKT-10042) are kept: they are ours, not the
// customer's. The rules err on the side of redacting: a long order number may come out as `[phone]`.
//
//   redact('Jane here, call +49 151 2345 6789', { names: ['Jane Doe'], emails: [], phones: [] })
//   → '[name] here, call [phone]'

export interface KnownPersonalData {
  /** Full names; each first/last part is redacted on its own too. */
  names: readonly string[]
  emails: readonly string[]
  phones: readonly string[]
}

/** Stands in for a kept token (a ticket number) while the other rules run; no rule matches it. */
const HOLD = '\uE000'

const TICKET_NUMBER = /\bTKT-\d+\b/gi
const URL_LIKE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi
const WHATSAPP_ID = /(?<![\w+])\+?\d{6,15}@(?:s\.whatsapp\.net|c\.us|g\.us|lid)\b/gi
// RFC 5322 "atext" local parts (what a person may legally type), a dotted domain with a letter TLD.
const EMAIL =
  /(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?![\p{L}\p{N}])/giu
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/gi
const CARD = /(?<![\w-])\d(?:[ -]?\d){12,18}(?!\d)/g
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, 'g')
// Digits in groups, as people write phone numbers: +49 (0)30 1234-5678, (415) 555.0132, 015112345678.
// Not after a letter-dash (QS-88213, TKT-…) or inside a word; what counts as a phone is decided below.
const PHONE_UNIT = '(?:\\(\\d{1,6}\\)|\\d)'
const PHONE_SEPARATOR = '(?:[ \\u00a0]?[.\\-/\\u2013][ \\u00a0]?|[ \\u00a0])?'
const PHONE_CANDIDATE = new RegExp(
  `(?<![\\w+]|[A-Za-z]-)\\+?${PHONE_UNIT}(?:${PHONE_SEPARATOR}${PHONE_UNIT})*(?!\\w)`,
  'g',
)
const DATE_LIKE = [
  /^(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])$/,
  /^(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)?\d\d$/,
  /^(?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)?\d\d$/,
  // A span of years: 2019-2024, 1998/99.
  /^(?:19|20)\d\d[-/\u2013](?:19|20)?\d\d$/,
]

export function redact(text: string, known: Partial<KnownPersonalData> = {}): string {
  const kept: string[] = []
  let out = text.normalize('NFC').replaceAll(HOLD, '')
  out = out.replace(TICKET_NUMBER, (m) => {
    kept.push(m)
    return HOLD
  })
  out = out.replace(URL_LIKE, stripUrl)
  out = out.replace(WHATSAPP_ID, '[phone]')
  for (const email of known.emails ?? []) {
    if (email.trim()) out = out.replace(new RegExp(escapeRegExp(email.trim()), 'gi'), '[email]')
  }
  out = out.replace(EMAIL, '[email]')
  out = out.replace(IBAN, (m) => (isIban(m) ? '[iban]' : m))
  out = out.replace(CARD, redactCard)
  out = out.replace(IPV4, '[ip]')
  const knownPhones = (known.phones ?? []).map((p) => p.replace(/\D/g, '')).filter((d) => d.length >= 6)
  for (const digits of knownPhones) {
    const spaced = [...digits].join('[\\s().\\-/]*')
    out = out.replace(new RegExp(`(?<![\\w+])\\+?${spaced}(?!\\d)`, 'g'), '[phone]')
  }
  out = out.replace(PHONE_CANDIDATE, (m) => redactPhones(m, knownPhones))
  for (const pattern of namePatterns(known.names ?? [])) out = out.replace(pattern, '[name]')
  let next = 0
  return out.replaceAll(HOLD, () => kept[next++] ?? '')
}

/** Keeps scheme, host and path; drops credentials, query string and fragment. */
function stripUrl(match: string): string {
  const trailing = /[.,;:!?)\]}]+$/.exec(match)?.[0] ?? ''
  const raw = match.slice(0, match.length - trailing.length)
  const hasScheme = /^https?:\/\//i.test(raw)
  // `www.jane@example.com` is an email address, not a link: the email rule takes it.
  if (!hasScheme && /^[^/]*@/.test(raw)) return match
  let url: URL
  try {
    url = new URL(hasScheme ? raw : `http://${raw}`)
  } catch {
    return match
  }
  const path = url.pathname === '/' && !/^(?:https?:\/\/)?[^/?#]+\//i.test(raw) ? '' : url.pathname
  return `${hasScheme ? `${url.protocol}//` : ''}${url.host}${path}${trailing}`
}

function redactCard(match: string): string {
  // Greedy digits may run into an expiry date or a CVC: try the longest run of whole groups that is a card.
  const groups = match.split(/[ -]/)
  for (let k = groups.length; k >= 1; k--) {
    const digits = groups.slice(0, k).join('')
    if (digits.length < 13) break
    if (digits.length <= 19 && luhn(digits)) {
      const consumed = groups.slice(0, k).join(' ').length
      return `[card]${match.slice(consumed)}`
    }
  }
  return match
}

/** The Luhn checksum every payment card number carries. */
export function luhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** ISO 13616: 15–34 characters whose mod-97 checksum is 1. */
function isIban(match: string): boolean {
  const compact = match.replace(/[ ]/g, '').toUpperCase()
  if (compact.length < 15 || compact.length > 34) return false
  const rearranged = compact.slice(4) + compact.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const value = char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder === 1
}

function redactPhones(match: string, knownPhones: readonly string[]): string {
  const classify = (text: string) => (isPhone(text, knownPhones) ? '[phone]' : text)
  if (digitCount(match) <= 15) return classify(match)
  // Too long for one number: several written side by side. Cut at spaces, each piece as long as a number can be.
  const parts = match.split(/([ \u00a0]+)/)
  let out = ''
  let chunk = ''
  let chunkDigits = 0
  for (let i = 0; i < parts.length; i += 2) {
    const group = parts[i]!
    const space = parts[i - 1] ?? ''
    const digits = digitCount(group)
    if (chunk !== '' && chunkDigits + digits > 15) {
      out += classify(chunk) + space
      chunk = group
      chunkDigits = digits
    } else {
      chunk += (chunk === '' ? '' : space) + group
      chunkDigits += digits
    }
  }
  return out + classify(chunk)
}

const digitCount = (text: string) => text.replace(/\D/g, '').length

function isPhone(match: string, knownPhones: readonly string[]): boolean {
  const digits = match.replace(/\D/g, '')
  const plain = match.replace(/[\s\u00a0]/g, '')
  if (!match.startsWith('+') && DATE_LIKE.some((d) => d.test(plain))) return false
  if (digits.length >= 7 && digits.length <= 15) return true
  // A known number written another way: national (0151 …) for international (+49 151 …), or a tail.
  return (
    digits.length >= 6 &&
    knownPhones.some((k) => k.endsWith(digits) || (k.length >= 8 && digits.endsWith(k.slice(-8))))
  )
}

/** Whole-word, case- and accent-insensitive patterns: full names first, then their parts. */
function namePatterns(names: readonly string[]): RegExp[] {
  const phrases = new Set<string>()
  for (const name of names) {
    const words = name
      .normalize('NFC')
      .split(/\s+/)
      .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
      .filter((w) => w.length > 0)
    if (words.length === 0) continue
    phrases.add(words.join(' '))
    for (const word of words) {
      phrases.add(word)
      // Double-barrelled names: Oyelaran-Fischer is also written Oyelaran or Fischer.
      for (const part of word.split(/[-‐']/)) phrases.add(part)
    }
  }
  return [...phrases]
    .filter((p) => [...p.replace(/[^\p{L}]/gu, '')].length >= 2)
    .sort((a, b) => b.length - a.length)
    .map(
      (phrase) =>
        new RegExp(
          `(?<![\\p{L}\\p{N}_])${phrase.split(' ').map(loosePattern).join('\\s+')}(?![\\p{L}\\p{N}_])`,
          'giu',
        ),
    )
}

/** A word where an accented letter also matches its plain form (Tomás, Tomas). */
function loosePattern(word: string): string {
  return [...word]
    .map((char) => {
      const plain = char.normalize('NFD').replace(/\p{M}/gu, '')
      return plain !== char && plain.length === 1
        ? `[${escapeRegExp(char)}${escapeRegExp(plain)}]`
        : escapeRegExp(char)
    })
    .join('')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
