// Generated bad input for the chat widget: every case must be a 4xx AtlasError.
import { describe, expect, it } from 'vitest'
import { expectRejected } from '../shared/malformed-payloads.ts'
import { valid, widgetMalformedCases } from './malformed-cases.ts'
import { parseWidgetMessage } from './parse.ts'

describe('chat widget: generated bad input', () => {
  const cases = widgetMalformedCases()

  it('starts from a payload that parses', () => {
    expect(parseWidgetMessage(valid)).toHaveLength(1)
  })

  it(`rejects all ${cases.length} malformed payloads with a 4xx AtlasError`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    for (const item of cases) await expectRejected((p) => parseWidgetMessage(p), item)
  })
})
