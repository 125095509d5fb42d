// Generated bad Messenger and Instagram webhooks (test support), for the parser tests and the route's
// end-to-end test.
import {
  type FieldSpec,
  type Malformed,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import type { MetaKind } from './config.ts'
import { INSTAGRAM, instagramWebhook, MESSENGER, pageWebhook } from './test-fixtures.ts'

const E = 'entry.0.messaging'
const fields: FieldSpec[] = [
  { path: 'object', kind: 'literal' },
  { path: 'entry', kind: 'array' },
  { path: 'entry.0', kind: 'object' },
  { path: 'entry.0.id', kind: 'string', max: 512 },
  { path: 'entry.0.time', kind: 'number', bad: [-1, 1.5, 10 ** 15] },
  { path: `${E}`, kind: 'array', optional: true },
  { path: `${E}.0`, kind: 'object' },
  { path: `${E}.0.sender`, kind: 'object' },
  { path: `${E}.0.sender.id`, kind: 'string', max: 512 },
  { path: `${E}.0.recipient`, kind: 'object' },
  { path: `${E}.0.recipient.id`, kind: 'string', max: 512 },
  { path: `${E}.0.timestamp`, kind: 'number', optional: true, bad: [-5, 2.5] },
  { path: `${E}.0.message`, kind: 'object', optional: true },
  { path: `${E}.0.message.mid`, kind: 'string', max: 512 },
  { path: `${E}.0.message.text`, kind: 'string', optional: true, max: 20_000 },
  { path: `${E}.1.message.quick_reply`, kind: 'object', optional: true },
  { path: `${E}.1.message.quick_reply.payload`, kind: 'string', max: 2000 },
  { path: `${E}.2.message.attachments`, kind: 'array', optional: true },
  { path: `${E}.2.message.attachments.0`, kind: 'object' },
  { path: `${E}.2.message.attachments.0.type`, kind: 'string', max: 64 },
  { path: `${E}.2.message.attachments.0.payload.url`, kind: 'string', optional: true, max: 8192 },
  { path: `${E}.3.message.is_echo`, kind: 'boolean', optional: true },
  { path: `${E}.4.delivery`, kind: 'object', optional: true },
  { path: `${E}.4.delivery.mids`, kind: 'array', optional: true },
  { path: `${E}.4.delivery.mids.0`, kind: 'string', max: 512 },
  { path: `${E}.4.delivery.watermark`, kind: 'number' },
  { path: `${E}.5.read`, kind: 'object', optional: true, except: ['deepObject'] },
  { path: `${E}.5.read.watermark`, kind: 'number', optional: true },
  { path: `${E}.6.postback`, kind: 'object', optional: true, except: ['deepObject'] },
  { path: `${E}.6.postback.title`, kind: 'string', optional: true, max: 1024 },
  { path: `${E}.6.postback.payload`, kind: 'string', optional: true, max: 2000 },
  { path: `${E}.7.message.reply_to`, kind: 'object', optional: true, except: ['deepObject'] },
  { path: `${E}.7.message.reply_to.mid`, kind: 'string', optional: true, max: 512 },
]

export const valid: Record<MetaKind, unknown> = {
  messenger: pageWebhook(
    MESSENGER.text,
    MESSENGER.quickReply,
    MESSENGER.image,
    MESSENGER.echo,
    MESSENGER.delivery,
    MESSENGER.read,
    MESSENGER.postback,
    MESSENGER.reply,
  ),
  instagram: instagramWebhook(
    INSTAGRAM.text,
    MESSENGER.quickReply,
    MESSENGER.image,
    INSTAGRAM.echo,
    MESSENGER.delivery,
    MESSENGER.read,
    MESSENGER.postback,
    MESSENGER.reply,
  ),
}

export function metaMalformedCases(kind: MetaKind): Malformed[] {
  return [...malformedFields(valid[kind], fields), ...malformedBodies(valid[kind], kind.length)]
}
