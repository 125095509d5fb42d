// Attachments of an inbound message, before it is ingested: bytes that came with the webhook (email)
// go into storage, media the provider holds (WhatsApp ids, Meta links) is recorded for the media job.
// Every file's size is checked first, so an oversized one refuses the whole webhook with a 413 and
// nothing is stored.
import type { NormalizedInbound } from '../adapters/types.ts'
import { AtlasError } from '../common/errors.ts'
import type { StoredAttachment } from './ingest.ts'
import { type FileStorage, MAX_ATTACHMENT_BYTES } from './storage/file-storage.ts'

export function assertAttachmentSizes(inbound: readonly NormalizedInbound[]): void {
  for (const message of inbound) {
    for (const file of message.attachments ?? []) {
      const size = file.content?.byteLength ?? file.size ?? 0
      if (size > MAX_ATTACHMENT_BYTES) {
        throw new AtlasError(
          'payload_too_large',
          `Attachment ${file.filename ? `"${file.filename}" ` : ''}is ${size} bytes, over the ${MAX_ATTACHMENT_BYTES}-byte (10 MB) limit per file`,
          { details: { size, maxBytes: MAX_ATTACHMENT_BYTES } },
        )
      }
    }
  }
}

export async function storeInboundAttachments(
  storage: FileStorage,
  inbound: NormalizedInbound,
): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = []
  for (const file of inbound.attachments ?? []) {
    const put = file.content ? await storage.put(file.content) : null
    stored.push({
      kind: file.kind,
      filename: file.filename ?? null,
      mimeType: file.mimeType ?? null,
      size: put?.size ?? file.size ?? null,
      storageKey: put?.key ?? null,
      providerMediaId: file.mediaId ?? null,
      sourceUrl: file.url ?? null,
    })
  }
  return stored
}
