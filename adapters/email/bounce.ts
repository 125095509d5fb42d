// Delivery status notifications (RFC 3464): a mail server's report that a message we sent bounced
// (or, when asked, was delivered). The report names the original by its Message-ID in the returned
// headers; that is the provider id we stored when sending, so the report becomes a delivery update.
import type { DeliveryUpdate } from '../types.ts'
import { normalizeMessageId } from './addresses.ts'

/**
 * The delivery update a `multipart/report; report-type=delivery-status` message carries, or null
 * when it is not one, names no message of ours, or only reports a delay.
 */
export function readDeliveryReport(
  raw: string,
  contentType: string | undefined,
  ownMessageId: string | null,
  date: Date | undefined,
): DeliveryUpdate | null {
  if (!/multipart\/report/i.test(contentType ?? '') || !/delivery-status/i.test(contentType ?? ''))
    return null
  const action = /^Action:\s*(failed|delivered|relayed|expanded|delayed)\b/im.exec(raw)?.[1]?.toLowerCase()
  if (!action || action === 'delayed') return null
  // The report's own Message-ID comes first; the returned headers of our message follow it.
  const ids = [...raw.matchAll(/^Message-ID:\s*(<[^>\r\n]+>)/gim)]
    .map((m) => normalizeMessageId(m[1]))
    .filter((id): id is string => id !== null && id !== ownMessageId)
  const original = ids[0]
  if (!original) return null
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(raw)?.[1]
  const diagnostic = /^Diagnostic-Code:\s*(.+(?:\r?\n[ \t].+)*)/im.exec(raw)?.[1]?.replace(/\s+/g, ' ').trim()
  const failed = action === 'failed'
  return {
    providerMessageId: original,
    status: failed ? 'failed' : 'delivered',
    at: date ?? new Date(),
    ...(failed
      ? {
          error: `The email bounced${status ? ` (${status})` : ''}${diagnostic ? `: ${diagnostic.slice(0, 400)}` : ''}`,
        }
      : {}),
  }
}
