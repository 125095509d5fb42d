import { describe, expect, it } from 'vitest'
import { shippedExamples } from '../local/triage-model.ts'
import { ACTION_LABELS, headPrediction, TRIAGE_LABELS, toTriage, triageTool } from './triage.ts'

describe('triage labels and mapping', () => {
  it('offers every label the shipped training data uses', () => {
    const examples = shippedExamples()
    for (const head of ['category', 'intent', 'urgency', 'action'] as const) {
      const used = new Set(examples.map((e) => e[head]))
      expect([...used].sort()).toEqual([...TRIAGE_LABELS[head]].sort())
    }
    expect(TRIAGE_LABELS.action).toBe(ACTION_LABELS)
  })

  it('asks for a strict schema with the label sets as enums', () => {
    const parameters = triageTool.function.parameters as {
      properties: Record<string, { properties: { label: { enum: string[] } } }>
      additionalProperties: boolean
    }
    expect(triageTool.function.strict).toBe(true)
    expect(parameters.additionalProperties).toBe(false)
    expect(parameters.properties.urgency?.properties.label.enum).toEqual(['low', 'normal', 'high', 'urgent'])
  })

  it('puts the chosen label first and spreads the rest evenly', () => {
    const p = headPrediction(['low', 'normal', 'high', 'urgent'], 'high', 0.7, false)
    expect(p.label).toBe('high')
    expect(p.confidence).toBe(0.7)
    expect(p.ranking.map((r) => r.label)).toEqual(['high', 'low', 'normal', 'urgent'])
    for (const r of p.ranking.slice(1)) expect(r.probability).toBeCloseTo(0.1)
    expect(p.margin).toBeCloseTo(0.6)
    expect(p.ranking.reduce((sum, r) => sum + r.probability, 0)).toBeCloseTo(1)
  })

  it('never reports a negative margin when the model is unsure', () => {
    const p = headPrediction(TRIAGE_LABELS.action, 'refund', 0.05, false)
    expect(p.ranking[0]?.label).toBe('refund')
    expect(p.margin).toBe(0)
  })

  it('marks every head out of scope when the action is off_topic', () => {
    const triage = toTriage({
      category: { label: 'general_feedback', confidence: 0.8 },
      intent: { label: 'support', confidence: 0.9 },
      urgency: { label: 'low', confidence: 0.9 },
      action: { label: 'off_topic', confidence: 0.95 },
    })
    expect([triage.category, triage.intent, triage.urgency, triage.action].every((h) => h.outOfScope)).toBe(
      true,
    )
    expect(triage.intent.ranking).toEqual([
      { label: 'support', probability: 0.9 },
      { label: 'sales', probability: expect.closeTo(0.1) },
    ])
  })
})
