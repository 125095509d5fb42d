// Email end to end: raw MIME and Postmark inbound JSON posted to the running app; replies out through
// a real SMTP server (in-process) with our Message-ID and the customer's thread in In-Reply-To and
// References; the customer's answers threading back (RFC 5322 §3.6.4); bounces failing the reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POSTMARK } from '../../adapters/email/test-fixtures.ts'
import { type FakeSmtp, startFakeSmtp } from '../../testing/fake-smtp.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import {
  conversationOf,
  conversationView,
  outboundOf,
  settled,
  storedCounts,
} from '../../testing/webhooks.ts'

const SECRET = 'email-webhook-secret-for-tests'
const PATH = '/webhooks/email/email'
const AUTH = `Basic ${Buffer.from(`inbound:${SECRET}`).toString('base64')}`

let smtp: FakeSmtp
let t: TestRuntime
let seq = 0

beforeAll(async () => {
  smtp = await startFakeSmtp()
  t = await startTestRuntime({
    env: {
      ATLAS_DEMO_SMTP_URL: smtp.url,
      ATLAS_DEMO_EMAIL_WEBHOOK_SECRET: SECRET,
      ATLAS_DEMO_EMAIL_FROM: 'Quillstack Support <support@quillstack.example>',
    },
  })
})
afterAll(async () => {
  await t?.stop()
  await smtp?.close()
})

interface Mail {
  from: string
  subject: string
  body: string
  messageId?: string | null
  inReplyTo?: string
  references?: string
}

