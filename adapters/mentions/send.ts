// Replies to public mentions are never sent automatically: the runtime drafts them for approval, and
// a person posts the approved reply from the source tool, under the brand's account there.
import { AtlasError } from '../../common/errors.ts'
import type { OutboundMessage, SendResult } from '../types.ts'

export async function sendMention(message: OutboundMessage): Promise<SendResult> {
  throw new AtlasError(
    'forbidden',
    'Replies to public mentions are not sent automatically: a person posts the approved draft from the source tool ' +
      `(${message.to.value.split(':')[0] || 'the social network'}), under the brand's own account there.`,
    { details: { provider: 'mentions', transient: false, reason: 'manual_posting_only' } },
  )
}
