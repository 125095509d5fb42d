// Customer health score (0–100) and its risk level, from product events, tickets and message sentiment.
// Pure: the caller loads the inputs and stores the result (health_scores); every number is explained.
//
// The score is a weighted sum of four components, each 0–100 (Gainsight/ChurnZero-style scorecard):
//
// - engagement = 100 × (0.5·activity + 0.25·recency + 0.25·trend)
//     activity: distinct UTC days with a login in the last 30 days, saturating at 12 (≈ three a week);
//     recency: 1 while the last login is ≤ 7 days old, then halves every further 7 days;
//     trend: active days now ÷ 80% of the previous 30 days' (capped at 1), so a drop under 20% is noise;
//       with no logins in either window it is 0, with logins only in the latest window it is 1.
// - adoption = 0.6·breadth + 0.4·seats (either alone when the other has no data)
//     breadth: distinct features used in 30 days ÷ half the catalogue (using half of a product counts as
//       full adoption); with the catalogue unknown, ÷ the features the customer used in 90 days, so a
//       narrowing of their own usage shows;
//     seats: `seats` events are named `used` (or unnamed) and `purchased` with the count in `value` (as
//       POST /v1/events stores them); the latest of each gives utilisation ÷ 80% (capped at 1); with no
//       purchased count, the latest used count ÷ the peak used in 90 days, so contraction shows.
// - support = 100 − penalties, floor 0: 5 per ticket in 30 days after the first (≤ 25); 8 per
//     high/urgent/critical urgency or urgent/critical priority ticket that is recent or still open (≤ 24);
//     per open ticket 4 when ≤ 3 days old, 10 when ≤ 14 days, 15 when older (≤ 40); 10 per escalation
//     (≤ 30) and 8 per reopen (≤ 24) over the 90 days given.
// - sentiment = 50 + 50 × the mean of message sentiment, each weighted 0.5^(age in days ÷ 14).
//
// A component without data scores 50 (neutral) and is listed in `noData`. Support always has data: the
// tickets come from Atlas itself, and no tickets in 90 days is a clean record, not an unknown.

import { z } from 'zod'

export const HEALTH_COMPONENTS = ['engagement', 'support', 'adoption', 'sentiment'] as const
export type HealthComponent = (typeof HEALTH_COMPONENTS)[number]
export type HealthWeights = Record<HealthComponent, number>
export const DEFAULT_HEALTH_WEIGHTS: HealthWeights = {
  engagement: 0.3,
  support: 0.3,
  adoption: 0.2,
  sentiment: 0.2,
}

const weight = z.number().min(0).max(1)
/** Weights as fractions 0…1; they need not sum to 1 (`normaliseWeights` scales them), but one must count. */
export const HealthWeightsSchema = z
  .object({ engagement: weight, support: weight, adoption: weight, sentiment: weight })
  .refine((weights) => HEALTH_COMPONENTS.some((component) => weights[component] > 0), {
    message: 'At least one health weight must be above 0',
  })

/** Validates weights and scales them to sum to 1; throws (ZodError) on invalid weights. */
export function normaliseWeights(weights: HealthWeights): HealthWeights {
  const valid = HealthWeightsSchema.parse(weights)
  const total = HEALTH_COMPONENTS.reduce((sum, component) => sum + valid[component], 0)
  return {
    engagement: valid.engagement / total,
    support: valid.support / total,
    adoption: valid.adoption / total,
    sentiment: valid.sentiment / total,
  }
}

export type RiskLevel = 'critical' | 'high' | 'medium' | 'low'

/** Critical < 30, High < 50, Medium < 70, Low ≥ 70. */
export function riskOf(score: number): RiskLevel {
  if (score < 30) return 'critical'
  if (score < 50) return 'high'
  if (score < 70) return 'medium'
  return 'low'
}

