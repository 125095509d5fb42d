// The token buckets behind the rate limits: a minute's worth at once, then an even refill, a
// Retry-After that is the wait for the next token, 0 as "no limit", and a bounded number of keys.
import { describe, expect, it } from 'vitest'
import { TokenBuckets } from './rate-limit.ts'

describe('TokenBuckets', () => {
  it('allows a minute of requests at once, then one per 60/limit seconds', () => {
    let now = 0
    const buckets = new TokenBuckets(6, () => now)
    for (let i = 0; i < 6; i++) expect(buckets.take('a')).toBe(0)
    expect(buckets.take('a')).toBe(10)
    // Other keys are not affected.
    expect(buckets.take('b')).toBe(0)
    now += 9_000
    expect(buckets.take('a')).toBe(1)
    now += 1_000
    expect(buckets.take('a')).toBe(0)
    expect(buckets.take('a')).toBe(10)
    // After a whole window the bucket is full again, and never fuller.
    now += 10 * 60_000
    for (let i = 0; i < 6; i++) expect(buckets.take('a')).toBe(0)
    expect(buckets.take('a')).toBeGreaterThan(0)
  })

  it('says at least one second, and 0 means no limit', () => {
    let now = 0
    const fast = new TokenBuckets(6000, () => now)
    for (let i = 0; i < 6000; i++) fast.take('k')
    expect(fast.take('k')).toBe(1)
    now += 5
    const off = new TokenBuckets(0, () => now)
    for (let i = 0; i < 10_000; i++) expect(off.take('k')).toBe(0)
  })

  it('keeps a bounded number of keys, forgetting full buckets first', () => {
    let now = 0
    const buckets = new TokenBuckets(2, () => now, 100)
    buckets.take('busy')
    buckets.take('busy')
    for (let i = 0; i < 500; i++) buckets.take(`ip-${i}`)
    expect(buckets.size).toBeLessThanOrEqual(101)
    now += 60_000
    for (let i = 500; i < 1000; i++) buckets.take(`ip-${i}`)
    expect(buckets.size).toBeLessThanOrEqual(101)
  })
})
