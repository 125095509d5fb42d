// The secret box: values round-trip, every seal is different, a value opens only where it was sealed
// for and only with a configured key, each failure is a typed `secret_unreadable` saying why, and an
// old key keeps opening what it sealed while new values use the current key.
import { describe, expect, it } from 'vitest'
import { AtlasError } from './errors.ts'
import { generateSecretKey, isSealed, parseSecretKey, SecretBox, sealedKeyId } from './secret-box.ts'

const key = (text = generateSecretKey()) => parseSecretKey(text, 'TEST_KEY')
const HERE = 'channels/11111111-1111-4111-8111-111111111111/appSecret'

function failure(open: () => unknown): AtlasError {
  try {
    open()
  } catch (error) {
    expect(error).toBeInstanceOf(AtlasError)
    return error as AtlasError
  }
  throw new Error('expected the secret not to open')
}

describe('SecretBox', () => {
  it('seals to the versioned format with a fresh nonce each time, and opens it again', () => {
    const box = new SecretBox(key())
    const a = box.seal('EAAG-very-secret', HERE)
    const b = box.seal('EAAG-very-secret', HERE)
    expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]+$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('very-secret')
    expect(sealedKeyId(a)).toBe(box.current.id)
    expect(isSealed(a)).toBe(true)
    expect(isSealed('EAAG-very-secret')).toBe(false)
    expect(box.open(a, HERE)).toBe('EAAG-very-secret')
    expect(box.open(box.seal('', HERE), HERE)).toBe('')
    expect(box.open(box.seal('pässwörd ✓', HERE), HERE)).toBe('pässwörd ✓')
  })

  it('refuses a value moved to another row or field', () => {
    const box = new SecretBox(key())
    const sealed = box.seal('s3cret', HERE)
    for (const elsewhere of [
      'channels/22222222-2222-4222-8222-222222222222/appSecret',
      'channels/11111111-1111-4111-8111-111111111111/verifyToken',
    ]) {
      const error = failure(() => box.open(sealed, elsewhere))
      expect(error.code).toBe('secret_unreadable')
      expect(error.details.reason).toBe('not_authentic')
      expect(error.message).toContain('copied from another row or field')
    }
  })

  it('refuses an altered value', () => {
    const box = new SecretBox(key())
    const sealed = box.seal('s3cret', HERE)
    const prefix = sealed.slice(0, sealed.lastIndexOf(':') + 1)
    const payload = Buffer.from(sealed.slice(prefix.length), 'base64url')
    for (const at of [0, 12, payload.length - 1]) {
      const altered = Buffer.from(payload)
      altered[at]! ^= 1
      const error = failure(() => box.open(prefix + altered.toString('base64url'), HERE))
      expect(error.details.reason).toBe('not_authentic')
    }
    expect(failure(() => box.open('enc:v1:abcdefgh:AAAA', HERE)).details.reason).toBe('unknown_key')
    expect(failure(() => box.open(`enc:v1:${box.current.id}:AAAA`, HERE)).details.reason).toBe('malformed')
    expect(failure(() => box.open('enc:v1:garbage', HERE)).details.reason).toBe('malformed')
    expect(failure(() => box.open('plain', HERE)).details.reason).toBe('plaintext')
  })

  it('says which key sealed a value it has no key for', () => {
    const sealed = new SecretBox(key()).seal('s3cret', HERE)
    const other = new SecretBox(key(), [], { unknownKeyHint: ': add it to OLD_KEYS' })
    const error = failure(() => other.open(sealed, HERE))
    expect(error).toMatchObject({ code: 'secret_unreadable', details: { reason: 'unknown_key' } })
    expect(error.message).toBe(
      `The secret at ${HERE} was encrypted with key ${sealedKeyId(sealed)}, which is not configured (the current key is ${other.current.id}): add it to OLD_KEYS`,
    )
  })

  it('rotates: old keys open, the current key seals, and only old seals need resealing', () => {
    const [oldKey, newKey] = [key(), key()]
    const before = new SecretBox(oldKey).seal('s3cret', HERE)
    const rotated = new SecretBox(newKey, [oldKey])
    expect(rotated.needsResealing(before)).toBe(true)
    expect(rotated.open(before, HERE)).toBe('s3cret')
    const after = rotated.seal(rotated.open(before, HERE), HERE)
    expect(sealedKeyId(after)).toBe(newKey.id)
    expect(rotated.needsResealing(after)).toBe(false)
    // Once the old key is dropped, the resealed value still opens; the old one does not.
    const later = new SecretBox(newKey)
    expect(later.open(after, HERE)).toBe('s3cret')
    expect(failure(() => later.open(before, HERE)).details.reason).toBe('unknown_key')
  })
})

describe('parseSecretKey', () => {
  it('reads 32 bytes as hex, base64 or base64url, and derives the same id from the same key', () => {
    const bytes = Buffer.alloc(32, 7)
    const ids = [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')].map(
      (text) => parseSecretKey(text, 'K').id,
    )
    expect(new Set(ids).size).toBe(1)
    expect(parseSecretKey(` ${bytes.toString('hex')}\n`, 'K').bytes.equals(bytes)).toBe(true)
    expect(parseSecretKey(generateSecretKey(), 'K').id).not.toBe(ids[0])
  })

  it.each([
    ['too short', Buffer.alloc(16, 200).toString('base64')],
    ['too long', Buffer.alloc(48, 200).toString('base64')],
    ['not hex or base64', 'z'.repeat(64)],
    ['a passphrase', 'correct horse battery staple, 32+ characters long'],
    ['empty', ''],
  ])('refuses a key that is %s, naming where it came from', (_, text) => {
    const error = failure(() => parseSecretKey(text, 'ATLAS_SECRET_KEY'))
    expect(error.code).toBe('config_invalid')
    expect(error.message).toContain('ATLAS_SECRET_KEY must be a 32-byte key')
  })
})
