// The messaging window of channels like WhatsApp: after 24 hours without a customer message only an
// approved template may be sent. Free text is refused here, before anything is written, with an
// error that says what to do instead.
import { and, eq } from 'drizzle-orm'
import { AtlasError } from '../common/errors.ts'
import type { Executor } from '../drizzle/database.ts'
import { channels, channelTemplates } from '../drizzle/schema/channels.ts'
import { conversations } from '../drizzle/schema/conversations.ts'
import type { MessageTemplate } from '../machines/ticket.machine.ts'

/** Messenger and Instagram allow a person's reply up to 7 days with the HUMAN_AGENT tag (when enabled). */
const HUMAN_AGENT_EXTRA_MS = 6 * 24 * 3600_000

/**
 * When free text stops being allowed on a conversation: its window's end, a week later for a
 * person's reply on Messenger and Instagram with the HUMAN_AGENT tag; null for channels without a
 * window (or one not opened yet).
 */
export function windowClosesAt(conversation: {
  windowExpiresAt: Date | null
  kind: string
  config: Record<string, unknown>
}): Date | null {
  if (!conversation.windowExpiresAt) return null
  const tagged =
    (conversation.kind === 'messenger' || conversation.kind === 'instagram') &&
    conversation.config.humanAgentTag === true
  return new Date(conversation.windowExpiresAt.getTime() + (tagged ? HUMAN_AGENT_EXTRA_MS : 0))
}

export async function assertWindowOpen(
  db: Executor,
  conversationId: string,
  ticketNumber: string,
  now = new Date(),
) {
  const [conversation] = await db
    .select({ windowExpiresAt: conversations.windowExpiresAt, kind: channels.kind, config: channels.config })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(eq(conversations.id, conversationId))
  if (!conversation) return
  const closesAt = windowClosesAt(conversation)
  if (!closesAt || closesAt > now) return
  const instead =
    conversation.kind === 'whatsapp'
      ? `Send an approved template (POST /v1/tickets/${ticketNumber}/template); the customer's reply reopens the window.`
      : "Only the customer's next message reopens it."
  throw new AtlasError(
    'window_closed',
    `The ${conversation.kind} window closed at ${closesAt.toISOString()}: free text can no longer be sent. ${instead}`,
    { details: { windowExpiresAt: closesAt.toISOString() } },
  )
}

/** An approved template of the conversation's channel, filled in; refused with a clear error otherwise. */
export async function renderTemplate(
  db: Executor,
  conversationId: string,
  request: { name: string; language?: string | undefined; parameters: string[] },
): Promise<{ template: MessageTemplate; text: string }> {
  const [conversation] = await db
    .select({ channelId: conversations.channelId, kind: channels.kind })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(eq(conversations.id, conversationId))
  if (conversation?.kind !== 'whatsapp') {
    throw new AtlasError(
      'bad_request',
      `Templates are for WhatsApp conversations; this one is on ${conversation?.kind}`,
    )
  }
  const candidates = await db
    .select()
    .from(channelTemplates)
    .where(
      and(eq(channelTemplates.channelId, conversation.channelId), eq(channelTemplates.name, request.name)),
    )
  const found = candidates.find((t) => !request.language || t.language === request.language)
  if (!found)
    throw new AtlasError(
      'not_found',
      `No template named ${request.name}${request.language ? ` in ${request.language}` : ''}`,
    )
  if (found.status !== 'approved')
    throw new AtlasError('bad_request', `Template ${found.name} is ${found.status}, not approved`)
  const placeholders = new Set([...found.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])))
  if (placeholders.size !== request.parameters.length) {
    throw new AtlasError(
      'validation_failed',
      `Template ${found.name} takes ${placeholders.size} parameter(s); ${request.parameters.length} given`,
    )
  }
  const text = found.body.replace(/\{\{(\d+)\}\}/g, (_, n: string) => request.parameters[Number(n) - 1] ?? '')
  return { template: { name: found.name, language: found.language, parameters: request.parameters }, text }
}
