// Health score: a healthy customer, a customer sliding step by step into critical risk, weights,
// components without data, and the risk bands.

import { describe, expect, it } from 'vitest'
import {
  computeHealth,
  DEFAULT_HEALTH_WEIGHTS,
  HEALTH_COMPONENTS,
  type HealthInputs,
  HealthWeightsSchema,
  normaliseWeights,
  riskOf,
} from './health-score.ts'

const NOW = new Date('2025-06-30T12:00:00Z')
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000)
type Event = HealthInputs['events'][number]
type Ticket = HealthInputs['tickets'][number]

const logins = (...days: number[]): Event[] =>
  days.map((d) => ({ type: 'login', name: null, value: null, occurredAt: daysAgo(d) }))
const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step)
const features = (names: string[], day: number): Event[] =>
  names.map((name) => ({ type: 'feature_used', name, value: null, occurredAt: daysAgo(day) }))
const seats = (used: number, purchased: number, day: number): Event[] => [
  { type: 'seats', name: 'used', value: used, occurredAt: daysAgo(day) },
  { type: 'seats', name: 'purchased', value: purchased, occurredAt: daysAgo(day) },
]
const ticket = (overrides: Partial<Ticket> & { age: number }): Ticket => ({
  createdAt: daysAgo(overrides.age),
  urgency: 'normal',
  priority: 'normal',
  status: 'resolved',
  resolvedAt: daysAgo(Math.max(0, overrides.age - 1)),
  escalated: false,
  reopened: false,
  ...overrides,
})
const openUrgent = (age: number, escalated: boolean): Ticket =>
  ticket({ age, urgency: 'urgent', priority: 'urgent', status: 'in_progress', resolvedAt: null, escalated })
const moods = (...pairs: [score: number, day: number][]) =>
  pairs.map(([score, day]) => ({ score, at: daysAgo(day) }))

const CATALOGUE = [
  'inbox',
  'reports',
  'automations',
  'api',
  'sso',
  'exports',
  'tags',
  'macros',
  'sla',
  'chat',
]
const PREVIOUS_MONTH_LOGINS = logins(...range(31, 59, 2)) // 15 active days

const healthy: HealthInputs = {
  now: NOW,
  events: [
    ...logins(...range(0, 28, 2)),
    ...PREVIOUS_MONTH_LOGINS,
    ...features(CATALOGUE.slice(0, 7), 3),
    ...seats(18, 20, 5),
  ],
  featureCatalogueSize: CATALOGUE.length,
  tickets: [ticket({ age: 20 })],
  sentiments: moods([0.6, 2], [0.4, 20]),
}

/** The same customer, month by month getting worse in every respect. */
const worsening: HealthInputs[] = [
  healthy,
  {
    ...healthy,
    events: [
      ...logins(9, 14, 18, 25, 29),
      ...PREVIOUS_MONTH_LOGINS,
      ...features(CATALOGUE.slice(0, 7), 45),
      ...features(CATALOGUE.slice(0, 3), 10),
      ...seats(18, 20, 60),
      ...seats(12, 20, 10),
    ],
    tickets: [ticket({ age: 20 }), openUrgent(5, false)],
    sentiments: moods([0.6, 40], [-0.2, 10], [0.1, 6]),
  },
  {
    ...healthy,
    events: [
      ...logins(15, 19, 26),
      ...PREVIOUS_MONTH_LOGINS,
      ...features(CATALOGUE.slice(0, 7), 45),
      ...features(CATALOGUE.slice(0, 2), 20),
      ...seats(18, 20, 60),
      ...seats(8, 20, 15),
    ],
    tickets: [ticket({ age: 20 }), openUrgent(12, true), openUrgent(6, false)],
    sentiments: moods([0.6, 40], [-0.2, 15], [-0.3, 4]),
  },
  {
    ...healthy,
    events: [
      ...logins(38, 45, 50),
      ...features(CATALOGUE.slice(0, 7), 45),
      ...seats(18, 20, 60),
      ...seats(3, 20, 2),
    ],
    tickets: [openUrgent(20, true), openUrgent(12, true), openUrgent(6, true)],
    sentiments: moods([0.6, 40], [-0.5, 10], [-0.8, 3], [-0.9, 1]),
  },
]

