// A Messenger or Instagram channel's configuration: the page access token to send with, and the app
// secret and verify token its webhooks are checked against. Both kinds share one shape.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { ConfigPath } from '../types.ts'
import { ApiVersion, GraphBase } from '../whatsapp/config.ts'

export type MetaKind = 'messenger' | 'instagram'

export const MetaSendConfigSchema = z.object({
  /** A page access token with pages_messaging (and instagram_manage_messages for Instagram). */
  pageAccessToken: z.string().min(1).max(4096),
  graphBase: GraphBase.default('https://graph.facebook.com'),
  apiVersion: ApiVersion.default('v21.0'),
  /**
   * When a reply is refused for falling outside the 24-hour window, send it again as
   * `MESSAGE_TAG` / `HUMAN_AGENT` (allowed for 7 days). Meta permits this tag only for replies a
   * person wrote, and the app needs the Human Agent permission: enable it only for such channels.
   */
  humanAgentTag: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
})

export const MetaConfigSchema = MetaSendConfigSchema.extend({
  /** The Meta app secret: the key of X-Hub-Signature-256. */
  appSecret: z.string().min(1).max(256),
  /** Our choice of token, entered in the app dashboard for the subscription handshake. */
  verifyToken: z.string().min(1).max(256),
})

export const MessengerConfigSchema = MetaConfigSchema
export const InstagramConfigSchema = MetaConfigSchema

export type MetaSendConfig = z.output<typeof MetaSendConfigSchema>
export type MetaConfig = z.output<typeof MetaConfigSchema>

/** Stored encrypted; the Graph base and options stay readable. */
export const META_SECRET_FIELDS = [
  'pageAccessToken',
  'appSecret',
  'verifyToken',
] as const satisfies readonly ConfigPath<MetaConfig>[]

export function metaSendConfig(config: unknown, kind: MetaKind): MetaSendConfig {
  return parseInput(MetaSendConfigSchema, config, `${LABEL[kind]} channel config`, 'config_invalid')
}

export const LABEL: Record<MetaKind, string> = { messenger: 'Messenger', instagram: 'Instagram' }
