// Runs tasks one at a time per key, in call order, and tasks of different keys concurrently.
// The database row lock already serialises a ticket across processes; this keeps events from one
// process in the order they were dispatched and stops one busy ticket from tying up the whole pool.

export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    // Each task waits for the one before it, whether that one succeeded or failed.
    const result = previous.then(task, task)
    const tail = result.catch(() => undefined)
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }

  get size(): number {
    return this.#tails.size
  }
}
