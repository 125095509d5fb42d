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

/**
 * Splits text into parts of at most `max` characters (code points), preferring paragraph breaks,
 * then line breaks, then spaces; a single word longer than `max` is cut.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = []
  let rest = text.trim()
  while ([...rest].length > max) {
    const window = [...rest].slice(0, max + 1).join('')
    const cut = lastBreak(window, '\n\n') ?? lastBreak(window, '\n') ?? lastBreak(window, ' ')
    const head = cut ?? [...rest].slice(0, max).join('')
    parts.push(head.trimEnd())
    rest = rest.slice(head.length).trimStart()
  }
  if (rest.length > 0) parts.push(rest)
  return parts
}

/** The text before the last separator in the window, if that keeps at least half of it. */
function lastBreak(window: string, separator: string): string | undefined {
  const at = window.lastIndexOf(separator)
  return at >= window.length / 2 ? window.slice(0, at) : undefined
}
