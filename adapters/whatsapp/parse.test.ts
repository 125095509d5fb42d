import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { parseWhatsAppWebhook } from './parse.ts'
import { envelope, MESSAGES, PHONE_NUMBER_ID, STATUSES, WA_ID } from './test-fixtures.ts'

const contact = {
  identity: { kind: 'whatsapp', value: WA_ID },
  phone: `+${WA_ID}`,
  name: 'Sheena Nelson',
}
const sentAt = new Date(1749416383 * 1000)

function one(message: unknown) {
  const parsed = parseWhatsAppWebhook(envelope({ messages: [message] }))
  expect(parsed.statuses).toEqual([])
  expect(parsed.ignored).toBe(0)
  expect(parsed.messages).toHaveLength(1)
  return parsed.messages[0]!
}

describe('WhatsApp webhook: messages', () => {
  it('reads a text message with the sender, the business number and the time', () => {
    expect(one(MESSAGES.text)).toEqual({
      providerMessageId: MESSAGES.text.id,
      kind: 'text',
      text: 'Does it come in another color?',
      contact,
      metadata: { phoneNumberId: PHONE_NUMBER_ID },
      replyToProviderId: null,
      sentAt,
    })
  })

  it('keeps the message a reply answers (context.id)', () => {
    expect(one(MESSAGES.reply).replyToProviderId).toBe(MESSAGES.reply.context.id)
  })

  it('marks a voice note apart from an audio file, with an empty text until transcribed', () => {
    const voice = one(MESSAGES.voice)
    expect(voice.kind).toBe('audio')
    expect(voice.text).toBe('')
    expect(voice.attachments).toEqual([
      { kind: 'audio', mediaId: '1003383421387256', mimeType: 'audio/ogg; codecs=opus', voice: true },
    ])
    expect(one(MESSAGES.audioFile).attachments![0]!.voice).toBe(false)
  })

  it.each([
    [
      'image',
      MESSAGES.image,
      'The box arrived like this',
      { mediaId: '1479537139650973', mimeType: 'image/jpeg' },
    ],
    ['video', MESSAGES.video, '', { mediaId: '2754859441498128', mimeType: 'video/mp4' }],
    [
      'document',
      MESSAGES.document,
      'My invoice',
      { mediaId: '1026468555764421', mimeType: 'application/pdf', filename: 'invoice-2024-118.pdf' },
    ],
    ['sticker', MESSAGES.sticker, '', { mediaId: '1229446291537223', mimeType: 'image/webp' }],
  ])('reads %s media as an attachment, its caption as the text', (kind, message, text, media) => {
    const parsed = one(message)
    expect(parsed.kind).toBe(kind)
    expect(parsed.text).toBe(text)
    expect(parsed.attachments).toEqual([{ kind, ...media }])
  })

  it('reads a shared location as text, with the coordinates in metadata', () => {
    const parsed = one(MESSAGES.location)
    expect(parsed.kind).toBe('location')
    expect(parsed.text).toBe(
      'Location: Main Office, 1 Hacker Way, Menlo Park, CA 94025 (37.483307, -122.148981)',
    )
    expect(parsed.metadata.location).toMatchObject({ latitude: 37.483307, longitude: -122.148981 })
  })

  it('reads interactive button and list replies: the title as text, the id in metadata', () => {
    const button = one(MESSAGES.buttonReply)
    expect(button).toMatchObject({ kind: 'interactive', text: 'Talk to a person' })
    expect(button.metadata).toEqual({
      phoneNumberId: PHONE_NUMBER_ID,
      interactiveReply: { type: 'button_reply', id: 'talk-to-human' },
    })
    expect(button.replyToProviderId).toBe(MESSAGES.buttonReply.context.id)
    const list = one(MESSAGES.listReply)
    expect(list).toMatchObject({ kind: 'interactive', text: 'Order status' })
    expect(list.metadata.interactiveReply).toEqual({ type: 'list_reply', id: 'order-status' })
  })

  it('reads a template quick-reply button: its text, and its payload in metadata', () => {
    const parsed = one(MESSAGES.templateButton)
    expect(parsed).toMatchObject({ kind: 'button', text: 'Reschedule' })
    expect(parsed.metadata.buttonPayload).toBe('RESCHEDULE')
  })

  it('skips reactions, and hands what the agent cannot read (unsupported, flows, orders) to a person with a marker', () => {
    const flow = {
      ...MESSAGES.buttonReply,
      id: 'wamid.flow',
      interactive: { type: 'nfm_reply', nfm_reply: {} },
    }
    const parsed = parseWhatsAppWebhook(
      envelope({ messages: [MESSAGES.reaction, MESSAGES.text, MESSAGES.unsupported, flow] }),
    )
    expect(parsed.messages.map((m) => [m.text, m.needsHuman])).toEqual([
      ['Does it come in another color?', undefined],
      [
        '[A WhatsApp message of a kind the Cloud API does not deliver: ask the customer to send it as text]',
        'unreadable_unsupported',
      ],
      ['[A WhatsApp nfm_reply response the agent cannot read]', 'unreadable_nfm_reply'],
    ])
    expect(parsed.ignored).toBe(1)
  })

  it('reads a shared contact card as text, for a person to act on', () => {
    const card = {
      ...MESSAGES.text,
      id: 'wamid.card',
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Jane Doe' }, phones: [{ phone: '+1 555 0100' }] }],
    }
    delete (card as { text?: unknown }).text
    const [message] = parseWhatsAppWebhook(envelope({ messages: [card] })).messages
    expect(message).toMatchObject({
      text: '[Shared contact: Jane Doe +1 555 0100]',
      needsHuman: 'shared_contact',
    })
  })

  it('refuses a message type WhatsApp does not document, naming it', () => {
    const odd = { ...MESSAGES.text, type: 'hologram', hologram: {} }
    expect(() => parseWhatsAppWebhook(envelope({ messages: [odd] }))).toThrow(
      /unknown message type "hologram"/,
    )
  })

  it('reads messages without a contacts block (no name) and with numeric timestamps', () => {
    const body = envelope({ messages: [{ ...MESSAGES.text, timestamp: 1749416383 }] })
    delete (body.entry[0]!.changes[0]!.value as { contacts?: unknown }).contacts
    const [message] = parseWhatsAppWebhook(body).messages
    expect(message!.contact).toEqual({ identity: { kind: 'whatsapp', value: WA_ID }, phone: `+${WA_ID}` })
    expect(message!.sentAt).toEqual(sentAt)
  })

  it('accepts the raw body as a string or bytes', () => {
    const text = JSON.stringify(envelope({ messages: [MESSAGES.text] }))
    expect(parseWhatsAppWebhook(text).messages).toHaveLength(1)
    expect(parseWhatsAppWebhook(new TextEncoder().encode(text)).messages).toHaveLength(1)
  })

  it('ignores other subscription fields and keeps unknown keys from failing the parse', () => {
    const body = envelope({ messages: [{ ...MESSAGES.text, referral: { source_url: 'https://fb.me/ad' } }] })
    body.entry[0]!.changes.push({
      field: 'message_template_status_update',
      value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'x' },
    } as never)
    const parsed = parseWhatsAppWebhook(body)
    expect(parsed.messages).toHaveLength(1)
    expect(parsed.ignored).toBe(1)
  })
})

