// Outbound text helpers shared by the chat channels: cited sources appended as lines, and long
// replies split where the provider caps a message's length.
import type { OutboundMessage } from '../types.ts'

/** The body, then one line per cited source (`- Title: https://…`), for channels without rich links. */
export function withSources(body: string, citations: OutboundMessage['citations']): string {
  const text = body.trim()
  if (citations.length === 0) return text
  const lines = citations.map((c) => (c.url ? `- ${c.title}: ${c.url}` : `- ${c.title}`))
  return `${text}\n\nSources:\n${lines.join('\n')}`
}

/** How a provider counts a message's length. */
export type LengthUnit = 'characters' | 'utf8-bytes'

/**
 * Splits text into parts of at most `max` characters (code points) or UTF-8 bytes, preferring
 * paragraph breaks, then line breaks, then spaces; a single word longer than `max` is cut.
 */
export function splitText(text: string, max: number, unit: LengthUnit = 'characters'): string[] {
  const parts: string[] = []
  let rest = text.trim()
  for (;;) {
    // At least one code point per part, so a limit smaller than a character cannot loop forever.
    const fits = Math.max(fittingPrefix(rest, max, unit), rest.codePointAt(0)! > 0xffff ? 2 : 1)
    if (fits >= rest.length) break
    // Look one code point past the limit too: a break right there still leaves a full part.
    const window = rest.slice(0, fits + (rest.codePointAt(fits)! > 0xffff ? 2 : 1))
    const head =
      lastBreak(window, '\n\n', fits) ??
      lastBreak(window, '\n', fits) ??
      lastBreak(window, ' ', fits) ??
      rest.slice(0, fits)
    parts.push(head.trimEnd())
    rest = rest.slice(head.length).trimStart()
  }
  if (rest.length > 0) parts.push(rest)
  return parts
}

/** The length in code units of the longest prefix within `max`, never splitting a code point. */
function fittingPrefix(text: string, max: number, unit: LengthUnit): number {
  let size = 0
  let end = 0
  for (const char of text) {
    const cost = unit === 'characters' ? 1 : Buffer.byteLength(char, 'utf8')
    if (size + cost > max) return end
    size += cost
    end += char.length
  }
  return end
}

/** The text before the last separator, if it ends within the limit and keeps at least half of it. */
function lastBreak(window: string, separator: string, fits: number): string | undefined {
  const at = window.lastIndexOf(separator)
  return at > 0 && at <= fits && at >= fits / 2 ? window.slice(0, at) : undefined
}
