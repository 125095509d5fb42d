// Generated bad input: every field of a realistic webhook broken in every way we can think of must
// come back as a 4xx AtlasError, never as another exception or a silent success.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { expectRejected } from '../shared/malformed-payloads.ts'
import { valid, whatsappMalformedCases } from './malformed-cases.ts'
import { parseWhatsAppWebhook } from './parse.ts'
import { envelope } from './test-fixtures.ts'

const cases = whatsappMalformedCases()

describe('WhatsApp webhook: generated bad input', () => {
  it('starts from a payload that parses', () => {
    expect(parseWhatsAppWebhook(valid).messages).toHaveLength(7)
  })

  it(`rejects all ${cases.length} malformed payloads with a 4xx AtlasError`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    for (const item of cases) await expectRejected(parseWhatsAppWebhook, item)
  })

  it('never throws anything but a 4xx AtlasError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (value, inner) => {
        for (const payload of [
          value,
          { object: 'whatsapp_business_account', entry: value },
          envelope({ messages: [inner] }),
        ]) {
          try {
            parseWhatsAppWebhook(payload)
          } catch (error) {
            if (!(error instanceof AtlasError) || error.status >= 500) throw error
          }
        }
      }),
      { numRuns: 300, seed: 42 },
    )
  })
})
