// The email channel: inbound raw MIME or Postmark JSON, replies through SMTP.
import type { ChannelAdapter } from '../types.ts'
import { parseEmail } from './parse.ts'
import { sendEmailMessage } from './send.ts'

export const emailAdapter: ChannelAdapter = {
  kind: 'email',
  parse: (payload, context) => parseEmail(payload, context),
  send: (message, channelConfig) => sendEmailMessage(message, channelConfig),
}

export { isTransient } from '../shared/provider-error.ts'
export { normalizeMessageId, normalizeReferences } from './addresses.ts'
export {
  type EmailConfig,
  EmailConfigSchema,
  type EmailSendConfig,
  EmailSendConfigSchema,
} from './config.ts'
export { htmlToText } from './html-text.ts'
export { parseEmail } from './parse.ts'
export { PostmarkInboundSchema } from './postmark.ts'
export { composeEmail, sendEmailMessage } from './send.ts'
export { type StrippedReply, stripQuotedReply, stripReply } from './strip-reply.ts'
export { verifyBasicSecret } from './verify.ts'
