// Secrets at rest: AES-256-GCM with a random 96-bit nonce per value, and the place the value belongs
// (`channels/<id>/appSecret`) as associated data, so a ciphertext copied to another row or field does
// not open. A sealed value names its format and the key that sealed it,
// `enc:v1:<keyId>:<base64url(nonce ‖ ciphertext ‖ tag)>`, so old keys can still open what they sealed
// while new values are sealed with the current key (rotation).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { AtlasError } from './errors.ts'

const PREFIX = 'enc:v1:'
const KEY_BYTES = 32
const NONCE_BYTES = 12
const TAG_BYTES = 16
const SEALED = /^enc:v1:([A-Za-z0-9_-]{8}):([A-Za-z0-9_-]+)$/

export interface SecretKey {
  /** Derived from the key (a hash, not the key): says which key sealed a value without revealing it. */
  readonly id: string
  readonly bytes: Buffer
}

export type UnreadableReason = 'unknown_key' | 'not_authentic' | 'malformed' | 'plaintext'

/**
 * A key given as text: 64 hex digits, or base64 / base64url of 32 bytes (`openssl rand -base64 32`).
 * Throws `config_invalid` naming `source` (the variable or file it came from).
 */
export function parseSecretKey(text: string, source: string): SecretKey {
  const bytes = decodeKey(text)
  if (!bytes) {
    throw new AtlasError(
      'config_invalid',
      `Invalid configuration: ${source} must be a 32-byte key, as 64 hex digits or base64 (generate one with: openssl rand -base64 32)`,
    )
  }
  return { id: keyIdOf(bytes), bytes }
}

export function isSecretKeyText(text: string): boolean {
  return decodeKey(text) !== null
}

function decodeKey(text: string): Buffer | null {
  const value = text.trim()
  let bytes: Buffer | undefined
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex')
  // Node reads base64url too; 43 characters (+ padding) are exactly 32 bytes.
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = Buffer.from(value, 'base64')
  return bytes?.length === KEY_BYTES ? bytes : null
}

export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64')
}

function keyIdOf(bytes: Buffer): string {
  return createHash('sha256').update('atlas-secret-key-id:').update(bytes).digest('base64url').slice(0, 8)
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX)
}

/** The id of the key that sealed `value`; null when it is not a sealed value. */
export function sealedKeyId(value: string): string | null {
  return SEALED.exec(value)?.[1] ?? null
}

export function unreadable(reason: UnreadableReason, message: string, cause?: unknown): AtlasError {
  return new AtlasError('secret_unreadable', message, { details: { reason }, cause })
}

export class SecretBox {
  readonly current: SecretKey
  readonly #keys = new Map<string, SecretKey>()
  /** Added to the message when a value was sealed by a key this box does not have (where to give it). */
  readonly #unknownKeyHint: string

  constructor(current: SecretKey, old: readonly SecretKey[] = [], options: { unknownKeyHint?: string } = {}) {
    this.current = current
    for (const key of [current, ...old]) this.#keys.set(key.id, key)
    this.#unknownKeyHint = options.unknownKeyHint ?? ''
  }

  /** Encrypts `plaintext` for `context` (where it is stored): only the same context opens it. */
  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, nonce)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const payload = Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64url')
    return `${PREFIX}${this.current.id}:${payload}`
  }

  /** Decrypts a sealed value of `context`; throws `secret_unreadable` saying why it cannot. */
  open(sealed: string, context: string): string {
    const match = SEALED.exec(sealed)
    if (!match) {
      throw unreadable(
        isSealed(sealed) ? 'malformed' : 'plaintext',
        isSealed(sealed)
          ? `The secret at ${context} is not a well-formed encrypted value`
          : `The secret at ${context} is stored unencrypted`,
      )
    }
    const [, keyId, encoded] = match as unknown as [string, string, string]
    const key = this.#keys.get(keyId)
    if (!key) {
      throw unreadable(
        'unknown_key',
        `The secret at ${context} was encrypted with key ${keyId}, which is not configured (the current key is ${this.current.id})${this.#unknownKeyHint}`,
      )
    }
    const payload = Buffer.from(encoded, 'base64url')
    if (payload.length < NONCE_BYTES + TAG_BYTES) {
      throw unreadable('malformed', `The secret at ${context} is not a well-formed encrypted value`)
    }
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, payload.subarray(0, NONCE_BYTES))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES))
    try {
      const body = payload.subarray(NONCE_BYTES, payload.length - TAG_BYTES)
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
    } catch (error) {
      throw unreadable(
        'not_authentic',
        `The secret at ${context} does not decrypt with key ${keyId}: it was altered, or copied from another row or field`,
        error,
      )
    }
  }

  /** Sealed by a key other than the current one: rotation re-seals it. */
  needsResealing(sealed: string): boolean {
    return sealedKeyId(sealed) !== this.current.id
  }
}
