// JSON webhooks reach parse() either already decoded by the route or as the raw body (string or
// bytes, as signed). Raw bodies are decoded here, so bad bytes and bad JSON are 4xx errors too.
import { AtlasError } from '../../common/errors.ts'

/** Larger than any provider batch we expect; bigger bodies are refused before JSON.parse. */
export const MAX_JSON_BYTES = 4 * 1024 * 1024

export function decodeJsonPayload(payload: unknown, what: string, maxBytes = MAX_JSON_BYTES): unknown {
  if (payload instanceof ArrayBuffer) return decodeJsonPayload(new Uint8Array(payload), what, maxBytes)
  if (payload instanceof Uint8Array) {
    if (payload.byteLength > maxBytes) throw tooLarge(what, maxBytes)
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(payload)
    } catch {
      throw new AtlasError('bad_request', `The ${what} is not valid UTF-8`)
    }
    return decodeJsonPayload(text, what, maxBytes)
  }
  if (typeof payload !== 'string') return payload
  // UTF-16 code units: a bound on bytes within a factor of three, good enough to refuse huge bodies early.
  if (payload.length > maxBytes) throw tooLarge(what, maxBytes)
  if (payload.trim().length === 0) throw new AtlasError('bad_request', `The ${what} is empty`)
  try {
    return JSON.parse(payload)
  } catch (error) {
    // JSON.parse throws SyntaxError, or RangeError on absurd nesting: either way the body is bad.
    throw new AtlasError(
      'bad_request',
      `The ${what} is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    )
  }
}

function tooLarge(what: string, maxBytes: number): AtlasError {
  return new AtlasError('payload_too_large', `The ${what} is larger than ${maxBytes} bytes`)
}
