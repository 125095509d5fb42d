// A mentions channel's configuration: the secret the social-listening tool signs its webhooks with,
// and optionally where approved replies go to be posted.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { ConfigPath } from '../types.ts'

export const MentionsConfigSchema = z.object({
  /** The key of `X-Atlas-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, both directions. */
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(256),
  /**
   * Where approved replies are POSTed for posting (the listening tool's API, a Zapier/n8n hook, your
   * own script), signed with the same secret. Without it a person posts approved replies by hand.
   */
  replyUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
})

export type MentionsConfig = z.output<typeof MentionsConfigSchema>

/**
 * Stored encrypted: the signing secret, and the reply URL, since a Zapier or n8n hook URL is itself
 * a credential (whoever has it can post).
 */
export const MENTIONS_SECRET_FIELDS = [
  'webhookSecret',
  'replyUrl',
] as const satisfies readonly ConfigPath<MentionsConfig>[]

export function mentionsConfig(config: unknown): MentionsConfig {
  return parseInput(MentionsConfigSchema, config, 'mentions channel config', 'config_invalid')
}
