// Generated bad input for Messenger and Instagram webhooks: every case must be a 4xx AtlasError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { expectRejected } from '../shared/malformed-payloads.ts'
import { metaMalformedCases, valid } from './malformed-cases.ts'
import { parseMetaWebhook } from './parse.ts'
import { instagramWebhook, pageWebhook } from './test-fixtures.ts'

describe.each(['messenger', 'instagram'] as const)('%s webhook: generated bad input', (kind) => {
  const cases = metaMalformedCases(kind)
  const parse = (payload: unknown) => parseMetaWebhook(payload, kind)

  it('starts from a payload that parses', () => {
    expect(parse(valid[kind]).messages.length).toBeGreaterThan(3)
  })

  it(`rejects all ${cases.length} malformed payloads with a 4xx AtlasError`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    for (const item of cases) await expectRejected(parse, item)
  })

  it('never throws anything but a 4xx AtlasError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const payload of [value, pageWebhook(value), instagramWebhook(value)]) {
          try {
            parse(payload)
          } catch (error) {
            if (!(error instanceof AtlasError) || error.status >= 500) throw error
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    )
  })
})
