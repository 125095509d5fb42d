import { describe, expect, it } from 'vitest'
import { type AgentDefinition, defineAgent, routeScore } from './define.ts'
import type { HeadPrediction, Triage } from './model.ts'
import { chooseRoute } from './router.ts'

const head = (pairs: Array<[string, number]>): HeadPrediction => ({
  label: pairs[0]![0],
  confidence: pairs[0]![1],
  margin: pairs[0]![1] - (pairs[1]?.[1] ?? 0),
  outOfScope: false,
  ranking: pairs.map(([label, probability]) => ({ label, probability })),
})

const triage = (intent: Array<[string, number]>, category = 'how_to', action = 'answer'): Triage => ({
  intent: head(intent),
  category: head([
    [category, 0.9],
    ['general_feedback', 0.1],
  ]),
  urgency: head([['normal', 0.9]]),
  action: head([
    [action, 0.9],
    ['answer', 0.1],
  ]),
})

const run = async () => ({ action: 'auto' as const, confidence: 1, reason: 'x', reply: null })
const atlas = defineAgent({ name: 'atlas', description: 'support', handles: { intent: ['support'] }, run })
const loot = defineAgent({ name: 'loot', description: 'sales', handles: { intent: ['sales'] }, run })
const billing = defineAgent({
  name: 'billing',
  description: 'billing support',
  handles: { intent: ['support'], category: ['billing_inquiry'] },
  run,
})
const options = { agents: [atlas, loot, billing] as AgentDefinition[], fallback: 'atlas', clarifyMargin: 0.2 }

describe('router', () => {
  it('sends support to Atlas and sales to Loot', () => {
    expect(
      chooseRoute(
        options,
        {},
        triage([
          ['support', 0.9],
          ['sales', 0.1],
        ]),
      ).agent,
    ).toBe('atlas')
    expect(
      chooseRoute(
        options,
        {},
        triage([
          ['sales', 0.85],
          ['support', 0.15],
        ]),
      ).agent,
    ).toBe('loot')
  })

  it('prefers the most specific agent that fits', () => {
    const billingQuestion = triage(
      [
        ['support', 0.9],
        ['sales', 0.1],
      ],
      'billing_inquiry',
    )
    expect(chooseRoute(options, {}, billingQuestion).agent).toBe('billing')
    expect(routeScore(billing.handles, billingQuestion)).toEqual({
      score: expect.closeTo(0.81, 5),
      specificity: 2,
    })
  })

  it('asks one clarifying question when support and sales are too close, once per ticket', () => {
    const close = triage([
      ['support', 0.55],
      ['sales', 0.45],
    ])
    expect(chooseRoute(options, {}, close).agent).toBe('clarify')
    expect(chooseRoute(options, { router: { clarified: true } }, close).agent).toBe('atlas')
  })

  it('asks no clarifying question about a request only a person may act on, nor about a message it cannot place', () => {
    // Support and sales too close to call, but a price exception, a refund … are likelier than not:
    // whichever agent takes it hands it over.
    const forPerson: Triage = {
      ...triage([
        ['sales', 0.53],
        ['support', 0.47],
      ]),
      action: head([
        ['exception', 0.31],
        ['human_request', 0.16],
        ['refund', 0.09],
        ['sales_contact', 0.08],
        ['answer', 0.06],
      ]),
    }
    expect(chooseRoute(options, {}, forPerson).agent).toBe('loot')
    // The sales hand-over is Loot's own business: asking which team is still right.
    const demo: Triage = { ...forPerson, action: head([['sales_contact', 0.8]]) }
    expect(chooseRoute(options, {}, demo).agent).toBe('clarify')
    // A message the classifier cannot place (another script, an emoji …) goes to the fallback agent.
    const unplaced = triage([
      ['sales', 0.5],
      ['support', 0.5],
    ])
    expect(
      chooseRoute(options, {}, { ...unplaced, intent: { ...unplaced.intent, outOfScope: true } }).agent,
    ).toBe('atlas')
  })

  it('lets an agent waiting for an answer keep the conversation, unless the message is clearly not for it', () => {
    const memory = { active: 'loot', loot: { asked: 'companySize' } }
    expect(
      chooseRoute(
        options,
        memory,
        triage([
          ['support', 0.7],
          ['sales', 0.3],
        ]),
      ).agent,
    ).toBe('loot')
    expect(
      chooseRoute(
        options,
        memory,
        triage([
          ['support', 0.95],
          ['sales', 0.05],
        ]),
      ).agent,
    ).toBe('atlas')
    // Nothing pending: routing starts afresh.
    expect(
      chooseRoute(
        options,
        { active: 'loot', loot: {} },
        triage([
          ['support', 0.7],
          ['sales', 0.3],
        ]),
      ).agent,
    ).toBe('atlas')
  })

  it('gives chit-chat to the fallback agent', () => {
    expect(
      chooseRoute(
        options,
        {},
        triage(
          [
            ['sales', 0.5],
            ['support', 0.5],
          ],
          'general_feedback',
          'off_topic',
        ),
      ).agent,
    ).toBe('atlas')
  })

  it('refuses agent definitions that cannot be routed', () => {
    expect(() => defineAgent({ name: 'Bad Name', description: '', handles: { intent: ['x'] }, run })).toThrow(
      /lowercase/,
    )
    expect(() => defineAgent({ name: 'vague', description: '', handles: {}, run })).toThrow(/which messages/)
  })
})
