// Replies to public mentions are never sent on the bot's own say: the runtime drafts them, and only a
// reply a person approved reaches here. With a `replyUrl`, it is POSTed there (signed like the inbound
// webhook, see README.md) for the listening tool to post under the brand's account; without one, a
// person posts it by hand from the source tool, and the refusal below puts it in their queue.
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { signBody } from '../shared/hmac-signature.ts'
import { connectionFailure, providerError, providerFetch } from '../shared/provider-error.ts'
import type { OutboundMessage, SendResult } from '../types.ts'
import { mentionsConfig } from './config.ts'
import { MENTIONS_SIGNATURE_HEADER } from './verify.ts'

/** What the reply endpoint answers: the id of the posted reply at the source. */
const ReplyPosted = z.object({ id: z.string().trim().min(1).max(256), url: z.string().max(2048).optional() })

export async function sendMention(message: OutboundMessage, channelConfig: unknown): Promise<SendResult> {
  const config = mentionsConfig(channelConfig)
  const [source, ...handle] = message.to.value.split(':')
  if (!config.replyUrl) {
    throw new AtlasError(
      'forbidden',
      'This mentions channel has no replyUrl, so the approved reply must be posted by a person from the source tool ' +
        `(${source || 'the social network'}), under the brand's own account there.`,
      { details: { provider: 'mentions', transient: false, reason: 'manual_posting_only' } },
    )
  }
  const reply = message.replyTo
  const body = JSON.stringify({
    id: message.id,
    source,
    inReplyTo: reply ? reply.providerMessageId.slice(source!.length + 1) : null,
    inReplyToUrl: reply?.url ?? null,
    author: { handle: handle.join(':') },
    text: message.body,
  })
  const options = { provider: 'mentions', what: 'The mentions reply endpoint', timeoutMs: config.timeoutMs }
  const response = await providerFetch(
    new URL(config.replyUrl),
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [MENTIONS_SIGNATURE_HEADER]: signBody(config.webhookSecret, body),
        // The endpoint may see the same reply twice after a crash: this key names it.
        'idempotency-key': message.id,
      },
      body,
    },
    options,
  )
  const text = await response.text().catch((error: unknown) => {
    throw connectionFailure(error, options)
  })
  if (!response.ok) {
    const transient = response.status === 429 || response.status >= 500
    throw providerError(
      transient ? 'unavailable' : 'bad_request',
      `The mentions reply endpoint answered HTTP ${response.status}: ${text.slice(0, 300)}`,
      { provider: 'mentions', transient, status: response.status },
    )
  }
  let posted: z.output<typeof ReplyPosted>
  try {
    posted = ReplyPosted.parse(JSON.parse(text))
  } catch {
    // It may have been posted: not retried, so a person checks rather than a duplicate going out.
    throw providerError(
      'bad_request',
      'The mentions reply endpoint did not answer {"id": "<posted reply id>"}',
      {
        provider: 'mentions',
        transient: false,
        status: response.status,
      },
    )
  }
  return { providerMessageId: `${source}:${posted.id}` }
}
