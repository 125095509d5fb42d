// Churn signals: real wordings that must fire, near misses that must not (orders, meetings, plan
// changes, negations), repeated unresolved tickets and falling health.

import { describe, expect, it } from 'vitest'
import { type ChurnSignalKind, healthSignals, messageSignals, ticketSignals } from './churn-signals.ts'

const COMPETITORS = ['Zendesk', 'Help Scout', 'Freshdesk'] as const
const kinds = (text: string) =>
  messageSignals(text, { competitors: COMPETITORS }).map((signal) => signal.kind)

const SHOULD_FIRE: [text: string, kind: ChurnSignalKind][] = [
  ['I want to cancel my subscription.', 'cancellation_intent'],
  ['Please close my account.', 'cancellation_intent'],
  ["We won't renew when the contract ends in March.", 'cancellation_intent'],
  ["We'd like to end our contract early.", 'cancellation_intent'],
  ['How do I unsubscribe from the plan?', 'cancellation_intent'],
  ["Honestly, we're thinking of leaving.", 'cancellation_intent'],
  ['Can you cancel our membership please', 'cancellation_intent'],
  ['I want my account deleted.', 'cancellation_intent'],
  ['We are not going to be renewing our licence next year.', 'cancellation_intent'],
  ["I'm thinking about cancelling because nothing gets fixed.", 'cancellation_intent'],
  ["If this isn't fixed by Friday, we will cancel our subscription.", 'cancellation_intent'],
  ['Turn off auto-renew on our plan.', 'cancellation_intent'],
  ['Is it possible to terminate the contract early?', 'cancellation_intent'],
  ["I'm not sure how to cancel my subscription, the button is gone.", 'cancellation_intent'],
  ["We're moving to Zendesk next month.", 'competitor_mention'],
  ['Freshdesk does this out of the box.', 'competitor_mention'],
  ['We might switch to another provider.', 'competitor_mention'],
  ['Our team is moving to a competitor.', 'competitor_mention'],
  ['We found a cheaper alternative.', 'competitor_mention'],
  ['We are evaluating other vendors.', 'competitor_mention'],
  ['HELP SCOUT gives us this for free.', 'competitor_mention'],
  ['Your product is too expensive for a team our size.', 'price_complaint'],
  ['Another price hike? Seriously?', 'price_complaint'],
  ["I can't justify the cost anymore.", 'price_complaint'],
  ["It's cheaper elsewhere.", 'price_complaint'],
  ["You've raised prices again without telling us.", 'price_complaint'],
  ['Your pricing is ridiculous for what you offer.', 'price_complaint'],
  ['We are paying way too much for three seats.', 'price_complaint'],
  ["Honestly it's not worth the money.", 'price_complaint'],
]

const SHOULD_NOT_FIRE = [
  "I don't want to cancel, just asking about invoices.",
  "Can I cancel this order's gift wrap?",
  'Please cancel the meeting on Thursday.',
  'How do I cancel an invite I sent to a colleague?',
  'Cancel my order #4412 please, I ordered the wrong size.',
  'How do I delete a user from my account?',
  'Can we end the call early today?',
  'I want to unsubscribe from your marketing emails.',
  'How do I close the chat widget on my site?',
  'Can I switch to the annual plan?',
  'Is there an alternative way to export reports?',
  'How much does the Pro plan cost?',
  'When does the new pricing take effect?',
  "It's not too expensive for what we get.",
  "We're moving to a new office, please update our address.",
  "I'm leaving for vacation tomorrow, can my colleague take over the ticket?",
  'Please renew our subscription for another year.',
  'Why did my plan not renew automatically?',
  "I'm not thinking of leaving, I love the product.",
  "We can't afford any more downtime.",
  'We have no plans to switch to another provider.',
  'Why did you cancel my subscription?',
  "We're migrating from Zendesk to you next week.",
  'Do you have a Zendesk integration?',
  'Can I cancel anytime during the trial?',
  'We do not need to renew until June.',
  'How do I go to the app settings?',
  'Is the enterprise plan expensive?',
]

describe('messageSignals', () => {
  it.each(SHOULD_FIRE)('fires on %j', (text, kind) => {
    expect(kinds(text)).toContain(kind)
  })

  it.each(SHOULD_NOT_FIRE)('stays quiet on %j', (text) => {
    expect(kinds(text)).toEqual([])
  })

  it('quotes the wording as evidence and rates explicit intent above a bare "cancel"', () => {
    const [explicit] = messageSignals('I want to cancel my subscription')
    const [bare] = messageSignals('I want to cancel')
    expect(explicit).toEqual({
      kind: 'cancellation_intent',
      evidence: '"cancel my subscription"',
      strength: 0.9,
    })
    expect(bare?.kind).toBe('cancellation_intent')
    expect(bare!.strength).toBeLessThan(explicit!.strength)
  })

  it('matches configured competitors case-insensitively on word boundaries', () => {
    expect(messageSignals('zendesk has better reports', { competitors: ['Zendesk'] })).toEqual([
      { kind: 'competitor_mention', evidence: 'mentions Zendesk', strength: 0.6 },
    ])
    expect(messageSignals('We are switching to Help Scout.', { competitors: ['Help Scout'] })).toEqual([
      { kind: 'competitor_mention', evidence: '"switching to help scout"', strength: 0.9 },
    ])
    expect(messageSignals('Our zendeskish workflow', { competitors: ['Zendesk'] })).toEqual([])
    expect(messageSignals('Zendesk is great', { competitors: [] })).toEqual([])
    expect(messageSignals('Zendesk is great')).toEqual([])
  })

  it('returns one signal per kind, the strongest, in kind order', () => {
    const signals = messageSignals(
      "Your prices are too expensive, we're moving to Zendesk and want to cancel our contract. Thinking of leaving.",
      { competitors: ['Zendesk'] },
    )
    expect(signals.map((signal) => signal.kind)).toEqual([
      'cancellation_intent',
      'competitor_mention',
      'price_complaint',
    ])
    expect(signals[0]!.evidence).toBe('"cancel our contract"')
    expect(signals[1]!.strength).toBe(0.9)
  })

  it('finds nothing in empty or ordinary text', () => {
    expect(messageSignals('')).toEqual([])
    expect(messageSignals('Thanks, the export works now!')).toEqual([])
  })
})

