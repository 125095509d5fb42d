// The mentions channel: public posts mentioning the brand, from any social-listening source.
import type { ChannelAdapter } from '../types.ts'
import { parseMentions } from './parse.ts'
import { sendMention } from './send.ts'

export const mentionsAdapter: ChannelAdapter = {
  kind: 'mentions',
  parse: (payload) => parseMentions(payload),
  send: (message) => sendMention(message),
}

export { type MentionsConfig, MentionsConfigSchema } from './config.ts'
export { type Mention, MentionBatchSchema, MentionSchema, parseMentions } from './parse.ts'
export { sendMention } from './send.ts'
export { MENTIONS_SIGNATURE_HEADER, type RawBodyVariables, signBody, verifyMentions } from './verify.ts'
