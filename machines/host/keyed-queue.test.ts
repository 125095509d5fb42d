import { describe, expect, it } from 'vitest'
import { KeyedQueue } from './keyed-queue.ts'

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time, in call order, even when earlier ones are slower', async () => {
    const queue = new KeyedQueue()
    const log: string[] = []
    let running = 0
    let maxRunning = 0
    const tasks = [30, 1, 10, 0].map((delay, i) =>
      queue.run('t1', async () => {
        running++
        maxRunning = Math.max(maxRunning, running)
        log.push(`start ${i}`)
        await tick(delay)
        log.push(`end ${i}`)
        running--
        return i
      }),
    )
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3])
    expect(maxRunning).toBe(1)
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'])
  })

  it('runs different keys concurrently', async () => {
    const queue = new KeyedQueue()
    let running = 0
    let maxRunning = 0
    await Promise.all(
      ['a', 'b', 'c'].map((key) =>
        queue.run(key, async () => {
          running++
          maxRunning = Math.max(maxRunning, running)
          await tick(10)
          running--
        }),
      ),
    )
    expect(maxRunning).toBe(3)
  })

  it('a failing task rejects its own caller only, and the queue moves on and cleans up', async () => {
    const queue = new KeyedQueue()
    const failed = queue.run('k', async () => {
      throw new Error('boom')
    })
    const next = queue.run('k', async () => 'ok')
    await expect(failed).rejects.toThrow('boom')
    expect(await next).toBe('ok')
    await tick(0)
    expect(queue.size).toBe(0)
  })
})
