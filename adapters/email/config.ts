// An email channel's configuration: the SMTP transport replies go out through (a URL, or
// host/port/secure/auth), the From address, and the secret inbound webhooks authenticate with.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { ConfigPath } from '../types.ts'
import { parseMailbox } from './addresses.ts'

const sendFields = {
  /** `support@acme.example` or `Acme Support <support@acme.example>`; its domain names our Message-IDs. */
  from: z
    .string()
    .max(320)
    .refine((value) => parseMailbox(value) !== null, 'must be an address, or "Name <address>"'),
  /** Where customers' replies should go, when not to `from` (e.g. a Postmark inbound address). */
  replyTo: z
    .string()
    .max(320)
    .refine((value) => parseMailbox(value) !== null, 'must be an address, or "Name <address>"')
    .optional(),
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  smtpUrl: z
    .string()
    .max(2048)
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  host: z.string().min(1).max(255).optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  /** TLS from the start (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().optional(),
  auth: z.object({ user: z.string().min(1).max(320), pass: z.string().min(1).max(1024) }).optional(),
  /** The subject of a message that does not reply to an email (e.g. the first contact was on the widget). */
  defaultSubject: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\r\n]*$/, 'must be one line')
    .default('Your support request'),
  timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
}

const oneTransport = (
  config: { smtpUrl?: string | undefined; host?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (!config.smtpUrl === !config.host) {
    ctx.addIssue({
      code: 'custom',
      path: ['smtpUrl'],
      message: 'give either smtpUrl or host (with port, secure, auth)',
    })
  }
}

export const EmailSendConfigSchema = z.object(sendFields).superRefine(oneTransport)

export const EmailConfigSchema = z
  .object({
    ...sendFields,
    /** The password of the inbound webhook's HTTP Basic auth (`https://inbound:<secret>@host/…`). */
    webhookSecret: z.string().min(16, 'must be at least 16 characters').max(256),
  })
  .superRefine(oneTransport)

export type EmailSendConfig = z.output<typeof EmailSendConfigSchema>
export type EmailConfig = z.output<typeof EmailConfigSchema>

/**
 * Stored encrypted: the SMTP URL whole (it carries `user:pass`), the SMTP password and the webhook
 * secret. The From and Reply-To addresses, host, port and user stay readable.
 */
export const EMAIL_SECRET_FIELDS = [
  'smtpUrl',
  'auth.pass',
  'webhookSecret',
] as const satisfies readonly ConfigPath<EmailConfig>[]

export function emailSendConfig(config: unknown): EmailSendConfig {
  return parseInput(EmailSendConfigSchema, config, 'email channel config', 'config_invalid')
}
