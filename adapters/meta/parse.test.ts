import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { parseMetaWebhook } from './parse.ts'
import {
  IG_ACCOUNT_ID,
  IGSID,
  INSTAGRAM,
  instagramWebhook,
  MESSENGER,
  PAGE_ID,
  PSID,
  pageWebhook,
} from './test-fixtures.ts'

const at = new Date(1700000000000)

function messengerOne(event: unknown) {
  const parsed = parseMetaWebhook(pageWebhook(event), 'messenger')
  expect(parsed.ignored).toBe(0)
  expect(parsed.messages).toHaveLength(1)
  return parsed.messages[0]!
}

describe('Messenger webhook: messages', () => {
  it('reads a text message with the sender id as the contact identity', () => {
    expect(messengerOne(MESSENGER.text)).toEqual({
      providerMessageId: MESSENGER.text.message.mid,
      kind: 'text',
      text: 'Hi! Is the store open on Sunday?',
      contact: { identity: { kind: 'messenger', value: PSID } },
      metadata: { pageId: PAGE_ID },
      replyToProviderId: null,
      sentAt: at,
    })
  })

  it('keeps a quick reply payload and the message a reply answers', () => {
    const quick = messengerOne(MESSENGER.quickReply)
    expect(quick).toMatchObject({ kind: 'interactive', text: 'Talk to a person' })
    expect(quick.metadata.quickReplyPayload).toBe('HANDOFF')
    expect(messengerOne(MESSENGER.reply).replyToProviderId).toBe('m_our_earlier_message')
  })

  it.each([
    ['image', MESSENGER.image, 'image', '', 'image'],
    ['sticker', MESSENGER.sticker, 'sticker', '', 'sticker'],
    ['audio', MESSENGER.audio, 'audio', '', 'audio'],
    ['file with text', MESSENGER.file, 'text', 'Here is the receipt', 'document'],
  ])('reads an %s attachment by URL', (_name, event, kind, text, attachmentKind) => {
    const message = messengerOne(event)
    expect(message.kind).toBe(kind)
    expect(message.text).toBe(text)
    const url = (event.message as { attachments: Array<{ payload: { url: string } }> }).attachments[0]!
      .payload.url
    expect(message.attachments).toEqual([{ kind: attachmentKind, url }])
  })

  it('reads a shared location as text with coordinates in metadata', () => {
    const message = messengerOne(MESSENGER.location)
    expect(message).toMatchObject({ kind: 'location', text: 'Location: 52.520008, 13.404954' })
    expect(message.metadata.location).toEqual({ latitude: 52.520008, longitude: 13.404954 })
    expect(message.attachments).toBeUndefined()
  })

  it('reads a postback as a button message', () => {
    expect(messengerOne(MESSENGER.postback)).toMatchObject({
      providerMessageId: 'm_postback_1',
      kind: 'button',
      text: 'Get Started',
      metadata: { pageId: PAGE_ID, postbackPayload: 'GET_STARTED' },
    })
  })

  it('ignores echoes of our own messages, reactions, standby events and empty messages', () => {
    const body = pageWebhook(MESSENGER.echo, MESSENGER.text, MESSENGER.reaction, {
      ...MESSENGER.text,
      message: { mid: 'm_empty', text: '  ' },
    })
    ;(body.entry[0] as Record<string, unknown>).standby = [MESSENGER.text]
    const parsed = parseMetaWebhook(body, 'messenger')
    expect(parsed.messages.map((m) => m.providerMessageId)).toEqual([MESSENGER.text.message.mid])
    expect(parsed.ignored).toBe(4)
  })

  it('accepts timestamps in seconds (older examples) and the raw body as bytes', () => {
    const event = { ...MESSENGER.postback, timestamp: 1527459824 }
    const bytes = new TextEncoder().encode(JSON.stringify(pageWebhook(event)))
    expect(parseMetaWebhook(bytes, 'messenger').messages[0]!.sentAt).toEqual(new Date(1527459824000))
  })
})