describe('ticketSignals', () => {
  const NOW = new Date('2025-06-30T12:00:00Z')
  const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000)
  const ticket = (age: number, open: boolean, category: string | null = 'bug_report', reopened = false) => ({
    createdAt: daysAgo(age),
    status: open ? 'in_progress' : 'resolved',
    resolvedAt: open ? null : daysAgo(Math.max(0, age - 1)),
    reopened,
    category,
  })

  it('fires on three problem tickets in 30 days with two still unresolved', () => {
    const signals = ticketSignals([ticket(20, false), ticket(10, true), ticket(3, true)], NOW)
    expect(signals).toEqual([
      { kind: 'repeated_unresolved', evidence: '3 problem tickets in 30 days, 2 unresolved', strength: 0.5 },
    ])
  })

  it('counts reopened tickets as problems and as unresolved trouble', () => {
    const signals = ticketSignals(
      [
        ticket(25, false, 'how_to', true),
        ticket(12, false, 'bug_report', true),
        ticket(2, true, 'complaint'),
      ],
      NOW,
    )
    expect(signals).toHaveLength(1)
    expect(signals[0]!.evidence).toBe('3 problem tickets in 30 days, 1 unresolved and 2 reopened')
    expect(signals[0]!.strength).toBe(0.6)
  })

  it('grows stronger with more problems, up to 1', () => {
    const many = Array.from({ length: 8 }, (_, i) => ticket(i + 1, true))
    expect(ticketSignals(many, NOW)[0]!.strength).toBe(1)
  })

  it('stays quiet below the thresholds, for non-problem categories and for old tickets', () => {
    expect(ticketSignals([ticket(10, true), ticket(3, true)], NOW)).toEqual([])
    expect(ticketSignals([ticket(20, false), ticket(10, false), ticket(3, true)], NOW)).toEqual([])
    expect(
      ticketSignals(
        [ticket(10, true, 'how_to'), ticket(5, true, 'billing_inquiry'), ticket(3, true, null)],
        NOW,
      ),
    ).toEqual([])
    expect(ticketSignals([ticket(40, true), ticket(35, true), ticket(3, true)], NOW)).toEqual([])
    expect(ticketSignals([], NOW)).toEqual([])
  })
})

describe('healthSignals', () => {
  const NOW = new Date('2025-06-30T12:00:00Z')
  const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000)
  const history = (...points: [score: number, day: number][]) =>
    points.map(([score, day]) => ({ score, at: daysAgo(day) }))

  it('fires on a drop of 20 points or more within 30 days', () => {
    expect(healthSignals(history([86, 25], [80, 12], [62, 1]), NOW)).toEqual([
      { kind: 'falling_health', evidence: 'health fell from 86 to 62 in 24 days', strength: 0.6 },
    ])
  })

  it('fires when the score crosses into high or critical risk from medium or low', () => {
    expect(healthSignals(history([55, 10], [45, 1]), NOW)).toEqual([
      { kind: 'falling_health', evidence: 'risk went from medium (55) to high (45)', strength: 0.6 },
    ])
    const both = healthSignals(history([75, 20], [28, 2]), NOW)
    expect(both).toEqual([
      {
        kind: 'falling_health',
        evidence: 'health fell from 75 to 28 in 18 days; risk went from low (75) to critical (28)',
        strength: 1,
      },
    ])
  })

  it('stays quiet on small dips, slow declines, recoveries and stale histories', () => {
    expect(healthSignals(history([80, 20], [65, 1]), NOW)).toEqual([])
    // Fell 30 points, but over two months in steps that never crossed a risk band.
    expect(healthSignals(history([95, 60], [85, 40], [78, 25], [72, 10], [70, 1]), NOW)).toEqual([])
    expect(healthSignals(history([40, 20], [45, 1]), NOW)).toEqual([])
    expect(healthSignals(history([30, 10], [25, 1]), NOW)).toEqual([])
    expect(healthSignals(history([90, 70], [40, 45]), NOW)).toEqual([])
    expect(healthSignals([], NOW)).toEqual([])
  })
})
