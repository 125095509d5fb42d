// Helpers for webhook end-to-end suites: signed posts to the running app, and reading back what the
// runtime stored (messages by provider id, a conversation's view) without guessing ids.
import { and, asc, count, eq } from 'drizzle-orm'
import { signBody } from '../adapters/shared/hmac-signature.ts'
import { attachments, conversations, messages } from '../drizzle/schema/conversations.ts'
import { tickets } from '../drizzle/schema/tickets.ts'
import { eventually, type TestRuntime } from './runtime.ts'

/** Posts `body` signed as Meta (X-Hub-Signature-256) or the mentions webhook (X-Atlas-Signature) signs it. */
export function postSigned(
  t: TestRuntime,
  path: string,
  body: unknown,
  secret: string,
  header = 'X-Hub-Signature-256',
): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  return Promise.resolve(
    t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [header]: signBody(secret, raw) },
      body: raw,
    }),
  )
}

export interface MessageView {
  id: string
  direction: string
  author: string
  kind: string
  body: string
  fullBody: string | null
  deliveryStatus: string
  deliveryError: string | null
  attachments: Array<{
    id: string
    kind: string
    filename: string | null
    mimeType: string | null
    url: string | null
  }>
}

export interface ConversationView {
  conversation: {
    id: string
    inbox: string
    metadata: Record<string, unknown>
    windowExpiresAt: string | null
  }
  messages: MessageView[]
  ticket: { id: string; number: string; status: string; owner: string } | null
  decision: { action: string; reason: string } | null
  draft: { id: string; body: string } | null
}

export async function conversationView(t: TestRuntime, conversationId: string): Promise<ConversationView> {
  const response = await t.api('GET', `/v1/conversations/${conversationId}`)
  if (response.status !== 200)
    throw new Error(`GET conversation: ${response.status} ${await response.text()}`)
  return (await response.json()) as ConversationView
}

/** The conversation an inbound message (by provider id) was stored in, once it is. */
export function conversationOf(t: TestRuntime, providerMessageId: string): Promise<string> {
  return eventually(
    async () => {
      const [row] = await t.runtime.database.db
        .select({ conversationId: messages.conversationId })
        .from(messages)
        .where(and(eq(messages.providerMessageId, providerMessageId), eq(messages.direction, 'inbound')))
      return row?.conversationId
    },
    10_000,
    `message ${providerMessageId}`,
  )
}

/** Waits until the agent decided and any reply left the queue. */
export function settled(
  t: TestRuntime,
  conversationId: string,
  timeoutMs = 15_000,
): Promise<ConversationView> {
  return eventually(
    async () => {
      const v = await conversationView(t, conversationId)
      const inFlight = v.messages.some((m) => m.direction === 'outbound' && m.deliveryStatus === 'queued')
      return v.ticket && (v.decision || v.ticket.owner === 'human') && !inFlight ? v : undefined
    },
    timeoutMs,
    `conversation ${conversationId} to settle`,
  )
}

/** Rows that any webhook could write: a rejected request must leave every count as it was. */
export async function storedCounts(t: TestRuntime) {
  const db = t.runtime.database.db
  const [m] = await db.select({ n: count() }).from(messages)
  const [c] = await db.select({ n: count() }).from(conversations)
  const [a] = await db.select({ n: count() }).from(attachments)
  const [k] = await db.select({ n: count() }).from(tickets)
  return { messages: m!.n, conversations: c!.n, attachments: a!.n, tickets: k!.n }
}

export async function outboundOf(t: TestRuntime, conversationId: string) {
  return t.runtime.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'outbound')))
    .orderBy(asc(messages.createdAt))
}

export const unixNow = () => Math.floor(Date.now() / 1000)

/** A visitor's message through the demo widget, once the agent has settled it. */
export async function askThroughWidget(t: TestRuntime, visitorId: string, text: string) {
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId, text }),
  })
  if (response.status !== 202) throw new Error(`widget message: ${response.status} ${await response.text()}`)
  const { conversationId } = (await response.json()) as { conversationId: string }
  return { conversationId, view: await settled(t, conversationId) }
}
