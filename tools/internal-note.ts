// An internal note on a ticket's conversation: written by a tool for the team, never sent to the
// customer, once per idempotency key.
import { eq } from 'drizzle-orm'
import { conversations, messages } from '../drizzle/schema/conversations.ts'
import type { ToolContext } from './define-tool.ts'

export async function addInternalNote(
  context: ToolContext & { ticket: NonNullable<ToolContext['ticket']> },
  author: string,
  body: string,
): Promise<void> {
  const { ticket } = context
  const [conversation] = await context.db
    .select({ channelId: conversations.channelId })
    .from(conversations)
    .where(eq(conversations.id, ticket.conversationId))
  await context.db
    .insert(messages)
    .values({
      tenantId: context.tenantId,
      conversationId: ticket.conversationId,
      channelId: conversation!.channelId,
      ticketId: ticket.id,
      direction: 'internal',
      author: 'bot',
      authorRef: author,
      body,
      deliveryStatus: 'sent',
      idempotencyKey: `${ticket.id}:${context.idempotencyKey}`,
    })
    .onConflictDoNothing()
}
