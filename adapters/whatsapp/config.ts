// A WhatsApp channel's configuration: the Cloud API number and token to send with, and the app
// secret and verify token its webhooks are checked against.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { ConfigPath } from '../types.ts'

export const GraphBase = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
export const ApiVersion = z.string().regex(/^v\d{1,3}\.\d{1,3}$/, 'must look like v21.0')

export const WhatsAppSendConfigSchema = z.object({
  /** The Cloud API id of the business number (not the phone number itself). */
  phoneNumberId: z.string().regex(/^\d{1,32}$/, 'must be the numeric phone number id'),
  /** A system-user access token with whatsapp_business_messaging. */
  accessToken: z.string().min(1).max(4096),
  graphBase: GraphBase.default('https://graph.facebook.com'),
  apiVersion: ApiVersion.default('v21.0'),
  /** Let WhatsApp render a preview of the first link in a text reply. */
  previewUrl: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
})

export const WhatsAppConfigSchema = WhatsAppSendConfigSchema.extend({
  /** The Meta app secret: the key of X-Hub-Signature-256. */
  appSecret: z.string().min(1).max(256),
  /** Our choice of token, entered in the app dashboard for the subscription handshake. */
  verifyToken: z.string().min(1).max(256),
})

export type WhatsAppSendConfig = z.output<typeof WhatsAppSendConfigSchema>
export type WhatsAppConfig = z.output<typeof WhatsAppConfigSchema>

/** Stored encrypted; the number id, Graph base and options stay readable. */
export const WHATSAPP_SECRET_FIELDS = [
  'accessToken',
  'appSecret',
  'verifyToken',
] as const satisfies readonly ConfigPath<WhatsAppConfig>[]

export function whatsAppSendConfig(config: unknown): WhatsAppSendConfig {
  return parseInput(WhatsAppSendConfigSchema, config, 'WhatsApp channel config', 'config_invalid')
}
