import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { parseEmail } from './parse.ts'
import { eml, POSTMARK } from './test-fixtures.ts'

const RFC822 = { contentType: 'message/rfc822' }
const JSON_TYPE = { contentType: 'application/json' }

async function one(payload: unknown, context: { contentType?: string } = RFC822) {
  const parsed = await parseEmail(payload, context)
  expect(parsed).toMatchObject({ statuses: [], ignored: 0 })
  expect(parsed.messages).toHaveLength(1)
  return parsed.messages[0]!
}

async function rejection(payload: unknown, context: { contentType?: string } = RFC822): Promise<AtlasError> {
  const error = await parseEmail(payload, context).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

describe('raw MIME email', () => {
  it('reads a plain message: lowercased address identity, RFC Message-ID, new text without sign-off', async () => {
    const message = await one(eml('plain'))
    expect(message).toMatchObject({
      providerMessageId: 'CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com',
      kind: 'email',
      text: 'I reset my password twice but the login page still says "invalid credentials".\nCan you help?',
      contact: {
        identity: { kind: 'email', value: 'sam.smith@example.com' },
        email: 'sam.smith@example.com',
        name: 'Sam Smith',
      },
      metadata: { subject: "Can't log in to my account" },
      replyToProviderId: null,
      threading: {
        messageId: 'CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com',
        inReplyTo: null,
        references: [],
        subject: "Can't log in to my account",
      },
      sentAt: new Date('2024-03-05T09:58:01Z'),
    })
    expect(message.fullText).toContain('Thanks,\nSam')
  })

  it('reads multipart/alternative with encoded headers, preferring the text part', async () => {
    const message = await one(eml('alternative'))
    expect(message.contact).toEqual({
      identity: { kind: 'email', value: 'renee@example.de' },
      email: 'renee@example.de',
      name: 'Renée Müller',
    })
    expect(message.threading!.subject).toBe('Lieferung für Bestellung 1042')
    expect(message.text).toBe('meine Bestellung 1042 ist noch nicht angekommen. Können Sie nachsehen?')
    expect(message.fullText).toContain('Viele Grüße\nRenée')
  })

  it('keeps attachments with their content', async () => {
    const message = await one(eml('attachment'))
    expect(message.text).toBe(
      'The attached invoice charges me twice for March. Screenshot of my bank statement attached too.',
    )
    expect(message.attachments!.map(({ content, ...rest }) => rest)).toEqual([
      { kind: 'file', mimeType: 'application/pdf', filename: 'invoice-2024-03.pdf', size: 83 },
      { kind: 'image', mimeType: 'image/png', filename: 'statement.png', size: 70 },
    ])
    expect(new TextDecoder().decode(message.attachments![0]!.content!.subarray(0, 8))).toBe('%PDF-1.4')
    expect(message.attachments![1]!.content).toBeInstanceOf(Uint8Array)
  })

  it('reads a reply: threading per RFC 5322, quote and signature stripped from text, kept in fullText', async () => {
    const message = await one(eml('reply'))
    expect(message.text).toBe('That worked, thank you! One more thing: can I turn on two-factor login?')
    expect(message.fullText).toContain('> Please clear your browser')
    expect(message.fullText).toContain('Operations, Example GmbH')
    expect(message.replyToProviderId).toBe('0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example')
    expect(message.threading).toEqual({
      messageId: 'CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com',
      inReplyTo: '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example',
      references: [
        'CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com',
        '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example',
      ],
      subject: "Re: Can't log in to my account",
    })
  })

  it('reads a message without a Message-ID: no provider id, no threading id', async () => {
    const message = await one(eml('no-message-id'))
    expect(message.providerMessageId).toBeNull()
    expect(message.threading!.messageId).toBeNull()
    expect(message.contact.identity).toEqual({ kind: 'email', value: 'alex@example.net' })
    expect(message.text).toBe('Do you offer a discount for non-profits?')
  })

  it('reads an HTML-only message as text, without its sign-off', async () => {
    const message = await one(eml('html-only'))
    expect(message.text).toBe('Please cancel my subscription at the end of the month.')
    expect(message.contact.identity.value).toBe('pat@contoso.example')
  })

  it('accepts the raw message as bytes, with LF line ends, and without a content type', async () => {
    const raw = eml('plain')
    expect((await one(new TextEncoder().encode(raw))).providerMessageId).toBe(
      'CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com',
    )
    expect((await one(raw.replace(/\r\n/g, '\n'))).text).toContain('Can you help?')
    expect((await one(raw, {})).kind).toBe('email')
  })

  it('accepts the usual ways of writing the sender', async () => {
    for (const from of [
      'sam@example.com',
      'Sam <sam@example.com>',
      '"Smith, Sam" <sam@example.com>',
      'sam@example.com (Sam)',
    ]) {
      const message = await one(`From: ${from}\r\nSubject: hi\r\n\r\nHello`)
      expect(message.contact.identity.value).toBe('sam@example.com')
    }
    const folded = await one(
      'From: "A very long display name that was folded"\r\n <sam@example.com>\r\n\r\nHello',
    )
    expect(folded.contact.identity.value).toBe('sam@example.com')
  })

  it('keeps an attachment whose part has an empty Content-Type, as application/octet-stream', async () => {
    // mailparser reports such a part's type as `false`; fuzzing found the TypeError it caused.
    const raw =
      'From: a@example.com\r\nSubject: File\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: \r\nContent-Disposition: attachment; filename="x.bin"\r\n\r\nAAAA\r\n--b--\r\n'
    const [attachment] = (await one(raw)).attachments ?? []
    expect(attachment).toMatchObject({
      kind: 'file',
      mimeType: 'application/octet-stream',
      filename: 'x.bin',
    })
  })

  it('uses the subject as the text of a new email with an empty body', async () => {
    const raw =
      'From: a@example.com\r\nSubject: Refund for order 1042\r\nMessage-ID: <x1@example.com>\r\n\r\n'
    expect((await one(raw)).text).toBe('Refund for order 1042')
  })

  it('ignores auto-replies, bounces and bulk mail (answering them would loop)', async () => {
    expect(await parseEmail(eml('auto-reply'), RFC822)).toEqual({ messages: [], statuses: [], ignored: 1 })
    const bounce =
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\r\nSubject: Undelivered Mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--b--\r\n'
    expect((await parseEmail(bounce, RFC822)).ignored).toBe(1)
    const bulk = 'From: news@shop.example\r\nPrecedence: bulk\r\nSubject: Sale!\r\n\r\n50% off'
    expect((await parseEmail(bulk, RFC822)).ignored).toBe(1)
    const group = 'From: a@example.com\r\nPrecedence: list\r\nSubject: Help\r\n\r\nMy order is late'
    expect((await parseEmail(group, RFC822)).messages).toHaveLength(1)
  })

  it('reads a bounce of one of our replies (RFC 3464) as a failed delivery of that message', async () => {
    expect(await parseEmail(eml('bounce'), RFC822)).toEqual({
      messages: [],
      statuses: [
        {
          providerMessageId: '3f0e2a6c-0000-4000-8000-000000000001@quillstack.example',
          status: 'failed',
          at: new Date('2024-03-05T10:25:00Z'),
          error:
            'The email bounced (5.1.1): smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
        },
      ],
      ignored: 0,
    })
  })

  it.each([
    [
      'no From header',
      'To: support@acme.example\r\nSubject: hi\r\n\r\nHello',
      'validation_failed',
      'from: the message has no sender address',
    ],
    [
      'a From without an address',
      'From: Just A Name\r\nSubject: hi\r\n\r\nHello',
      'validation_failed',
      'from',
    ],
    ['a From that is not an address', 'From: <not an address>\r\n\r\nHello', 'validation_failed', 'from'],
    [
      'an unbracketed address after words',
      'From: sam smith@example.com\r\n\r\nHello',
      'validation_failed',
      'ambiguous',
    ],
    [
      'a bracketed address with a space',
      'From: Sam <sam smith@example.com>\r\n\r\nHello',
      'validation_failed',
      'ambiguous',
    ],
    ['an empty body', '', 'bad_request', 'empty'],
    ['not a message at all', 'hello world', 'validation_failed', 'from'],
  ])('rejects %s', async (_name, raw, code, expected) => {
    const error = await rejection(raw)
    expect(error.code).toBe(code)
    expect(error.message).toContain(expected)
  })

  it('rejects a JSON object sent as message/rfc822, and unknown content types', async () => {
    expect((await rejection({ From: 'a@b.c' })).message).toContain('raw message')
    const type = await rejection(eml('plain'), { contentType: 'text/html' })
    expect(type.code).toBe('unsupported_media_type')
  })
})

describe('Postmark inbound JSON', () => {
  it('reads the sender, the RFC Message-ID from Headers (not Postmark\u2019s MessageID), and the stripped reply', async () => {
    const message = await one(POSTMARK, { contentType: 'application/json' })
    expect(message).toMatchObject({
      providerMessageId: 'CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com',
      kind: 'email',
      text: 'That worked, thank you! Can I turn on two-factor login?',
      contact: { identity: { kind: 'email', value: 'sam.smith@example.com' }, name: 'Sam Smith' },
      metadata: {
        subject: 'Re: Can\u2019t log in to my account',
        postmarkMessageId: POSTMARK.MessageID,
        mailboxHash: '7f3a',
      },
      replyToProviderId: '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example',
      threading: {
        messageId: 'CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com',
        inReplyTo: '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example',
        references: [
          'CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com',
          '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example',
        ],
      },
      sentAt: new Date('2024-03-05T10:20:33Z'),
    })
    expect(message.fullText).toContain('> Please clear your cookies')
    expect(message.attachments).toEqual([
      {
        kind: 'image',
        mimeType: 'image/png',
        filename: 'screenshot.png',
        size: 70,
        content: expect.any(Uint8Array),
      },
    ])
  })

  it('strips the quote itself when Postmark gives no stripped reply, and falls back to HTML', async () => {
    const noStripped = await one({ ...POSTMARK, StrippedTextReply: '' }, JSON_TYPE)
    expect(noStripped.text).toBe('That worked, thank you! Can I turn on two-factor login?')
    const htmlOnly = await one({ ...POSTMARK, StrippedTextReply: '', TextBody: '' }, JSON_TYPE)
    expect(htmlOnly.text).toBe('That worked, thank you! Can I turn on two-factor login?')
    expect(htmlOnly.fullText).toContain('> Please clear your cookies and try again.')
  })

  it('accepts From alone, the raw JSON text, and finds headers case-insensitively', async () => {
    const { FromFull: _, ...rest } = POSTMARK
    const headers = rest.Headers.map((h) => ({ ...h, Name: h.Name.toLowerCase() }))
    const message = await one(
      JSON.stringify({ ...rest, From: '"Sam" <sam@example.com>', Headers: headers }),
      {
        contentType: 'application/json; charset=utf-8',
      },
    )
    expect(message.contact.identity.value).toBe('sam@example.com')
    expect(message.providerMessageId).toBe('CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com')
  })

  it('has no provider id without a Message-ID header (Postmark\u2019s own id stays in metadata)', async () => {
    const message = await one({ ...POSTMARK, Headers: [] }, JSON_TYPE)
    expect(message.providerMessageId).toBeNull()
    expect(message.metadata.postmarkMessageId).toBe(POSTMARK.MessageID)
  })

  it('ignores auto-replies flagged in Headers', async () => {
    const auto = {
      ...POSTMARK,
      Headers: [...POSTMARK.Headers, { Name: 'Auto-Submitted', Value: 'auto-replied' }],
    }
    expect((await parseEmail(auto)).ignored).toBe(1)
  })

  it.each([
    [{ ...POSTMARK, FromFull: undefined, From: '' }, 'From: the email has no sender address'],
    [{ ...POSTMARK, FromFull: { Email: 'nobody' } }, 'FromFull.Email: must be an email address'],
    [{ ...POSTMARK, Headers: [{ Name: 'Message-ID' }] }, 'Headers.0.Value'],
    [
      { ...POSTMARK, Attachments: [{ ...POSTMARK.Attachments[0], Content: 'not base64!' }] },
      'Attachments.0.Content: must be base64',
    ],
    [{ ...POSTMARK, TextBody: 42 }, 'TextBody'],
  ])('rejects malformed JSON naming the field (%#)', async (payload, expected) => {
    const error = await rejection(payload, { contentType: 'application/json' })
    expect(error.code).toBe('validation_failed')
    expect(error.message).toContain(expected)
  })
})