describe('WhatsApp webhook: statuses', () => {
  it('turns sent, delivered, read and failed statuses into delivery updates', () => {
    const parsed = parseWhatsAppWebhook(
      envelope({ statuses: [STATUSES.sent, STATUSES.delivered, STATUSES.read, STATUSES.failed] }),
    )
    expect(parsed.messages).toEqual([])
    expect(parsed.statuses).toEqual([
      { providerMessageId: STATUSES.sent.id, status: 'sent', at: new Date(1750263773000) },
      { providerMessageId: STATUSES.sent.id, status: 'delivered', at: new Date(1750263775000) },
      { providerMessageId: STATUSES.sent.id, status: 'read', at: new Date(1750263790000) },
      {
        providerMessageId: STATUSES.failed.id,
        status: 'failed',
        at: new Date(1750263800000),
        error:
          '131047 Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    ])
  })

  it('explains a failure reported without errors, and counts unknown statuses as ignored', () => {
    const parsed = parseWhatsAppWebhook(
      envelope({
        statuses: [
          { ...STATUSES.failed, errors: undefined },
          { ...STATUSES.sent, status: 'deleted' },
        ],
      }),
    )
    expect(parsed.statuses[0]!.error).toContain('without saying why')
    expect(parsed.ignored).toBe(1)
  })
})

describe('WhatsApp webhook: malformed payloads', () => {
  const messagePath = 'entry.0.changes.0.value.messages.0'
  it.each([
    [{ object: 'page', entry: [] }, 'object: Invalid input: expected "whatsapp_business_account"'],
    [{ object: 'whatsapp_business_account' }, 'entry'],
    [{ object: 'whatsapp_business_account', entry: [] }, 'entry: Too small'],
    [
      envelope({ messages: [{ ...MESSAGES.text, text: undefined }] }),
      `${messagePath}.text: required for a message of type "text"`,
    ],
    [envelope({ messages: [{ ...MESSAGES.image, image: { caption: 'no id' } }] }), `${messagePath}.image.id`],
    [
      envelope({ messages: [{ ...MESSAGES.text, from: '+1 650' }] }),
      `${messagePath}.from: must be a WhatsApp id`,
    ],
    [
      envelope({ messages: [{ ...MESSAGES.text, timestamp: 'yesterday' }] }),
      `${messagePath}.timestamp: must be Unix seconds`,
    ],
    [
      envelope({ messages: [{ ...MESSAGES.buttonReply, interactive: { type: 'button_reply' } }] }),
      `${messagePath}.interactive.button_reply: required`,
    ],
    [
      envelope({ messages: [{ ...MESSAGES.location, location: { latitude: 91, longitude: 0 } }] }),
      `${messagePath}.location.latitude`,
    ],
    [envelope({ statuses: [{ ...STATUSES.sent, id: 7 }] }), 'entry.0.changes.0.value.statuses.0.id'],
    [
      { ...envelope({}), entry: [{ id: '1', changes: [{ field: 'messages', value: {} }] }] },
      'entry.0.changes.0.value.messaging_product',
    ],
  ])('rejects %# naming the path', (payload, expected) => {
    try {
      parseWhatsAppWebhook(payload)
      expect.unreachable('should have thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(AtlasError)
      expect((error as AtlasError).code).toBe('validation_failed')
      expect((error as AtlasError).message).toContain(expected)
    }
  })

  it('rejects raw bodies that are not JSON as bad requests', () => {
    expect(() => parseWhatsAppWebhook('{"object":')).toThrow(/not valid JSON/)
    expect(() => parseWhatsAppWebhook(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/)
  })
})
