// Generated bad input for both inbound email formats: every case must be a 4xx AtlasError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { expectRejected } from '../shared/malformed-payloads.ts'
import { malformedMime, postmarkMalformedCases } from './malformed-cases.ts'
import { parseEmail } from './parse.ts'
import { eml, POSTMARK } from './test-fixtures.ts'

const JSON_TYPE = { contentType: 'application/json' }
const RFC822 = { contentType: 'message/rfc822' }

describe('email: generated bad input', () => {
  const postmarkCases = postmarkMalformedCases()
  const mimeCases = malformedMime()

  it('starts from payloads that parse', async () => {
    expect((await parseEmail(POSTMARK, JSON_TYPE)).messages).toHaveLength(1)
    expect((await parseEmail(eml('plain'), RFC822)).messages).toHaveLength(1)
  })

  it(`rejects all ${postmarkCases.length} malformed Postmark payloads with a 4xx AtlasError`, async () => {
    expect(postmarkCases.length).toBeGreaterThanOrEqual(200)
    for (const item of postmarkCases) await expectRejected((p) => parseEmail(p, JSON_TYPE), item)
  })

  it(`rejects all ${mimeCases.length} malformed raw MIME payloads with a 4xx AtlasError`, async () => {
    expect(mimeCases.length).toBeGreaterThanOrEqual(200)
    for (const item of mimeCases) await expectRejected((p) => parseEmail(p, RFC822), item)
  })

  it('never throws anything but a 4xx AtlasError on arbitrary JSON or text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string({ maxLength: 300 }), async (value, text) => {
        for (const [payload, context] of [
          [value, JSON_TYPE],
          [value, {}],
          [text, RFC822],
          [`From: ${text}\r\n\r\n${text}`, RFC822],
        ] as const) {
          try {
            await parseEmail(payload, context)
          } catch (error) {
            if (!(error instanceof AtlasError) || error.status >= 500) throw error
          }
        }
      }),
      { numRuns: 200, seed: 11 },
    )
  })
})