export interface HealthInputs {
  now: Date
  /** Product events the customer's app posted (logins, feature use, seat counts), last 30 days or more. */
  events: {
    type: 'login' | 'feature_used' | 'seats'
    name: string | null
    value: number | null
    occurredAt: Date
  }[]
  /** Features the tenant's product has (from its settings, or every feature any customer used); 0 = unknown. */
  featureCatalogueSize: number
  /** The customer's tickets (last 90 days). */
  tickets: {
    createdAt: Date
    urgency: string | null
    priority: string
    status: string
    resolvedAt: Date | null
    escalated: boolean
    reopened: boolean
  }[]
  /** Sentiment of the customer's own messages (−1…1), any age; recent ones weigh more. */
  sentiments: { score: number; at: Date }[]
}

export interface HealthResult {
  /** int 0..100 */
  score: number
  risk: RiskLevel
  /** int 0..100 each */
  components: Record<HealthComponent, number>
  /** one human sentence per component saying why, e.g. "2 logins in 30 days (was 18 in the 30 before)" */
  reasons: Record<HealthComponent, string>
  /** components with no data, scored neutral */
  noData: HealthComponent[]
}

const DAY_MS = 86_400_000
const NEUTRAL = 50

/** Active login days at which engagement activity is full: about three working days a week. */
const FULL_ACTIVITY_DAYS = 12
const RECENCY_GRACE_DAYS = 7
const RECENCY_HALF_LIFE_DAYS = 7
/** A fall in active days smaller than this share is ordinary month-to-month noise. */
const TREND_TOLERANCE = 0.8
/** Share of the catalogue at which breadth is full; few customers need every feature. */
const FULL_BREADTH_SHARE = 0.5
/** Seat utilisation at which the seats score is full; some headroom is normal. */
const FULL_SEAT_UTILISATION = 0.8
const SENTIMENT_HALF_LIFE_DAYS = 14

const SEVERE_URGENCIES = new Set(['high', 'urgent', 'critical'])
const SEVERE_PRIORITIES = new Set(['urgent', 'critical'])
const CLOSED_STATUSES = new Set(['resolved', 'closed'])

interface Component {
  /** 0…100, unrounded; undefined when there is no data */
  value: number | undefined
  reason: string
}

export function computeHealth(
  inputs: HealthInputs,
  weights: HealthWeights = DEFAULT_HEALTH_WEIGHTS,
): HealthResult {
  const normalised = normaliseWeights(weights)
  // Events "from the future" (clock skew, replays) would count as fresh activity forever.
  const events = inputs.events.filter((event) => event.occurredAt.getTime() <= inputs.now.getTime())
  const parts: Record<HealthComponent, Component> = {
    engagement: engagementOf(events, inputs.now),
    support: supportOf(inputs.tickets, inputs.now),
    adoption: adoptionOf(events, inputs.featureCatalogueSize, inputs.now),
    sentiment: messageSentimentOf(inputs.sentiments, inputs.now),
  }
  const components = {} as Record<HealthComponent, number>
  const reasons = {} as Record<HealthComponent, string>
  const noData: HealthComponent[] = []
  let total = 0
  for (const component of HEALTH_COMPONENTS) {
    const { value, reason } = parts[component]
    if (value === undefined) noData.push(component)
    components[component] = Math.round(clamp(value ?? NEUTRAL, 0, 100))
    reasons[component] = reason
    // From the rounded components, so the total can be re-derived from what the team sees.
    total += normalised[component] * components[component]
  }
  const score = Math.round(clamp(total, 0, 100))
  return { score, risk: riskOf(score), components, reasons, noData }
}

type Event = HealthInputs['events'][number]

