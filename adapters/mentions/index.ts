// The mentions channel: public posts mentioning the brand, from any social-listening source.
import type { ChannelAdapter } from '../types.ts'
import { parseMentions } from './parse.ts'
import { sendMention } from './send.ts'

export const mentionsAdapter: ChannelAdapter = {
  kind: 'mentions',
  parse: (payload) => parseMentions(payload),
  send: (message, channelConfig) => sendMention(message, channelConfig),
}

export { type MentionsConfig, MentionsConfigSchema, mentionsConfig } from './config.ts'
export {
  type Mention,
  MentionBatchSchema,
  MentionSchema,
  parseMentions,
  ReplyStatusBatchSchema,
  ReplyStatusSchema,
} from './parse.ts'
export { sendMention } from './send.ts'
export { MENTIONS_SIGNATURE_HEADER, type RawBodyVariables, signBody, verifyMentions } from './verify.ts'
