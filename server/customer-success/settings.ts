// A tenant's customer-success settings, read where they are needed. Each section is checked on its
// own: a bad stored value falls back to that section's defaults with a warning instead of stopping
// every SLA timer or survey of the tenant.
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Logger } from '../../common/logger.ts'
import type { Executor } from '../../drizzle/database.ts'
import { type TenantSettings, tenants } from '../../drizzle/schema/tenants.ts'
import { WhatsAppNumber } from '../notifications/preferences.ts'
import { DEFAULT_HEALTH_WEIGHTS, HealthWeightsSchema } from './health-score.ts'
import { parseSlaSettings, type SlaSettings } from './sla-policy.ts'

const Template = z.strictObject({ name: z.string().trim().min(1), language: z.string().trim().min(2) })

export const CsatSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Minutes after resolution before the question goes out (a reopened ticket cancels it). */
  delayMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(5),
  question: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .default('How would you rate the help you got? Reply with a number from 1 (very poor) to 5 (excellent).'),
  thanks: z.string().trim().min(1).max(500).default('Thank you for your feedback!'),
  /** WhatsApp outside its 24-hour window: an approved template carrying the question. */
  template: Template.nullable().default(null),
})

export const BackToBotSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** How long after a person resolves a conversation the bot takes it back. */
  afterMinutes: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60)
    .default(60),
})

export const HealthSettingsSchema = z.strictObject({
  weights: HealthWeightsSchema.default(DEFAULT_HEALTH_WEIGHTS),
  /** The product's features, for adoption; empty: every feature any customer used counts. */
  features: z.array(z.string().trim().min(1)).max(500).default([]),
})

export const SaveStepSchema = z.strictObject({
  afterHours: z
    .number()
    .min(0)
    .max(90 * 24),
  kind: z.enum(['alert_owner', 'check_in', 'offer']),
  /** The message the step prepares for the owner to send (check-in, offer). */
  text: z.string().trim().min(1).max(2000).optional(),
})

export const ChurnSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  competitors: z.array(z.string().trim().min(2).max(80)).max(100).default([]),
  /** The save play a churn risk starts, step by step. */
  steps: z
    .array(SaveStepSchema)
    .min(1)
    .max(20)
    .default([
      { afterHours: 0, kind: 'alert_owner' },
      {
        afterHours: 24,
        kind: 'check_in',
        text: "Hi {name}, I'm checking in personally: I saw things haven't been smooth lately. What would make the biggest difference for you right now?",
      },
      {
        afterHours: 72,
        kind: 'offer',
        text: "Hi {name}, we'd like to make this right: we can offer you a free month and a call with our product team. Shall I set that up?",
      },
    ]),
  /** Team phone numbers that get a WhatsApp alert when a customer turns at risk. */
  alertWhatsApp: z.array(WhatsAppNumber).max(20).default([]),
  /** The WhatsApp template for the alert (business-initiated messages need one outside 24 hours). */
  alertTemplate: Template.nullable().default(null),
  /** The account owner, when the customer has none of their own (contact attribute `owner`). */
  defaultOwner: z.email().nullable().default(null),
})

export const NotificationSettingsSchema = z.strictObject({
  /** The team's shared address: every new ticket is announced there, as support tools do. */
  address: z.email().nullable().default(null),
})

export const KnowledgeGapSettingsSchema = z.strictObject({
  /** Who gets the weekly digest; empty: every admin of the tenant. */
  digestTo: z.array(z.email()).max(50).default([]),
})

export interface CustomerSuccessSettings {
  sla: SlaSettings
  csat: z.output<typeof CsatSettingsSchema>
  backToBot: z.output<typeof BackToBotSettingsSchema>
  health: z.output<typeof HealthSettingsSchema>
  churn: z.output<typeof ChurnSettingsSchema>
  notifications: z.output<typeof NotificationSettingsSchema>
  knowledgeGaps: z.output<typeof KnowledgeGapSettingsSchema>
  timeZone: string
}

type Issue = { section: string; issues: unknown }

export function customerSuccessSettingsOf(
  settings: TenantSettings,
  onIssue: (issue: Issue) => void = () => {},
): CustomerSuccessSettings {
  const section = <S extends z.ZodType>(name: keyof TenantSettings, schema: S): z.output<S> => {
    const parsed = schema.safeParse(settings[name] ?? {})
    if (parsed.success) return parsed.data
    onIssue({ section: String(name), issues: parsed.error.issues })
    return schema.parse({})
  }
  const sla = parseSlaSettings(settings.sla ?? {})
  if (sla.issues) onIssue({ section: 'sla', issues: sla.issues })
  return {
    sla: sla.settings,
    csat: section('csat', CsatSettingsSchema),
    backToBot: section('backToBot', BackToBotSettingsSchema),
    health: section('health', HealthSettingsSchema),
    churn: section('churn', ChurnSettingsSchema),
    notifications: section('notifications', NotificationSettingsSchema),
    knowledgeGaps: section('knowledgeGaps', KnowledgeGapSettingsSchema),
    timeZone: settings.timeZone ?? 'UTC',
  }
}

export async function readCustomerSuccessSettings(
  db: Executor,
  tenantId: string,
  logger?: Logger,
): Promise<CustomerSuccessSettings> {
  const [row] = await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId))
  return customerSuccessSettingsOf(row?.settings ?? {}, (issue) =>
    logger?.warn({ tenantId, ...issue }, 'customer-success settings are invalid; using the defaults'),
  )
}

/** The settings sections an admin may replace through the API, by name. */
export const SETTINGS_SECTIONS = {
  csat: CsatSettingsSchema,
  backToBot: BackToBotSettingsSchema,
  health: HealthSettingsSchema,
  churn: ChurnSettingsSchema,
  notifications: NotificationSettingsSchema,
  knowledgeGaps: KnowledgeGapSettingsSchema,
} as const
