// The conversation as AI assist reads it: messages in order, whoever wrote them, and which of them
// the customer is still waiting on.
import type { Citation, MessageAuthor, MessageDirection } from '../../drizzle/schema/conversations.ts'

export interface AssistMessage {
  direction: MessageDirection
  author: MessageAuthor
  body: string
  /** The Library passages a bot reply cited. */
  citations?: readonly Citation[] | undefined
}

/** Which model wrote an assist result: `local` (extractive, offline) or `openai`. */
export type AssistProvider = 'local' | 'openai'

/** The messages the customer saw or wrote: no internal notes, no system lines, nothing empty. */
export function customerFacing(messages: readonly AssistMessage[]): AssistMessage[] {
  return messages.filter(
    (m) =>
      m.direction !== 'internal' &&
      (m.author === 'customer' || m.author === 'bot' || m.author === 'human') &&
      m.body.trim().length > 0,
  )
}

/** The customer's messages after the last reply (bot or human): what nobody has answered yet. */
export function unanswered(messages: readonly AssistMessage[]): AssistMessage[] {
  const thread = customerFacing(messages)
  const lastReply = thread.findLastIndex((m) => m.direction === 'outbound')
  return thread.slice(lastReply + 1).filter((m) => m.author === 'customer')
}

/**
 * What to suggest a reply to: the unanswered messages, or — when everything has an answer — the
 * customer's latest message (an operator may still want to follow up on it).
 */
export function latestRequest(messages: readonly AssistMessage[]): AssistMessage[] {
  const open = unanswered(messages)
  if (open.length > 0) return open
  const last = customerFacing(messages).findLast((m) => m.author === 'customer')
  return last ? [last] : []
}
