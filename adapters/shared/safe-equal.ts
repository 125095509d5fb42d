// Constant-time comparison of two secrets, whatever their lengths: both sides are hashed first, so
// timingSafeEqual always compares 32 bytes and the time taken says nothing about the expected value.
import { createHash, timingSafeEqual } from 'node:crypto'

export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const digest = (value: string | Uint8Array) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}
