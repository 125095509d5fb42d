// For assist's tests: a fake OpenAI-compatible server per test (started before each, closed after)
// and the assist model on it, with short timeouts and retries. Call inside a `describe`.
import { afterEach, beforeEach } from 'vitest'
import { type FakeOpenAI, startFakeOpenAI } from '../../testing/fake-openai.ts'
import { OpenAIModel } from '../openai/openai-model.ts'

export interface FakeAssistModel {
  /** This test's server: queue its answers, read the requests it got. */
  readonly fake: FakeOpenAI
  /** A model (`openai:gpt-4o-mini`) on this test's server: two attempts, millisecond backoff. */
  model(): OpenAIModel
}

export function useFakeAssistModel(): FakeAssistModel {
  let fake: FakeOpenAI | undefined
  beforeEach(async () => {
    fake = await startFakeOpenAI()
  })
  afterEach(async () => {
    await fake?.close()
  })
  const current = () => {
    if (!fake) throw new Error('useFakeAssistModel: no fake server outside a test')
    return fake
  }
  return {
    get fake() {
      return current()
    },
    model: () =>
      new OpenAIModel({
        baseURL: current().url,
        apiKey: 'sk-test',
        model: 'gpt-4o-mini',
        timeoutMs: 2000,
        maxAttempts: 2,
        backoff: { baseMs: 1, maxMs: 5 },
      }),
  }
}
