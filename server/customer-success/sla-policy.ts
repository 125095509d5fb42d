// SLA policy settings (which tickets get which response and resolution targets, and the follow-up
// reminders), and the clock maths on top of business-hours.ts: when a running clock warns and falls due.
import { z } from 'zod'
import type { ChannelKind } from '../../drizzle/schema/channels.ts'
import type { SlaMetricName } from '../../drizzle/schema/customer-success.ts'
import { TICKET_PRIORITIES } from '../../drizzle/schema/tickets.ts'
import {
  addBusinessSeconds,
  type BusinessHours,
  BusinessHoursSchema,
  businessSecondsBetween,
} from './business-hours.ts'

export const SLA_METRICS = [
  'firstResponse',
  'nextResponse',
  'resolution',
] as const satisfies readonly SlaMetricName[]
export type SlaMetric = (typeof SLA_METRICS)[number]

const CHANNEL_KINDS = [
  'widget',
  'whatsapp',
  'email',
  'messenger',
  'instagram',
  'mentions',
] as const satisfies readonly ChannelKind[]

/** A year: anything longer is a typo, not a service level. */
const MAX_TARGET_MINUTES = 365 * 24 * 60

const TargetMinutes = z
  .number()
  .int('must be a whole number of minutes')
  .positive('must be at least 1 minute')
  .max(MAX_TARGET_MINUTES, 'must be at most a year')

const Label = z.string().trim().min(1, 'must not be empty').max(120)

export const SlaPolicySchema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      'must be a slug: up to 63 lowercase letters, digits, _ or -, starting with a letter or digit',
    ),
  name: Label,
  /** Which tickets: every listed field must match (a missing field, or an empty list, matches anything). */
  match: z
    .strictObject({
      priorities: z.array(z.enum(TICKET_PRIORITIES)).optional(),
      /** The classifier's urgency labels (low, normal, high, critical …). */
      urgencies: z.array(Label).optional(),
      queues: z.array(Label).optional(),
      channels: z.array(z.enum(CHANNEL_KINDS)).optional(),
    })
    .default({}),
  targets: z
    .strictObject({
      firstResponseMinutes: TargetMinutes.optional(),
      nextResponseMinutes: TargetMinutes.optional(),
      resolutionMinutes: TargetMinutes.optional(),
    })
    .refine(
      (targets) => Object.values(targets).some((minutes) => minutes !== undefined),
      'must set at least one target: first response, next response or resolution',
    ),
  /** Share of the target at which the warning fires. */
  warnAt: z.number().gt(0, 'must be more than 0').lt(1, 'must be less than 1').default(0.75),
  /** null: the clock runs around the clock. */
  businessHours: BusinessHoursSchema.nullable().default(null),
  onBreach: z
    .strictObject({
      raisePriority: z.boolean().default(true),
      reassignTo: z.email('must be an email address').nullable().default(null),
      notify: z.boolean().default(true),
    })
    .prefault({}),
})

const FOLLOW_UP_MAX_HOURS = 24 * 60

const FollowUpHours = z
  .number()
  .positive('must be more than 0 hours')
  .max(FOLLOW_UP_MAX_HOURS, 'must be at most 60 days')

export const FollowUpSettingsSchema = z.strictObject({
  /** Remind the customer after this many hours without their reply to our last answer (null = never). */
  customerAfterHours: FollowUpHours.nullable().default(24),
  /** Then resolve the ticket after this many more hours of silence (null = never). */
  autoResolveAfterHours: FollowUpHours.nullable().default(48),
  /** Remind the owner when the customer has waited this long for a person (null = never). */
  ownerAfterHours: FollowUpHours.nullable().default(4),
  reminderText: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(1000)
    .default(
      'Just checking in — did that answer your question? Reply here if you still need help; ' +
        "otherwise we'll close this conversation in a couple of days.",
    ),
  /** WhatsApp outside its 24-hour window can only take an approved template: its name and language. */
  reminderTemplate: z
    .strictObject({ name: z.string().trim().min(1).max(512), language: z.string().trim().min(1).max(20) })
    .nullable()
    .default(null),
})

export type SlaPolicy = z.output<typeof SlaPolicySchema>
export type FollowUpSettings = z.output<typeof FollowUpSettingsSchema>

function defaultPolicy(
  priority: (typeof TICKET_PRIORITIES)[number],
  name: string,
  [firstResponseMinutes, nextResponseMinutes, resolutionMinutes]: [number, number, number],
): SlaPolicy {
  return SlaPolicySchema.parse({
    id: priority,
    name,
    match: { priorities: [priority] },
    targets: { firstResponseMinutes, nextResponseMinutes, resolutionMinutes },
  })
}

