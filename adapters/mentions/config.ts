// A mentions channel's configuration: the secret the social-listening tool signs its webhooks with.
import { z } from 'zod'

export const MentionsConfigSchema = z.object({
  /** The key of `X-Atlas-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(256),
})

export type MentionsConfig = z.output<typeof MentionsConfigSchema>
