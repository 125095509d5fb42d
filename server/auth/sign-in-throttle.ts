// Slows password guessing: after 10 failed sign-ins for one address or one client within 15
// minutes, further attempts are refused with 429 and Retry-After until the window passes.
// In-process: each server process keeps its own count, enough to make guessing impractical.
import { AtlasError } from '../../common/errors.ts'

const WINDOW_MS = 15 * 60 * 1000
const MAX_FAILURES = 10

export class SignInThrottle {
  readonly #failures = new Map<string, number[]>()

  readonly maxFailures: number
  readonly windowMs: number

  constructor(maxFailures = MAX_FAILURES, windowMs = WINDOW_MS) {
    this.maxFailures = maxFailures
    this.windowMs = windowMs
  }

  /** Throws `rate_limited` while any of the keys is locked out. */
  check(keys: string[], now = Date.now()): void {
    for (const key of keys) {
      const recent = this.#recent(key, now)
      if (recent.length >= this.maxFailures) {
        const retryAfterSeconds = Math.ceil((recent[0]! + this.windowMs - now) / 1000)
        throw new AtlasError('rate_limited', 'Too many failed sign-ins; try again later', {
          details: { retryAfterSeconds },
        })
      }
    }
  }

  fail(keys: string[], now = Date.now()): void {
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, now), now])
    if (this.#failures.size > 50_000) this.#sweep(now)
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.#failures.delete(key)
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.windowMs)
  }

  #sweep(now: number) {
    for (const [key, times] of this.#failures) {
      if (times.every((t) => now - t >= this.windowMs)) this.#failures.delete(key)
    }
  }
}
