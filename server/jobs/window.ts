// Job: a messaging window (WhatsApp's 24 hours) should have closed. If the customer has not written
// since — the window still ends when this job was scheduled for — the conversation moves to the
// Expired inbox, where only approved templates may be sent. A later message made this job stale.
import { and, eq } from 'drizzle-orm'
import { conversations } from '../../drizzle/schema/conversations.ts'
import type { WindowJob } from '../../machines/host/outbox.ts'
import type { JobContext, JobHandler } from './context.ts'

export function windowHandler(
  { database, logger }: JobContext,
  now: () => Date = () => new Date(),
): JobHandler<WindowJob> {
  return async (job) => {
    const expiresAt = new Date(job.data.expiresAt)
    const [conversation] = await database.db
      .select({ windowExpiresAt: conversations.windowExpiresAt, inbox: conversations.inbox })
      .from(conversations)
      .where(eq(conversations.id, job.data.conversationId))
    if (!conversation?.windowExpiresAt || conversation.windowExpiresAt.getTime() !== expiresAt.getTime())
      return
    if (expiresAt.getTime() > now().getTime()) {
      // Delivered early (clock skew): try again when the window really ends.
      throw new Error(`window of ${job.data.conversationId} closes at ${job.data.expiresAt}, not yet`)
    }
    const closed = await database.db
      .update(conversations)
      .set({ inbox: 'expired', updatedAt: new Date() })
      .where(
        and(
          eq(conversations.id, job.data.conversationId),
          eq(conversations.inbox, 'active'),
          eq(conversations.windowExpiresAt, expiresAt),
        ),
      )
      .returning({ id: conversations.id })
    if (closed.length > 0) logger.info({ conversationId: job.data.conversationId }, 'messaging window closed')
  }
}
