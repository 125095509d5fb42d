// Generated bad input for Messenger and Instagram webhooks: every case must be a 4xx AtlasError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import {
  expectRejected,
  type FieldSpec,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import type { MetaKind } from './config.ts'
import { parseMetaWebhook } from './parse.ts'
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

const valid: Record<MetaKind, unknown> = {
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

describe.each(['messenger', 'instagram'] as const)('%s webhook: generated bad input', (kind) => {
  const cases = [...malformedFields(valid[kind], fields), ...malformedBodies(valid[kind], kind.length)]
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