describe('computeHealth', () => {
  it('scores a healthy, active, satisfied customer as low risk', () => {
    const result = computeHealth(healthy)
    expect(result.score).toBeGreaterThanOrEqual(70)
    expect(result.risk).toBe('low')
    expect(result.noData).toEqual([])
    expect(result.components.engagement).toBe(100)
    expect(result.components.support).toBe(100)
    expect(result.components.adoption).toBe(100)
    expect(result.components.sentiment).toBeGreaterThan(70)
    for (const component of HEALTH_COMPONENTS) {
      expect(Number.isInteger(result.components[component])).toBe(true)
      expect(result.reasons[component]).toMatch(/\.$/)
    }
    expect(result.reasons.engagement).toBe(
      'Logged in on 15 days in the last 30 (was 15 in the 30 before); last login today.',
    )
    expect(result.reasons.adoption).toBe('Used 7 of 10 features in 30 days; 18 of 20 seats in use.')
  })

  it('moves down through medium and high to critical as the customer slides, every component with it', () => {
    const results = worsening.map((inputs) => computeHealth(inputs))
    expect(results.map((r) => r.risk)).toEqual(['low', 'medium', 'high', 'critical'])
    expect(results[3]!.score).toBeLessThan(30)
    for (let step = 1; step < results.length; step++) {
      const before = results[step - 1]!
      const after = results[step]!
      expect(after.score).toBeLessThan(before.score)
      for (const component of HEALTH_COMPONENTS) {
        expect(after.components[component], `${component} at step ${step}`).toBeLessThan(
          before.components[component],
        )
      }
    }
    const critical = results[3]!
    expect(critical.components.support).toBeLessThan(15)
    expect(critical.components.engagement).toBeLessThan(10)
    expect(critical.components.sentiment).toBeLessThan(20)
    expect(critical.reasons.engagement).toBe(
      'Logged in on 0 days in the last 30 (was 3 in the 30 before); last login 38 days ago.',
    )
    expect(critical.reasons.support).toBe(
      '3 tickets in 30 days (3 in 90); 3 high or urgent, 3 open (3 for more than 3 days), 3 escalated.',
    )
    expect(critical.reasons.adoption).toBe('Used 0 of 10 features in 30 days; 3 of 20 seats in use.')
    expect(critical.reasons.sentiment).toMatch(
      /^Messages read negative: recency-weighted mean sentiment -0\.\d\d over 4 messages\.$/,
    )
  })

  it('uses the customer’s own 90-day feature breadth when the catalogue is unknown', () => {
    const inputs: HealthInputs = {
      ...healthy,
      featureCatalogueSize: 0,
      events: [...features(['a', 'b', 'c', 'd'], 50), ...features(['a'], 5)],
    }
    const result = computeHealth(inputs)
    expect(result.components.adoption).toBe(25)
    expect(result.reasons.adoption).toBe('Used 1 feature in 30 days (4 in 90).')
  })

  it('measures seats against the 90-day peak when the purchased count is unknown', () => {
    const events: Event[] = [
      { type: 'seats', name: null, value: 10, occurredAt: daysAgo(60) },
      { type: 'seats', name: 'used', value: 4, occurredAt: daysAgo(2) },
    ]
    const result = computeHealth({ ...healthy, events })
    expect(result.components.adoption).toBe(40)
    expect(result.reasons.adoption).toBe('4 seats in use (peak 10 in 90 days).')
  })

  it('weighs recent messages more than old ones', () => {
    const recentAnger = computeHealth({ ...healthy, sentiments: moods([0.8, 60], [-0.8, 1]) })
    const oldAnger = computeHealth({ ...healthy, sentiments: moods([-0.8, 60], [0.8, 1]) })
    expect(recentAnger.components.sentiment).toBeLessThan(20)
    expect(oldAnger.components.sentiment).toBeGreaterThan(80)
  })

  it('penalises open tickets more the longer they wait', () => {
    const fresh = computeHealth({
      ...healthy,
      tickets: [ticket({ age: 1, status: 'new', resolvedAt: null })],
    })
    const stale = computeHealth({
      ...healthy,
      tickets: [ticket({ age: 10, status: 'pending', resolvedAt: null })],
    })
    const old = computeHealth({
      ...healthy,
      tickets: [ticket({ age: 20, status: 'pending', resolvedAt: null })],
    })
    expect(fresh.components.support).toBe(96)
    expect(stale.components.support).toBe(90)
    expect(old.components.support).toBe(85)
    const reopened = computeHealth({ ...healthy, tickets: [ticket({ age: 20, reopened: true })] })
    expect(reopened.components.support).toBe(92)
  })

  it('scores components without data as neutral 50 and lists them', () => {
    const result = computeHealth({
      now: NOW,
      events: [],
      featureCatalogueSize: 12,
      tickets: [],
      sentiments: [],
    })
    expect(result.noData).toEqual(['engagement', 'adoption', 'sentiment'])
    expect(result.components).toEqual({ engagement: 50, support: 100, adoption: 50, sentiment: 50 })
    expect(result.reasons.support).toBe('No tickets in the last 90 days.')
    expect(result.score).toBe(65)
    // A missing component neither helps nor hurts: the same customer with a neutral reading of it.
    const withNeutralMood = computeHealth({ ...healthy, sentiments: moods([0, 1]) })
    const withoutMessages = computeHealth({ ...healthy, sentiments: [] })
    expect(withoutMessages.noData).toEqual(['sentiment'])
    expect(withoutMessages.score).toBe(withNeutralMood.score)
  })

  it('ignores events dated after now', () => {
    const result = computeHealth({ ...healthy, events: logins(-3) })
    expect(result.noData).toContain('engagement')
  })

  it('changes the total with the weights', () => {
    const inputs = worsening[2]!
    const byDefault = computeHealth(inputs)
    const supportOnly = computeHealth(inputs, { engagement: 0, support: 1, adoption: 0, sentiment: 0 })
    const engagementHeavy = computeHealth(inputs, {
      engagement: 0.7,
      support: 0.1,
      adoption: 0.1,
      sentiment: 0.1,
    })
    expect(supportOnly.score).toBe(byDefault.components.support)
    expect(supportOnly.components).toEqual(byDefault.components)
    expect(engagementHeavy.score).not.toBe(byDefault.score)
    expect(engagementHeavy.score).toBeLessThan(byDefault.score)
    // Weights are relative: doubling every one changes nothing.
    const half = { engagement: 0.15, support: 0.15, adoption: 0.1, sentiment: 0.1 }
    expect(computeHealth(inputs, half).score).toBe(byDefault.score)
  })
})