function mime(mail: Mail): { raw: string; messageId: string | null } {
  const messageId =
    mail.messageId === undefined ? `msg-${++seq}-${Date.now()}@mail.example.com` : mail.messageId
  const headers = [
    `From: ${mail.from}`,
    'To: Quillstack Support <support@quillstack.example>',
    `Subject: ${mail.subject}`,
    `Date: ${new Date().toUTCString()}`,
    ...(messageId ? [`Message-ID: <${messageId}>`] : []),
    ...(mail.inReplyTo ? [`In-Reply-To: <${mail.inReplyTo}>`] : []),
    ...(mail.references ? [`References: ${mail.references}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="UTF-8"',
  ]
  return { raw: `${headers.join('\r\n')}\r\n\r\n${mail.body.replace(/\n/g, '\r\n')}\r\n`, messageId }
}

function post(body: string, contentType = 'message/rfc822', authorization = AUTH) {
  return t.app.request(PATH, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization },
    body,
  })
}

async function send(mail: Mail) {
  const { raw, messageId } = mime(mail)
  const response = await post(raw)
  expect(response.status).toBe(200)
  return { messageId, response: (await response.json()) as { received: number; duplicates: number } }
}

const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelope.to.includes(address))

describe('an email end to end', () => {
  it('is stored, answered over SMTP with threading headers, and marked sent', async () => {
    const { messageId } = await send({
      from: 'Dana Reyes <dana@customer.example>',
      subject: 'Password reset',
      body: 'Hi,\n\nHow do I reset my password?\n\nThanks,\nDana\n\n-- \nDana Reyes\nAcme Corp',
    })
    const conversationId = await conversationOf(t, messageId!)
    const v = await settled(t, conversationId)
    // The agent reads the new text; the operator sees everything.
    expect(v.messages[0]!.body).toBe('How do I reset my password?')
    expect(v.messages[0]!.fullBody).toContain('Acme Corp')
    expect(v.conversation.metadata.subject).toBe('Password reset')
    expect(v.decision).toMatchObject({ action: 'auto' })

    const [mail] = mailsTo('dana@customer.example')
    expect(mail!.parsed.subject).toBe('Re: Password reset')
    expect(mail!.parsed.inReplyTo).toBe(`<${messageId}>`)
    expect(mail!.parsed.references).toBe(`<${messageId}>`)
    expect(mail!.parsed.text).toContain('Forgot password?')
    const [reply] = await outboundOf(t, conversationId)
    expect(reply!.deliveryStatus).toBe('sent')
    expect(mail!.parsed.messageId).toBe(`<${reply!.providerMessageId}>`)
    expect(reply!.providerMessageId).toMatch(/@quillstack\.example$/)
  })

  it('threads replies: In-Reply-To, or only References, land in the same conversation; a new subject opens another', async () => {
    const customer = 'Lee Park <lee@customer.example>'
    const first = await send({
      from: customer,
      subject: 'Invite teammates',
      body: 'How do I invite a teammate?',
    })
    const conversationId = await conversationOf(t, first.messageId!)
    await settled(t, conversationId)
    const ourReply = mailsTo('lee@customer.example')[0]!.parsed.messageId!.slice(1, -1)

    const withInReplyTo = await send({
      from: customer,
      subject: 'Re: Invite teammates',
      body: 'Thanks! And can they be admins?\n\nOn Tue, Support wrote:\n> Open Settings',
      inReplyTo: ourReply,
      references: `<${first.messageId}> <${ourReply}>`,
    })
    expect(await conversationOf(t, withInReplyTo.messageId!)).toBe(conversationId)

    // Some clients drop In-Reply-To but keep References.
    const onlyReferences = await send({
      from: customer,
      subject: 'Re: Invite teammates',
      body: 'Also: is there a limit on seats?',
      references: `<${first.messageId}>`,
    })
    expect(await conversationOf(t, onlyReferences.messageId!)).toBe(conversationId)

    const newSubject = await send({
      from: customer,
      subject: 'Invoice address',
      body: 'Where do I change the invoice address?',
    })
    expect(await conversationOf(t, newSubject.messageId!)).not.toBe(conversationId)

    // Someone else replying to the same thread (a forward, a CC) is their own conversation.
    const stranger = await send({
      from: 'Kim <kim@other.example>',
      subject: 'Re: Invite teammates',
      body: 'I have the same question',
      inReplyTo: ourReply,
    })
    expect(await conversationOf(t, stranger.messageId!)).not.toBe(conversationId)
  })

  it('stores an email redelivered three times once, and replies once', async () => {
    const { raw, messageId } = mime({
      from: 'ana@customer.example',
      subject: 'Reset',
      body: 'How do I reset my password?',
    })
    const answers = []
    for (let i = 0; i < 3; i++) answers.push(await (await post(raw)).json())
    expect(answers.map((a) => (a as { duplicates: number }).duplicates)).toEqual([0, 1, 1])
    const conversationId = await conversationOf(t, messageId!)
    const v = await settled(t, conversationId)
    expect(v.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1)
    expect(mailsTo('ana@customer.example')).toHaveLength(1)
  })

  it('takes Postmark inbound JSON with an attachment the operator can open', async () => {
    const payload = {
      ...POSTMARK,
      From: 'olu@customer.example',
      FromFull: { Email: 'olu@customer.example', Name: 'Olu', MailboxHash: '' },
      Subject: 'Screenshot of the error',
      Headers: POSTMARK.Headers.filter((h) => !/^(In-Reply-To|References|Message-ID)$/i.test(h.Name)).concat({
        Name: 'Message-ID',
        Value: '<postmark-e2e-1@mail.example.com>',
      }),
      StrippedTextReply: '',
      TextBody: 'How do I reset my password? Screenshot attached.',
      HtmlBody: '',
    }
    const response = await post(JSON.stringify(payload), 'application/json')
    expect(response.status).toBe(200)
    const conversationId = await conversationOf(t, 'postmark-e2e-1@mail.example.com')
    const v = await settled(t, conversationId)
    const [file] = v.messages[0]!.attachments
    expect(file).toMatchObject({ kind: 'image', filename: 'screenshot.png', mimeType: 'image/png' })
    const bytes = await t.api('GET', file!.url!)
    expect(bytes.status).toBe(200)
    expect(Buffer.from(await bytes.arrayBuffer()).toString('base64')).toBe(POSTMARK.Attachments[0]!.Content)
    expect(bytes.headers.get('content-disposition')).toMatch(/^inline; filename="screenshot.png"/)
  })

  it('a bounce of our reply marks it failed and hands the ticket to a person', async () => {
    const { messageId } = await send({
      from: 'gone@customer.example',
      subject: 'Reset please',
      body: 'How do I reset my password?',
    })
    const conversationId = await conversationOf(t, messageId!)
    await settled(t, conversationId)
    const [reply] = await outboundOf(t, conversationId)
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>',
      'To: support@quillstack.example',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <bounce-${Date.now()}@mx.customer.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.example',
      '',
      'Final-Recipient: rfc822; gone@customer.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${reply!.providerMessageId}>`,
      'Subject: Re: Reset please',
      '--b1--',
      '',
    ].join('\r\n')
    const response = await post(bounce)
    expect(await response.json()).toMatchObject({ received: 0, statuses: { applied: 1 } })
    const v = await eventually(async () => {
      const view = await conversationView(t, conversationId)
      return view.ticket?.owner === 'human' ? view : undefined
    })
    const failed = v.messages.find((m) => m.id === reply!.id)!
    expect(failed.deliveryStatus).toBe('failed')
    expect(failed.deliveryError).toContain('5.1.1')
  })

  it('ignores auto-replies, and refuses a wrong secret or an oversized attachment, storing nothing', async () => {
    const before = await storedCounts(t)
    const auto = mime({ from: 'ooo@customer.example', subject: 'Out of office', body: 'I am away.' })
    const autoReply = await post(
      auto.raw.replace('MIME-Version', 'Auto-Submitted: auto-replied\r\nMIME-Version'),
    )
    expect(await autoReply.json()).toMatchObject({ received: 0, ignored: 1 })

    const wrong = await post(
      mime({ from: 'x@customer.example', subject: 'Hi', body: 'Hi' }).raw,
      'message/rfc822',
      `Basic ${Buffer.from('inbound:nope').toString('base64')}`,
    )
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/)

    const big = {
      ...POSTMARK,
      Headers: [{ Name: 'Message-ID', Value: '<too-big@mail.example.com>' }],
      Attachments: [
        {
          Name: 'huge.bin',
          Content: Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64'),
          ContentType: 'application/octet-stream',
          ContentLength: 10 * 1024 * 1024 + 1,
        },
      ],
    }
    const tooLarge = await post(JSON.stringify(big), 'application/json')
    expect(tooLarge.status).toBe(413)
    expect(await tooLarge.json()).toMatchObject({
      error: { code: 'payload_too_large', message: /huge\.bin.*10 MB/ },
    })
    expect(await storedCounts(t)).toEqual(before)
  })
})