/** Around the clock, one policy per priority, with targets like a helpdesk's out-of-the-box ones. */
const DEFAULT_POLICIES: SlaPolicy[] = [
  defaultPolicy('urgent', 'Urgent', [15, 30, 4 * 60]),
  defaultPolicy('high', 'High', [60, 2 * 60, 8 * 60]),
  defaultPolicy('normal', 'Normal', [4 * 60, 8 * 60, 24 * 60]),
  defaultPolicy('low', 'Low', [8 * 60, 24 * 60, 72 * 60]),
]

export const SlaSettingsSchema = z.strictObject({
  /**
   * In order: a ticket gets the first policy that matches it. Left out, the default policies apply;
   * an empty list means no SLA clocks.
   */
  policies: z
    .array(SlaPolicySchema)
    .max(100)
    .superRefine((policies, ctx) => {
      const seen = new Set<string>()
      policies.forEach((policy, index) => {
        if (seen.has(policy.id)) {
          ctx.addIssue({
            code: 'custom',
            message: `policy id "${policy.id}" is used more than once`,
            path: [index, 'id'],
          })
        }
        seen.add(policy.id)
      })
    })
    .default(() => structuredClone(DEFAULT_POLICIES)),
  followUps: FollowUpSettingsSchema.prefault({}),
})

export type SlaSettings = z.output<typeof SlaSettingsSchema>

export const DEFAULT_SLA_SETTINGS: SlaSettings = SlaSettingsSchema.parse({})

/**
 * The stored settings, checked. Nothing stored gives the defaults; a bad stored value also gives the
 * defaults, with the issues for the caller to log, so one bad save never stops the clocks. Never throws.
 */
export function parseSlaSettings(raw: unknown): { settings: SlaSettings; issues: z.core.$ZodIssue[] | null } {
  // A copy each time: callers may change what they get without changing everyone's defaults.
  const defaults = () => structuredClone(DEFAULT_SLA_SETTINGS)
  if (raw === undefined || raw === null) return { settings: defaults(), issues: null }
  const parsed = SlaSettingsSchema.safeParse(raw)
  if (parsed.success) return { settings: parsed.data, issues: null }
  return { settings: defaults(), issues: parsed.error.issues }
}

/** What policy selection knows about a ticket. */
export interface TicketFacts {
  priority: string
  urgency: string | null
  queue: string | null
  channel: string | null
}

/**
 * The first policy, in order, whose match fits the ticket. A ticket without an urgency (or queue, or
 * channel) only fits policies that do not filter on it.
 */
export function selectPolicy(policies: readonly SlaPolicy[], ticket: TicketFacts): SlaPolicy | null {
  return policies.find((policy) => policyMatches(policy.match, ticket)) ?? null
}

function policyMatches(match: SlaPolicy['match'], ticket: TicketFacts): boolean {
  return (
    listMatches(match.priorities, ticket.priority) &&
    listMatches(match.urgencies, ticket.urgency) &&
    listMatches(match.queues, ticket.queue) &&
    listMatches(match.channels, ticket.channel)
  )
}

/** Case-insensitive, as the routing rules compare labels. */
function listMatches(list: readonly string[] | undefined, value: string | null): boolean {
  if (list === undefined || list.length === 0) return true
  if (value === null) return false
  const wanted = value.trim().toLowerCase()
  return list.some((item) => item.toLowerCase() === wanted)
}

/** The policy's target for `metric` in seconds, or null when the policy sets none. */
export function targetSeconds(policy: SlaPolicy, metric: SlaMetric): number | null {
  const minutes = policy.targets[`${metric}Minutes`]
  return minutes === undefined ? null : minutes * 60
}

/** A running clock: `usedSeconds` of business time already spent before `runningSince`. */
export interface ClockTiming {
  targetSeconds: number
  warnShare: number
  usedSeconds: number
  runningSince: Date
}

/**
 * When a running clock warns and falls due. The warning is null once the clock has used its warning
 * share (it has fired, or the clock resumed past it); a clock that has used its whole target is due
 * at `runningSince`, i.e. already.
 */
export function clockDue(
  timing: ClockTiming,
  hours: BusinessHours | null,
): { warnAt: Date | null; dueAt: Date } {
  const { usedSeconds, runningSince } = timing
  if (usedSeconds >= timing.targetSeconds) return { warnAt: null, dueAt: new Date(runningSince) }
  const warnSeconds = timing.warnShare * timing.targetSeconds
  return {
    warnAt:
      usedSeconds >= warnSeconds ? null : addBusinessSeconds(runningSince, warnSeconds - usedSeconds, hours),
    dueAt: addBusinessSeconds(runningSince, timing.targetSeconds - usedSeconds, hours),
  }
}

/**
 * Business seconds a clock has used by `at`: what it had when it (re)started plus the business time
 * since. Whole seconds, rounded down, as ticket_slas.usedSeconds keeps them.
 */
export function usedSecondsAt(
  timing: Omit<ClockTiming, 'targetSeconds' | 'warnShare'>,
  at: Date,
  hours: BusinessHours | null,
): number {
  return Math.floor(timing.usedSeconds + businessSecondsBetween(timing.runningSince, at, hours))
}
