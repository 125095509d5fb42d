// Merging new churn signals into an open risk: quoted messages accumulate, computed state replaces.
import { describe, expect, it } from 'vitest'
import type { ChurnSignalRecord } from '../../drizzle/schema/customer-success.ts'
import { mergeSignals } from './churn.ts'

const signal = (kind: string, evidence: string, at = '2026-11-01T00:00:00.000Z'): ChurnSignalRecord => ({
  kind,
  evidence,
  strength: 0.8,
  at,
  ticketId: null,
})

describe('mergeSignals', () => {
  const cancel = signal('cancellation_intent', '"thinking of cancelling"')
  const fell = signal('falling_health', 'health fell from 99 to 43 in 25 days')

  it('keeps one falling-health signal, the latest, however often health is recomputed', () => {
    const later = signal('falling_health', 'health fell from 99 to 21 in 26 days', '2026-11-02T00:00:00.000Z')
    const once = mergeSignals([cancel, fell], [later])
    expect(once).toEqual({ signals: [cancel, later], changed: true })
    expect(mergeSignals(once.signals, [later])).toEqual({ signals: [cancel, later], changed: false })
  })

  it('adds each distinct quote from a message once', () => {
    const price = signal('price_complaint', '"too expensive"')
    const merged = mergeSignals([cancel], [cancel, price, signal('cancellation_intent', '"we will cancel"')])
    expect(merged.changed).toBe(true)
    expect(merged.signals.map((s) => s.evidence)).toEqual([
      '"thinking of cancelling"',
      '"too expensive"',
      '"we will cancel"',
    ])
    expect(mergeSignals(merged.signals, [price]).changed).toBe(false)
  })
})
