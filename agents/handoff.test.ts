import { describe, expect, it } from 'vitest'
import { handoffNotice } from './handoff.ts'

describe('hand-over notice', () => {
  it('says who will help and never claims the action was taken', () => {
    for (const reason of [
      'needs_human:refund',
      'needs_human:cancellation',
      'needs_human:account_change',
      'low_confidence',
    ]) {
      const notice = handoffNotice(reason)
      expect(notice).toMatch(/a person will reply here/i)
      expect(notice).not.toMatch(/refunded|cancelled|deleted|has been changed/i)
    }
    expect(handoffNotice('needs_human:refund')).toContain("can't issue refunds")
  })
})