describe('Messenger webhook: receipts', () => {
  it('turns delivery mids into delivered updates at the watermark', () => {
    const parsed = parseMetaWebhook(pageWebhook(MESSENGER.delivery), 'messenger')
    expect(parsed.statuses).toEqual([
      { providerMessageId: 'm_our_reply_1', status: 'delivered', at: new Date(1700000001000) },
      { providerMessageId: 'm_our_reply_2', status: 'delivered', at: new Date(1700000001000) },
    ])
    expect(parsed.ignored).toBe(0)
  })

  it('marks read the mids this payload delivered before the read watermark', () => {
    const parsed = parseMetaWebhook(pageWebhook(MESSENGER.delivery, MESSENGER.read), 'messenger')
    expect(parsed.statuses.filter((s) => s.status === 'read')).toEqual([
      { providerMessageId: 'm_our_reply_1', status: 'read', at: new Date(1700000001500) },
      { providerMessageId: 'm_our_reply_2', status: 'read', at: new Date(1700000001500) },
    ])
    expect(parsed.watermarks).toEqual([
      { contact: { kind: 'messenger', value: PSID }, status: 'read', upTo: new Date(1700000001500) },
    ])
    expect(parsed.ignored).toBe(0)
  })

  it('returns a bare read watermark for the runtime, and counts it as ignored', () => {
    const parsed = parseMetaWebhook(pageWebhook(MESSENGER.read, MESSENGER.deliveryWatermarkOnly), 'messenger')
    expect(parsed.statuses).toEqual([])
    expect(parsed.ignored).toBe(2)
    expect(parsed.watermarks).toEqual([
      { contact: { kind: 'messenger', value: PSID }, status: 'read', upTo: new Date(1700000001500) },
      { contact: { kind: 'messenger', value: PSID }, status: 'delivered', upTo: new Date(1700000001000) },
    ])
  })

  it('does not mark read what was delivered after the watermark', () => {
    const late = { ...MESSENGER.delivery, delivery: { mids: ['m_late'], watermark: 1700000009000 } }
    const parsed = parseMetaWebhook(pageWebhook(late, MESSENGER.read), 'messenger')
    expect(parsed.statuses.map((s) => s.status)).toEqual(['delivered'])
  })
})

describe('Instagram webhook', () => {
  it('reads direct messages with the Instagram-scoped id', () => {
    const parsed = parseMetaWebhook(
      instagramWebhook(INSTAGRAM.text, INSTAGRAM.storyReply, INSTAGRAM.share),
      'instagram',
    )
    expect(parsed.messages.map((m) => [m.kind, m.text])).toEqual([
      ['text', 'Do you ship to Canada?'],
      ['text', 'Love this!'],
      ['text', ''],
    ])
    expect(parsed.messages[0]!.contact).toEqual({ identity: { kind: 'instagram', value: IGSID } })
    expect(parsed.messages[0]!.metadata).toEqual({ instagramAccountId: IG_ACCOUNT_ID })
    expect(parsed.messages[2]!.attachments).toEqual([
      { kind: 'file', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2' },
    ])
  })

  it('reads a read receipt naming its message, ignores echoes, and hands an unsupported message to a person', () => {
    const parsed = parseMetaWebhook(
      instagramWebhook(INSTAGRAM.echo, INSTAGRAM.unsupported, INSTAGRAM.read),
      'instagram',
    )
    expect(parsed.messages).toHaveLength(1)
    expect(parsed.messages[0]).toMatchObject({
      providerMessageId: INSTAGRAM.unsupported.message.mid,
      needsHuman: 'unreadable_unsupported',
      text: expect.stringContaining('ask the customer to send it as text'),
    })
    expect(parsed.statuses).toEqual([{ providerMessageId: 'aWdfZAG1our_reply', status: 'read', at }])
    expect(parsed.ignored).toBe(1)
  })

  it('counts comment and mention changes as ignored', () => {
    const body = {
      object: 'instagram',
      entry: [
        {
          id: IG_ACCOUNT_ID,
          time: 1700000000,
          changes: [{ field: 'comments', value: { id: '1', text: 'hi' } }],
        },
      ],
    }
    expect(parseMetaWebhook(body, 'instagram')).toEqual({
      messages: [],
      statuses: [],
      ignored: 1,
      watermarks: [],
    })
  })
})

describe('Meta webhooks: malformed payloads', () => {
  it.each([
    [pageWebhook(MESSENGER.text), 'instagram', 'object: Invalid input: expected "instagram"'],
    [instagramWebhook(INSTAGRAM.text), 'messenger', 'object: Invalid input: expected "page"'],
    [{ object: 'page' }, 'messenger', 'entry'],
    [pageWebhook({ ...MESSENGER.text, sender: {} }), 'messenger', 'entry.0.messaging.0.sender.id'],
    [
      pageWebhook({ ...MESSENGER.text, message: { text: 'no mid' } }),
      'messenger',
      'entry.0.messaging.0.message.mid',
    ],
    [
      pageWebhook({ ...MESSENGER.text, timestamp: '1700000000000' }),
      'messenger',
      'entry.0.messaging.0.timestamp',
    ],
    [
      pageWebhook({ ...MESSENGER.delivery, delivery: { mids: 'm_1' } }),
      'messenger',
      'entry.0.messaging.0.delivery',
    ],
    [
      pageWebhook({ ...MESSENGER.image, message: { mid: 'm', attachments: [{ payload: {} }] } }),
      'messenger',
      'entry.0.messaging.0.message.attachments.0.type',
    ],
  ] as const)('rejects %# naming the path', (payload, kind, expected) => {
    try {
      parseMetaWebhook(payload, kind)
      expect.unreachable('should have thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(AtlasError)
      expect((error as AtlasError).code).toBe('validation_failed')
      expect((error as AtlasError).message).toContain(expected)
    }
  })
})
