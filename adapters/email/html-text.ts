// A small, linear-time HTML to text conversion for HTML-only Postmark emails (raw MIME gets
// mailparser's): block elements become line breaks, blockquotes become `>` lines (so the quote
// stripper recognises them), scripts and styles disappear, entities are decoded.

const BLOCKS = new Set([
  'p',
  'div',
  'tr',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'ul',
  'ol',
  'pre',
  'hr',
])
const HIDDEN = new Set(['script', 'style', 'head', 'title'])
const QUOTE_OPEN = '\u0001'
const QUOTE_CLOSE = '\u0002'

export function htmlToText(html: string): string {
  let out = ''
  let hidden: string | null = null
  let at = 0
  while (at < html.length) {
    const open = html.indexOf('<', at)
    const text = html.slice(at, open === -1 ? html.length : open)
    if (!hidden) out += text.replace(/\s+/g, ' ')
    if (open === -1) break
    const close = html.indexOf('>', open)
    if (close === -1) break
    const tag = /^(\/?)([a-zA-Z][a-zA-Z0-9]*)/.exec(html.slice(open + 1, Math.min(close, open + 40)))
    at = close + 1
    if (!tag) continue
    const closing = tag[1] === '/'
    const name = tag[2]!.toLowerCase()
    if (hidden) {
      if (closing && name === hidden) hidden = null
    } else if (!closing && HIDDEN.has(name)) {
      hidden = name
    } else if (name === 'br' || BLOCKS.has(name)) {
      out += !closing && name === 'li' ? '\n- ' : '\n'
    } else if (name === 'blockquote') {
      out += closing ? `\n${QUOTE_CLOSE}\n` : `\n${QUOTE_OPEN}\n`
    }
  }
  let depth = 0
  const lines: string[] = []
  for (const line of decodeEntities(out).split('\n')) {
    if (line === QUOTE_OPEN) depth++
    else if (line === QUOTE_CLOSE) depth = Math.max(0, depth - 1)
    else lines.push(`${'> '.repeat(depth)}${line.trim()}`.trimEnd())
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8}|#39);/gi, (entity, body: string) => {
    const lower = body.toLowerCase()
    if (NAMED[lower] !== undefined) return NAMED[lower]
    const code = lower.startsWith('#x')
      ? Number.parseInt(lower.slice(2), 16)
      : lower.startsWith('#')
        ? Number(lower.slice(1))
        : NaN
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
  })
}
