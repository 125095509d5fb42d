// Generated bad WhatsApp webhooks (test support): every field of a realistic envelope broken in every
// way, and broken raw bodies. Parser tests and the route's end-to-end test both use them.
import {
  type FieldSpec,
  type Malformed,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import { envelope, MESSAGES, STATUSES } from './test-fixtures.ts'

export const valid = envelope({
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

export function whatsappMalformedCases(): Malformed[] {
  return [...malformedFields(valid, fields), ...malformedBodies(valid)]
}