function engagementOf(events: Event[], now: Date): Component {
  const logins = events.filter((event) => event.type === 'login')
  if (logins.length === 0) return { value: undefined, reason: 'No login events yet; scored neutral.' }
  const current = activeDays(logins, now, 0, 30)
  const previous = activeDays(logins, now, 30, 60)
  const last = logins.reduce(
    (max, event) => Math.max(max, event.occurredAt.getTime()),
    Number.NEGATIVE_INFINITY,
  )
  const daysSince = Math.floor((now.getTime() - last) / DAY_MS)

  const activity = Math.min(1, current / FULL_ACTIVITY_DAYS)
  const recency =
    daysSince <= RECENCY_GRACE_DAYS ? 1 : 0.5 ** ((daysSince - RECENCY_GRACE_DAYS) / RECENCY_HALF_LIFE_DAYS)
  const trend = previous === 0 ? (current > 0 ? 1 : 0) : Math.min(1, current / (TREND_TOLERANCE * previous))
  const value = 100 * (0.5 * activity + 0.25 * recency + 0.25 * trend)

  const lastSeen = daysSince === 0 ? 'today' : `${plural(daysSince, 'day')} ago`
  return {
    value,
    reason: `Logged in on ${plural(current, 'day')} in the last 30 (was ${previous} in the 30 before); last login ${lastSeen}.`,
  }
}

/** Distinct UTC calendar days with a login between `fromDays` and `toDays` days before now. */
function activeDays(logins: Event[], now: Date, fromDays: number, toDays: number): number {
  const days = new Set<string>()
  for (const login of logins) {
    const age = now.getTime() - login.occurredAt.getTime()
    if (age >= fromDays * DAY_MS && age < toDays * DAY_MS)
      days.add(login.occurredAt.toISOString().slice(0, 10))
  }
  return days.size
}

function adoptionOf(events: Event[], catalogueSize: number, now: Date): Component {
  const within = (event: Event, days: number) => now.getTime() - event.occurredAt.getTime() < days * DAY_MS
  const featureEvents = events.filter((event) => event.type === 'feature_used' && event.name)
  const features30 = new Set(featureEvents.filter((e) => within(e, 30)).map((e) => e.name))
  const features90 = new Set(featureEvents.filter((e) => within(e, 90)).map((e) => e.name))

  let breadth: number | undefined
  let breadthReason: string | undefined
  if (featureEvents.length > 0 && catalogueSize > 0) {
    breadth = Math.min(1, features30.size / (FULL_BREADTH_SHARE * catalogueSize))
    breadthReason = `used ${features30.size} of ${plural(catalogueSize, 'feature')} in 30 days`
  } else if (featureEvents.length > 0) {
    breadth = features90.size === 0 ? 0 : features30.size / features90.size
    breadthReason = `used ${plural(features30.size, 'feature')} in 30 days (${features90.size} in 90)`
  }

  const seatEvents = events.filter((event) => event.type === 'seats' && event.value !== null)
  const used = seatEvents.filter((event) => event.name === null || event.name === 'used')
  const purchased = latest(seatEvents.filter((event) => event.name === 'purchased'))
  const inUse = latest(used)
  let seats: number | undefined
  let seatsReason: string | undefined
  if (inUse !== undefined && purchased !== undefined && purchased > 0) {
    seats = Math.min(1, inUse / purchased / FULL_SEAT_UTILISATION)
    seatsReason = `${inUse} of ${plural(purchased, 'seat')} in use`
  } else if (inUse !== undefined) {
    const peak = used.filter((e) => within(e, 90)).reduce((max, e) => Math.max(max, e.value ?? 0), inUse)
    seats = peak > 0 ? inUse / peak : 0
    seatsReason = `${plural(inUse, 'seat')} in use (peak ${peak} in 90 days)`
  }

  if (breadth === undefined && seats === undefined) {
    return { value: undefined, reason: 'No feature or seat events yet; scored neutral.' }
  }
  const value =
    breadth !== undefined && seats !== undefined
      ? 100 * (0.6 * breadth + 0.4 * seats)
      : 100 * (breadth ?? seats ?? 0)
  const said = [breadthReason, seatsReason].filter((part) => part !== undefined).join('; ')
  return { value, reason: `${capitalise(said)}.` }
}

