import { describe, expect, it } from 'vitest'
import type { Passage } from '../tools/library-search.ts'
import { DEFAULT_GATE, decide, type GateConfig } from './gate.ts'
import type { HeadPrediction, Triage } from './model.ts'

const head = (label: string, confidence: number, rest: Array<[string, number]> = []): HeadPrediction => {
  const ranking = [
    { label, probability: confidence },
    ...rest.map(([l, p]) => ({ label: l, probability: p })),
  ]
  return { label, confidence, margin: confidence - (rest[0]?.[1] ?? 0), outOfScope: false, ranking }
}

const triage = (action: HeadPrediction, urgency = 'normal'): Triage => ({
  category: head('how_to', 0.9),
  intent: head('support', 0.95),
  urgency: head(urgency, 0.8),
  action,
})

const passage: Passage = {
  passageId: 'p',
  documentId: 'd',
  slug: 'reset-password',
  title: 'Reset your password',
  heading: 'Reset a forgotten password',
  url: null,
  body: 'Click Forgot password?',
  rank: 0.5,
  coverage: 0.9,
  score: 0.9,
}

const gate: GateConfig = { ...DEFAULT_GATE, auto: 0.75, review: 0.45, minMargin: 0.1 }

describe('confidence gate', () => {
  it('sends a confident answer automatically', () => {
    const decision = decide(gate, {
      triage: triage(head('answer', 0.97, [['refund', 0.01]])),
      passages: [passage],
      answerConfidence: 0.9,
      hasReply: true,
    })
    expect(decision).toEqual({
      action: 'auto',
      confidence: expect.closeTo(0.891, 3),
      reason: 'answered_from_library',
    })
  })

  it('holds a mid-confidence answer for review and escalates a weak one', () => {
    const mid = decide(gate, {
      triage: triage(head('answer', 0.97)),
      passages: [passage],
      answerConfidence: 0.6,
      hasReply: true,
    })
    expect(mid).toMatchObject({ action: 'review', reason: 'needs_review' })
    const weak = decide(gate, {
      triage: triage(head('answer', 0.97)),
      passages: [passage],
      answerConfidence: 0.3,
      hasReply: true,
    })
    expect(weak).toMatchObject({ action: 'escalate', reason: 'low_confidence' })
  })

  it('hands requests only a person may act on to people, however well the Library matches', () => {
    const refund = decide(gate, {
      triage: triage(head('refund', 0.8, [['answer', 0.15]])),
      passages: [passage],
      answerConfidence: 0.99,
      hasReply: true,
    })
    expect(refund).toEqual({ action: 'escalate', confidence: 0.8, reason: 'needs_human:refund' })
  })

  it('counts the probability mass of human-only actions against the answer', () => {
    // The best label is `answer`, but 40% says cancellation or refund: never send that alone.
    const split = decide(gate, {
      triage: triage(
        head('answer', 0.45, [
          ['cancellation', 0.25],
          ['refund', 0.15],
        ]),
      ),
      passages: [passage],
      answerConfidence: 0.95,
      hasReply: true,
    })
    expect(split.action).not.toBe('auto')
    expect(split.confidence).toBeCloseTo(0.6 * 0.95, 5)
  })

  it('reviews an ambiguous intent and an urgent message instead of sending', () => {
    const ambiguous = decide(gate, {
      triage: triage(head('answer', 0.9, [['off_topic', 0.85]])),
      passages: [passage],
      answerConfidence: 0.99,
      hasReply: true,
    })
    expect(ambiguous).toMatchObject({ action: 'review', reason: 'ambiguous_intent' })
    const urgent = decide(gate, {
      triage: triage(head('answer', 0.99), 'urgent'),
      passages: [passage],
      answerConfidence: 0.99,
      hasReply: true,
    })
    expect(urgent).toMatchObject({ action: 'review', reason: 'urgent:urgent' })
  })

  it('escalates when there is nothing to answer with', () => {
    const none = decide(gate, {
      triage: triage(head('answer', 0.99)),
      passages: [],
      answerConfidence: 0,
      hasReply: false,
    })
    expect(none).toMatchObject({ action: 'escalate', reason: 'no_library_answer' })
  })

  it('follows its configuration', () => {
    const strict = { ...gate, auto: 0.99 }
    const decision = decide(strict, {
      triage: triage(head('answer', 0.97)),
      passages: [passage],
      answerConfidence: 0.9,
      hasReply: true,
    })
    expect(decision.action).toBe('review')
  })
})