describe('weights', () => {
  it('normalises weights to sum to 1', () => {
    expect(normaliseWeights({ engagement: 0.5, support: 0.5, adoption: 0.5, sentiment: 0.5 })).toEqual({
      engagement: 0.25,
      support: 0.25,
      adoption: 0.25,
      sentiment: 0.25,
    })
    expect(normaliseWeights(DEFAULT_HEALTH_WEIGHTS)).toEqual(DEFAULT_HEALTH_WEIGHTS)
  })

  it('rejects weights outside 0…1, missing ones and all zeros', () => {
    expect(HealthWeightsSchema.safeParse(DEFAULT_HEALTH_WEIGHTS).success).toBe(true)
    expect(HealthWeightsSchema.safeParse({ ...DEFAULT_HEALTH_WEIGHTS, support: 30 }).success).toBe(false)
    expect(HealthWeightsSchema.safeParse({ ...DEFAULT_HEALTH_WEIGHTS, support: -0.1 }).success).toBe(false)
    expect(HealthWeightsSchema.safeParse({ engagement: 1, support: 0, adoption: 0 }).success).toBe(false)
    expect(
      HealthWeightsSchema.safeParse({ engagement: 0, support: 0, adoption: 0, sentiment: 0 }).success,
    ).toBe(false)
    expect(() => computeHealth(healthy, { engagement: 0, support: 0, adoption: 0, sentiment: 0 })).toThrow()
  })
})

describe('riskOf', () => {
  it('puts the boundaries at 30, 50 and 70', () => {
    expect(riskOf(0)).toBe('critical')
    expect(riskOf(29)).toBe('critical')
    expect(riskOf(30)).toBe('high')
    expect(riskOf(49)).toBe('high')
    expect(riskOf(50)).toBe('medium')
    expect(riskOf(69)).toBe('medium')
    expect(riskOf(70)).toBe('low')
    expect(riskOf(100)).toBe('low')
  })
})
