// Email addresses and RFC 5322 message ids, normalized: addresses compared lowercased, ids without
// their angle brackets (`<abc@host>` → `abc@host`), References as a list in thread order.
import { z } from 'zod'

/**
 * Permissive on purpose (real mail has odd and international local parts), but one @, no spaces,
 * brackets or control characters, and no U+FFFD: that is what undecodable bytes become.
 */
export const EmailAddress = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .regex(/^[^\s@<>()[\]\\,;:"\ufffd]+@[^\s@<>()[\]\\,;:"\ufffd]+$/, 'must be an email address')
  .refine((address) => !hasControlCharacters(address), 'must not contain control characters')

/** C0 controls other than tab, line feed and carriage return, and DEL: never part of a header value. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true
  }
  return false
}

const MAX_ID = 998
const MAX_REFERENCES = 100

/** `<abc@host>` or `abc@host` → `abc@host`; null when absent or not an id. */
export function normalizeMessageId(value: string | null | undefined): string | null {
  if (!value) return null
  const bracketed = /<([^<>\s]+)>/.exec(value)
  const id = bracketed ? bracketed[1]! : value.trim()
  return id.length > 0 && id.length <= MAX_ID && /^[^\s<>]+$/.test(id) ? id : null
}

/** The ids of a References header (or several), oldest first, without duplicates; long lists keep the root and the latest. */
export function normalizeReferences(value: string | string[] | null | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '')
  const bracketed = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!)
  const found = bracketed.length > 0 ? bracketed : text.split(/[\s,]+/)
  const ids = [
    ...new Set(found.map((id) => normalizeMessageId(id)).filter((id): id is string => id !== null)),
  ]
  return ids.length <= MAX_REFERENCES ? ids : [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))]
}

/** `"Acme Support" <support@acme.example>` or a bare address → its parts. */
export function parseMailbox(value: string): { address: string; name?: string } | null {
  const angle = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value)
  const address = (angle ? angle[2]! : value).trim()
  if (!EmailAddress.safeParse(address).success) return null
  const name = angle?.[1]?.replace(/^"(.*)"$/, '$1').trim()
  return name ? { address, name } : { address }
}

/** A display name fit to show: control characters removed, at most 200 characters; empty → undefined. */
export function cleanName(name: string | null | undefined): string | undefined {
  const clean = [...(name ?? '')]
    .map((char) => (char.charCodeAt(0) < 0x20 || char === '\u007f' ? ' ' : char))
    .join('')
    .trim()
  return clean ? [...clean].slice(0, 200).join('') : undefined
}
