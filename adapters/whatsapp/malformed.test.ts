// Generated bad input: every field of a realistic webhook broken in every way we can think of must
// come back as a 4xx AtlasError, never as another exception or a silent success.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import {
  expectRejected,
  type FieldSpec,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import { parseWhatsAppWebhook } from './parse.ts'
import { envelope, MESSAGES, STATUSES } from './test-fixtures.ts'

const valid = envelope({
  messages: [
    MESSAGES.text,
    MESSAGES.voice,
    MESSAGES.image,
    MESSAGES.document,
    MESSAGES.location,
    MESSAGES.buttonReply,
    MESSAGES.templateButton,
  ],
  statuses: [STATUSES.failed],
})

const V = 'entry.0.changes.0.value'
const M = `${V}.messages`
const fields: FieldSpec[] = [
  { path: 'object', kind: 'literal' },
  { path: 'entry', kind: 'array' },
  { path: 'entry.0', kind: 'object' },
  { path: 'entry.0.id', kind: 'string', max: 64 },
  { path: 'entry.0.changes', kind: 'array' },
  { path: 'entry.0.changes.0', kind: 'object' },
  { path: 'entry.0.changes.0.field', kind: 'string', max: 128 },
  { path: V, kind: 'object' },
  { path: `${V}.messaging_product`, kind: 'literal' },
  { path: `${V}.metadata`, kind: 'object' },
  { path: `${V}.metadata.phone_number_id`, kind: 'string', max: 64 },
  { path: `${V}.metadata.display_phone_number`, kind: 'string', max: 64 },
  { path: `${V}.contacts`, kind: 'array', optional: true },
  { path: `${V}.contacts.0.wa_id`, kind: 'string', max: 64 },
  { path: `${V}.contacts.0.profile.name`, kind: 'string', optional: true, max: 1024 },
  { path: M, kind: 'array', optional: true },
  { path: `${M}.0`, kind: 'object' },
  { path: `${M}.0.from`, kind: 'pattern', max: 20 },
  { path: `${M}.0.id`, kind: 'string', max: 512 },
  { path: `${M}.0.timestamp`, kind: 'pattern', except: ['number'], bad: [-1, 1.5] },
  { path: `${M}.0.type`, kind: 'string', max: 64 },
  { path: `${M}.0.text`, kind: 'object' },
  { path: `${M}.0.text.body`, kind: 'string', max: 65_536 },
  { path: `${M}.1.audio`, kind: 'object' },
  { path: `${M}.1.audio.id`, kind: 'string', max: 512 },
  { path: `${M}.1.audio.voice`, kind: 'boolean', optional: true },
  { path: `${M}.1.audio.mime_type`, kind: 'string', optional: true, max: 1024 },
  { path: `${M}.2.image`, kind: 'object' },
  { path: `${M}.2.image.id`, kind: 'string', max: 512 },
  { path: `${M}.2.image.caption`, kind: 'string', optional: true, max: 4096 },
  { path: `${M}.3.document`, kind: 'object' },
  { path: `${M}.3.document.filename`, kind: 'string', optional: true, max: 1024 },
  { path: `${M}.4.location`, kind: 'object' },
  { path: `${M}.4.location.latitude`, kind: 'number', bad: [91, -90.5] },
  { path: `${M}.4.location.longitude`, kind: 'number', bad: [180.5, -181] },
  { path: `${M}.4.location.name`, kind: 'string', optional: true, max: 1024 },
  { path: `${M}.5.context`, kind: 'object', optional: true, except: ['deepObject'] },
  { path: `${M}.5.context.id`, kind: 'string', optional: true, max: 512 },
  { path: `${M}.5.interactive`, kind: 'object' },
  { path: `${M}.5.interactive.type`, kind: 'string', max: 64 },
  { path: `${M}.5.interactive.button_reply`, kind: 'object' },
  { path: `${M}.5.interactive.button_reply.id`, kind: 'string', max: 512 },
  { path: `${M}.5.interactive.button_reply.title`, kind: 'string', max: 1024 },
  { path: `${M}.6.button`, kind: 'object' },
  { path: `${M}.6.button.text`, kind: 'string', max: 1024 },
  { path: `${M}.6.button.payload`, kind: 'string', optional: true, max: 1024 },
  { path: `${V}.statuses`, kind: 'array', optional: true },
  { path: `${V}.statuses.0`, kind: 'object' },
  { path: `${V}.statuses.0.id`, kind: 'string', max: 512 },
  { path: `${V}.statuses.0.status`, kind: 'string', max: 64 },
  { path: `${V}.statuses.0.timestamp`, kind: 'pattern', except: ['number'] },
  { path: `${V}.statuses.0.errors`, kind: 'array', optional: true },
  { path: `${V}.statuses.0.errors.0.code`, kind: 'number', optional: true },
  { path: `${V}.statuses.0.errors.0.title`, kind: 'string', optional: true, max: 1024 },
]

const cases = [...malformedFields(valid, fields), ...malformedBodies(valid)]

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
