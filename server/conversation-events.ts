// Tells live views (the widget's event stream, dashboards) that a conversation changed. In one
// process the signal is immediate; a view in another process falls back to polling, so this only
// makes updates faster, never correct.
import { EventEmitter } from 'node:events'

const ANY = Symbol('any conversation')

export class ConversationEvents {
  readonly #emitter = new EventEmitter()

  constructor() {
    // Many browsers may watch one busy conversation.
    this.#emitter.setMaxListeners(0)
  }

  publish(conversationId: string): void {
    this.#emitter.emit(conversationId)
    this.#emitter.emit(ANY)
  }

  /** Like `next`, for any conversation (the dashboard's tenant-wide stream re-checks on wake). */
  nextAny(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.next(ANY, timeoutMs, signal)
  }

  /** Resolves when the conversation changes, or after `timeoutMs`, or when `signal` aborts. */
  next(conversationId: string | symbol, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#emitter.off(conversationId, done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#emitter.once(conversationId, done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }
}
