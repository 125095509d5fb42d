// A team member's notification preferences: which channels each kind of notification goes to, and the
// addresses those channels need. `channelsFor` turns them into the channels one notification is sent on.
import { z } from 'zod'
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  type NotificationChannel,
  type NotificationKind,
} from './deliver.ts'

const kindEnum = z.enum(NOTIFICATION_KINDS)
const channelEnum = z.enum(NOTIFICATION_CHANNELS)

/**
 * A WhatsApp number as people write it ("+1 415 555-0123"), kept as WhatsApp's Cloud API wants it:
 * E.164 digits without the plus, a country code (never starting with 0) and 7 to 15 digits in all.
 */
export const WhatsAppNumber = z
  .string()
  .transform((v) => v.replace(/[\s().-]/g, '').replace(/^\+/, ''))
  .pipe(
    z.string().regex(/^[1-9]\d{6,14}$/, 'must be a phone number with its country code (e.g. +14155550123)'),
  )

export const NotificationPreferencesSchema = z.strictObject({
  /** Channels per kind; a kind not listed uses DEFAULT_CHANNELS, an empty list turns the kind off. */
  kinds: z.partialRecord(kindEnum, z.array(channelEnum).max(4)).default({}),
  whatsapp: WhatsAppNumber.nullable().default(null),
  webhook: z
    .strictObject({
      url: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .max(2048, 'must be at most 2048 characters'),
      /** Signs every delivery (X-Atlas-Signature); long enough that it cannot be guessed. */
      secret: z.string().min(16, 'must be at least 16 characters').max(256),
    })
    .nullable()
    .default(null),
  /** null: the user's login email. */
  email: z.email('must be an email address').nullable().default(null),
})

export type NotificationPreferences = z.output<typeof NotificationPreferencesSchema>

/** What a member gets before choosing: everything on the dashboard, what needs a person now by email too. */
export const DEFAULT_CHANNELS: Record<NotificationKind, NotificationChannel[]> = {
  new_conversation: ['dashboard'],
  escalation: ['dashboard', 'email'],
  sla_warning: ['dashboard'],
  sla_breach: ['dashboard', 'email'],
  ticket_created: ['dashboard'],
  low_csat: ['dashboard', 'email'],
  customer_waiting: ['dashboard', 'email'],
  churn_risk: ['dashboard', 'email'],
  save_step: ['dashboard'],
  knowledge_gap_digest: ['dashboard'],
}

/**
 * The channels one notification of `kind` goes to, each once and in the order chosen. A channel the
 * member has no address for (WhatsApp without a number, webhook without a URL) is dropped rather than
 * failing every send; email always has one (the login email stands in for a missing address).
 */
export function channelsFor(
  prefs: NotificationPreferences | null,
  kind: NotificationKind,
): NotificationChannel[] {
  const chosen = prefs?.kinds[kind] ?? DEFAULT_CHANNELS[kind]
  return [...new Set(chosen)].filter((channel) => {
    if (channel === 'whatsapp') return Boolean(prefs?.whatsapp)
    if (channel === 'webhook') return Boolean(prefs?.webhook)
    return true
  })
}