/** Value of the most recent event, or undefined when there is none. */
function latest(events: Event[]): number | undefined {
  let best: Event | undefined
  for (const event of events) {
    if (best === undefined || event.occurredAt.getTime() >= best.occurredAt.getTime()) best = event
  }
  return best?.value ?? undefined
}

type Ticket = HealthInputs['tickets'][number]

function supportOf(tickets: Ticket[], now: Date): Component {
  if (tickets.length === 0) return { value: 100, reason: 'No tickets in the last 90 days.' }
  const ageDays = (ticket: Ticket) => (now.getTime() - ticket.createdAt.getTime()) / DAY_MS
  const isOpen = (ticket: Ticket) =>
    ticket.resolvedAt === null && !CLOSED_STATUSES.has(ticket.status.toLowerCase())
  const isSevere = (ticket: Ticket) =>
    SEVERE_URGENCIES.has((ticket.urgency ?? '').toLowerCase()) ||
    SEVERE_PRIORITIES.has(ticket.priority.toLowerCase())

  const recent = tickets.filter((ticket) => ageDays(ticket) < 30)
  const open = tickets.filter(isOpen)
  const severe = tickets.filter((ticket) => isSevere(ticket) && (ageDays(ticket) < 30 || isOpen(ticket)))
  const stale = open.filter((ticket) => ageDays(ticket) > 3)
  const escalated = tickets.filter((ticket) => ticket.escalated).length
  const reopened = tickets.filter((ticket) => ticket.reopened).length

  const openPenalty = open.reduce((sum, ticket) => {
    const age = ageDays(ticket)
    return sum + (age <= 3 ? 4 : age <= 14 ? 10 : 15)
  }, 0)
  const penalty =
    Math.min(25, 5 * Math.max(0, recent.length - 1)) +
    Math.min(24, 8 * severe.length) +
    Math.min(40, openPenalty) +
    Math.min(30, 10 * escalated) +
    Math.min(24, 8 * reopened)

  const details = [
    severe.length > 0 ? `${severe.length} high or urgent` : undefined,
    open.length > 0
      ? `${open.length} open${stale.length > 0 ? ` (${stale.length} for more than 3 days)` : ''}`
      : 'all resolved',
    escalated > 0 ? `${escalated} escalated` : undefined,
    reopened > 0 ? `${reopened} reopened` : undefined,
  ].filter((part) => part !== undefined)
  return {
    value: Math.max(0, 100 - penalty),
    reason: `${plural(recent.length, 'ticket')} in 30 days (${tickets.length} in 90); ${details.join(', ')}.`,
  }
}

function messageSentimentOf(sentiments: HealthInputs['sentiments'], now: Date): Component {
  if (sentiments.length === 0)
    return { value: undefined, reason: 'No messages from the customer yet; scored neutral.' }
  const ageDays = (at: Date) => Math.max(0, now.getTime() - at.getTime()) / DAY_MS
  // Ages are taken from the newest message: the mean is the same, and a year-old history cannot
  // underflow every weight to 0.
  const youngest = sentiments.reduce((min, { at }) => Math.min(min, ageDays(at)), Number.POSITIVE_INFINITY)
  let weighted = 0
  let totalWeight = 0
  for (const { score, at } of sentiments) {
    const w = 0.5 ** ((ageDays(at) - youngest) / SENTIMENT_HALF_LIFE_DAYS)
    weighted += w * clamp(score, -1, 1)
    totalWeight += w
  }
  const mean = weighted / totalWeight
  const tone = mean <= -0.05 ? 'negative' : mean >= 0.05 ? 'positive' : 'neutral'
  return {
    value: NEUTRAL + NEUTRAL * mean,
    reason: `Messages read ${tone}: recency-weighted mean sentiment ${mean.toFixed(2)} over ${plural(sentiments.length, 'message')}.`,
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
