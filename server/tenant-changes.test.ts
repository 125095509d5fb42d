// One watcher per tenant, however many streams: subscribers are woken when the tenant's change
// marker moves (at once on a change published in this process), and the watcher stops reading once
// the last subscriber has gone.
import { describe, expect, it } from 'vitest'
import { ConversationEvents } from './conversation-events.ts'
import { TenantChanges } from './tenant-changes.ts'

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await tick(2)
  }
}

describe('TenantChanges', () => {
  it('reads once per poll for all subscribers of a tenant, and wakes them when the marker moves', async () => {
    let marker = 'a'
    let reads = 0
    const events = new ConversationEvents()
    const changes = new TenantChanges(
      async () => {
        reads++
        return marker
      },
      events,
      20,
    )
    let woken = 0
    const stops = Array.from({ length: 50 }, () => changes.subscribe('t-1', () => woken++))
    await until(() => reads >= 3)
    // Fifty subscribers share one read per poll: a watcher each would have read 150 times by now.
    expect(reads).toBeLessThan(10)
    expect(woken).toBe(0)

    // A change published in this process wakes everyone at once, without waiting for the poll.
    marker = 'b'
    events.publish('some-conversation')
    await until(() => woken === 50)
    expect(changes.watching).toBe(1)

    for (const stop of stops) stop()
    expect(changes.watching).toBe(0)
    await tick(50)
    const settled = reads
    await tick(100)
    expect(reads).toBe(settled)
  })

  it('keeps watching through a failed read', async () => {
    let fail = true
    let marker = 'a'
    let good = 0
    const changes = new TenantChanges(
      async () => {
        if (fail) throw new Error('database restarting')
        good++
        return marker
      },
      new ConversationEvents(),
      10,
    )
    let woken = 0
    const stop = changes.subscribe('t-2', () => woken++)
    await tick(30)
    fail = false
    await until(() => good >= 1)
    marker = 'b'
    await until(() => woken === 1)
    stop()
  })
})
