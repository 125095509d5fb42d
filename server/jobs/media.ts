// Job: fetch the media a customer sent through a provider (WhatsApp voice notes, images, documents)
// into storage. A voice note is transcribed, and the transcript is what the agent reads (and a note
// for the team); without a transcription provider the message says so and a person is asked. Only
// then is the message handed to its ticket — never silently dropped, never answered unheard.
import { and, eq, isNull } from 'drizzle-orm'
import { adapterFor, type ChannelAdapter, type ChannelKind } from '../../adapters/index.ts'
import { isTransient } from '../../adapters/shared/provider-error.ts'
import { transcribe } from '../../adapters/transcription/index.ts'
import type { SecretBox } from '../../common/secret-box.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { attachments, messages } from '../../drizzle/schema/conversations.ts'
import type { MediaJob } from '../../machines/host/outbox.ts'
import { openChannelConfig } from '../channels/channel-config.ts'
import type { Config } from '../config.ts'
import type { FileStorage } from '../storage/file-storage.ts'
import { isLastAttempt, type JobContext, type JobHandler } from './context.ts'

export const UNTRANSCRIBED = '[Voice note — transcription is not configured, so a person will listen to it.]'

export function mediaHandler(
  context: JobContext,
  storage: FileStorage,
  transcription: Config['transcription'],
  secretBox: SecretBox,
  adapters: (kind: ChannelKind) => ChannelAdapter | undefined = adapterFor,
): JobHandler<MediaJob> {
  const { database, logger, outbox } = context
  return async (job) => {
    const { messageId } = job.data
    const [row] = await database.db
      .select({ message: messages, channel: channels })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(messages.id, messageId))
    if (!row) return
    const { message, channel } = row
    const pending = await database.db
      .select()
      .from(attachments)
      .where(and(eq(attachments.messageId, messageId), isNull(attachments.storageKey)))
    let voice: { bytes: Uint8Array; mimeType: string } | null = null
    const fetchMedia = adapters(channel.kind)?.fetchMedia
    for (const attachment of pending) {
      if (!fetchMedia || !(attachment.providerMediaId || attachment.sourceUrl)) continue
      try {
        const media = await fetchMedia(
          { mediaId: attachment.providerMediaId ?? undefined, url: attachment.sourceUrl ?? undefined },
          openChannelConfig(secretBox, channel),
        )
        const stored = await storage.put(media.bytes)
        await database.db
          .update(attachments)
          .set({ storageKey: stored.key, size: stored.size, mimeType: attachment.mimeType ?? media.mimeType })
          .where(eq(attachments.id, attachment.id))
        if (attachment.kind === 'audio') voice = { bytes: media.bytes, mimeType: media.mimeType }
      } catch (error) {
        if (isTransient(error) && !isLastAttempt(job)) throw error
        logger.error({ err: error, messageId }, 'media could not be fetched; continuing without it')
      }
    }

    const isVoice = message.kind === 'audio'
    let body = message.body
    let transcript: string | null = null
    if (isVoice) {
      if (voice && transcription) {
        try {
          transcript = (
            await transcribe(voice.bytes, { ...transcription, mimeType: voice.mimeType })
          ).text.trim()
        } catch (error) {
          if (isTransient(error) && !isLastAttempt(job)) throw error
          logger.error({ err: error, messageId }, 'voice note could not be transcribed; a person will listen')
        }
      }
      body = transcript || UNTRANSCRIBED
    }
    await database.db.transaction(async (tx) => {
      if (isVoice) {
        await tx
          .update(messages)
          .set({
            body,
            metadata: {
              ...message.metadata,
              transcribed: !!transcript,
              ...(transcript ? {} : { needsHuman: 'voice_note' }),
            },
          })
          .where(eq(messages.id, messageId))
        if (transcript) {
          await tx
            .insert(messages)
            .values({
              tenantId: message.tenantId,
              conversationId: message.conversationId,
              channelId: message.channelId,
              direction: 'internal',
              author: 'system',
              authorRef: 'transcription',
              body: `Voice note transcript: ${transcript}`,
              deliveryStatus: 'sent',
              idempotencyKey: `transcript:${messageId}`,
            })
            .onConflictDoNothing()
        }
        // The voice note waited for this: now its ticket hears it.
        await outbox.inbound(tx, { conversationId: message.conversationId, messageId })
      }
    })
  }
}
