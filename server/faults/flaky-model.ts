// A model provider that fails a share of its calls, for the fault suite: testing/fake-openai.ts
// answering every chat completion either with a sensible structured answer (a triage, or a reply
// citing a passage it was given) or with one of the failures real providers produce: a timeout,
// 429 with Retry-After, 500, or garbage (a body that is not JSON, tool arguments that are not JSON).
import { TRIAGE_TOOL } from '../../agents/openai/triage.ts'
import {
  type FakeReply,
  type FakeRequest,
  replyCompletion,
  startFakeOpenAI,
  triageCompletion,
} from '../../testing/fake-openai.ts'
import type { Chaos } from './chaos.ts'

export const FAILURES = ['timeout', '429', '500', 'garbage'] as const
export type Failure = (typeof FAILURES)[number]

export interface FlakyModelOptions {
  /** Share of calls that fail, spread evenly over FAILURES. */
  failureRate: number
  /** A timeout answers after this long: set it well past the client's OPENAI_TIMEOUT_MS. */
  hangMs: number
  random: Chaos
}

/** How long a successful answer takes; 0 (at once) unless a scenario slows the model down. */
export type Latency = (request: FakeRequest, call: number) => number

export interface FlakyModel {
  url: string
  /** Calls received, and how many got each failure. */
  calls(): number
  failures: Record<Failure, number>
  /** Replaced at any time: later calls answer this slowly. */
  latency: Latency
  close(): Promise<void>
}

export async function startFlakyModel(options: FlakyModelOptions): Promise<FlakyModel> {
  const failures: Record<Failure, number> = { timeout: 0, '429': 0, '500': 0, garbage: 0 }
  let calls = 0
  const respond = (request: FakeRequest): FakeReply => {
    const delayMs = model.latency(request, ++calls)
    const roll = options.random.next()
    if (roll >= options.failureRate)
      return delayMs > 0 ? { delayMs, reply: answer(request) } : answer(request)
    const failure = FAILURES[Math.floor((roll / options.failureRate) * FAILURES.length)]!
    failures[failure]++
    switch (failure) {
      case 'timeout':
        return { delayMs: options.hangMs, reply: answer(request) }
      case '429':
        return {
          status: 429,
          message: 'Rate limit reached for requests',
          type: 'requests',
          code: 'rate_limit_exceeded',
          headers: { 'retry-after': '1' },
        }
      case '500':
        return { status: 500, message: 'The server had an error while processing your request.' }
      case 'garbage':
        return options.random.next() < 0.5
          ? { raw: '<html><body>502 Bad Gateway</body></html>', contentType: 'application/json' }
          : { toolCalls: [{ name: toolOf(request), arguments: '{"answerable": tru' }] }
    }
  }
  const fake = await startFakeOpenAI({ fallback: respond })
  const model: FlakyModel = {
    url: fake.url,
    calls: () => fake.requests.length,
    failures,
    latency: () => 0,
    close: () => fake.close(),
  }
  return model
}

/** The function the request makes the model call (`tool_choice`), or the reply when it may choose. */
export function toolOf(request: FakeRequest): string {
  const choice = request.body.tool_choice as { function?: { name?: string } } | string | undefined
  return typeof choice === 'object' && choice.function?.name ? choice.function.name : 'submit_reply'
}

/** What a well-behaved model would answer: a plausible triage, or a reply citing the first passage. */
function answer(request: FakeRequest): FakeReply {
  const user = request.body.messages.find((m) => m.role === 'user')?.content
  const text = typeof user === 'string' ? user : ''
  if (toolOf(request) === TRIAGE_TOOL) return triageCompletion(triageOf(text.toLowerCase()))
  const passage = /<passage id="([^"]+)">/.exec(text)?.[1]
  return replyCompletion(
    passage
      ? {
          answerable: true,
          answer: 'Here is how, from our help center.',
          citedPassageIds: [passage],
          confidence: 0.9,
        }
      : {
          answerable: false,
          answer: 'The passages do not answer this.',
          citedPassageIds: [],
          confidence: 0.2,
        },
  )
}

function triageOf(message: string): Parameters<typeof triageCompletion>[0] {
  if (message.includes('refund'))
    return {
      category: ['billing_inquiry', 0.9],
      intent: ['support', 0.9],
      urgency: ['normal', 0.8],
      action: ['refund', 0.9],
    }
  if (message.includes('cancel'))
    return {
      category: ['billing_inquiry', 0.9],
      intent: ['support', 0.9],
      urgency: ['normal', 0.8],
      action: ['cancellation', 0.9],
    }
  if (message.includes('plan'))
    return {
      category: ['billing_inquiry', 0.8],
      intent: ['sales', 0.8],
      urgency: ['normal', 0.8],
      action: ['answer', 0.8],
    }
  if (message.includes('hello'))
    return {
      category: ['general_feedback', 0.7],
      intent: ['support', 0.9],
      urgency: ['low', 0.8],
      action: ['off_topic', 0.6],
    }
  return {
    category: ['how_to', 0.92],
    intent: ['support', 0.95],
    urgency: ['normal', 0.9],
    action: ['answer', 0.92],
  }
}
