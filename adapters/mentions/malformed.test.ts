// Generated bad input for the mentions webhook: every case must be a 4xx AtlasError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { expectRejected } from '../shared/malformed-payloads.ts'
import { batch, mentionsMalformedCases, single } from './malformed-cases.ts'
import { parseMentions } from './parse.ts'
import { TWEET } from './test-fixtures.ts'

describe('mentions webhook: generated bad input', () => {
  const cases = mentionsMalformedCases()

  it('starts from payloads that parse', () => {
    expect(parseMentions(single).messages).toHaveLength(1)
    expect(parseMentions(batch).messages).toHaveLength(2)
  })

  it(`rejects all ${cases.length} malformed payloads with a 4xx AtlasError`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    for (const item of cases) await expectRejected(parseMentions, item)
  })

  it('never throws anything but a 4xx AtlasError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const payload of [value, { mentions: [value] }, { ...TWEET, author: value }]) {
          try {
            parseMentions(payload)
          } catch (error) {
            if (!(error instanceof AtlasError) || error.status >= 500) throw error
          }
        }
      }),
      { numRuns: 300, seed: 3 },
    )
  })
})
