import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { type FakeSmtp, startFakeSmtp } from '../../testing/fake-smtp.ts'
import type { OutboundMessage } from '../types.ts'
import { isTransient } from './index.ts'
import { parseEmail } from './parse.ts'
import { sendEmailMessage } from './send.ts'

let smtp: FakeSmtp
let config: Record<string, unknown>

beforeAll(async () => {
  smtp = await startFakeSmtp({ auth: { user: 'desk', pass: 's3cret' } })
  config = { smtpUrl: smtp.url, from: 'Acme Support <support@acme.example>', timeoutMs: 5000 }
})
afterAll(() => smtp.close())
beforeEach(() => {
  smtp.messages.length = 0
})

const reply = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: '5d8e2c1a-9b7f-4e3d-8c2b-1a0f9e8d7c6b',
  body: 'You can turn on two-factor login under Settings → Security.',
  citations: [{ title: 'Two-factor login', url: 'https://help.acme.example/2fa' }],
  to: { kind: 'email', value: 'sam.smith@example.com' },
  threading: {
    subject: "Can't log in to my account",
    inReplyTo: 'CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com',
    references: [
      'CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com',
      '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example',
    ],
  },
  ...over,
})

async function failure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

describe('email send', () => {
  it('sends through SMTP with our Message-ID, threading headers, Re: subject and sources', async () => {
    const result = await sendEmailMessage(reply(), config)
    expect(result.providerMessageId).toBe('5d8e2c1a-9b7f-4e3d-8c2b-1a0f9e8d7c6b@acme.example')
    expect(smtp.messages).toHaveLength(1)
    const [received] = smtp.messages
    expect(received!.user).toBe('desk')
    expect(received!.envelope).toEqual({ from: 'support@acme.example', to: ['sam.smith@example.com'] })
    expect(received!.raw).toMatch(/^Message-ID: <5d8e2c1a-9b7f-4e3d-8c2b-1a0f9e8d7c6b@acme\.example>\r$/m)
    expect(received!.raw).toMatch(/^In-Reply-To: <CAKx8Yv3Reply77\+Qw2=Aa1b2c3@mail\.gmail\.com>\r$/m)
    const mail = received!.parsed
    expect(mail.from!.value).toEqual([{ address: 'support@acme.example', name: 'Acme Support' }])
    expect(mail.subject).toBe("Re: Can't log in to my account")
    expect(mail.references).toEqual([
      '<CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com>',
      '<0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example>',
      '<CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com>',
    ])
    expect(mail.text!.trim()).toBe(
      'You can turn on two-factor login under Settings → Security.\n\nSources:\n- Two-factor login: https://help.acme.example/2fa',
    )
  })

  it('threads with our own parser: the customer’s reply to it points back at our Message-ID', async () => {
    const { providerMessageId } = await sendEmailMessage(reply(), config)
    const ours = smtp.messages[0]!.parsed
    const customerReply = [
      'From: sam.smith@example.com',
      'To: support@acme.example',
      `Subject: Re: ${ours.subject}`,
      'Message-ID: <next@mail.gmail.com>',
      `In-Reply-To: ${ours.messageId}`,
      `References: ${[...(ours.references as string[]), ours.messageId].join(' ')}`,
      '',
      'Done, thanks!',
    ].join('\r\n')
    const [parsed] = (await parseEmail(customerReply, { contentType: 'message/rfc822' })).messages
    expect(parsed!.replyToProviderId).toBe(providerMessageId)
    expect(parsed!.threading!.references.at(-1)).toBe(providerMessageId)
  })

  it('does not stack Re: prefixes, and uses the default subject without threading', async () => {
    await sendEmailMessage(
      reply({ threading: { subject: 'RE: Invoice', inReplyTo: null, references: [] } }),
      config,
    )
    await sendEmailMessage(reply({ threading: undefined }), {
      ...config,
      defaultSubject: 'Your Acme request',
    })
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['RE: Invoice', 'Your Acme request'])
    expect(smtp.messages[1]!.parsed.inReplyTo).toBeUndefined()
    expect(smtp.messages[1]!.parsed.references).toBeUndefined()
  })

  it('sends attachments, and a Reply-To when configured', async () => {
    await sendEmailMessage(
      reply({
        attachments: [
          {
            filename: 'label.pdf',
            mimeType: 'application/pdf',
            content: new TextEncoder().encode('%PDF-1.4'),
          },
        ],
      }),
      { ...config, replyTo: 'inbound+7f3a@inbound.acme.example' },
    )
    const mail = smtp.messages[0]!.parsed
    expect(mail.replyTo!.value[0]!.address).toBe('inbound+7f3a@inbound.acme.example')
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['label.pdf', 'application/pdf', '%PDF-1.4'],
    ])
  })

  it('connects with host/port/auth as well as with a URL', async () => {
    const { smtpUrl: _, ...rest } = config
    await sendEmailMessage(reply(), {
      ...rest,
      host: '127.0.0.1',
      port: smtp.port,
      auth: { user: 'desk', pass: 's3cret' },
    })
    expect(smtp.messages).toHaveLength(1)
  })
})

describe('email send: errors', () => {
  it('a 550 refusal of the recipient is permanent', async () => {
    smtp.refuse({ stage: 'rcpt', code: 550, message: '5.1.1 No such user here' })
    const error = await failure(sendEmailMessage(reply(), config))
    expect(error.code).toBe('bad_request')
    expect(isTransient(error)).toBe(false)
    expect(error.message).toContain('No such user')
    expect(error.details).toMatchObject({ provider: 'smtp', status: 550 })
  })

  it('a 451 is transient', async () => {
    smtp.refuse({ stage: 'data', code: 451, message: '4.3.0 Try again later' })
    const error = await failure(sendEmailMessage(reply(), config))
    expect(isTransient(error)).toBe(true)
    expect(error.code).toBe('unavailable')
  })

  it('a wrong password is a configuration problem', async () => {
    const error = await failure(
      sendEmailMessage(reply(), { ...config, smtpUrl: `smtp://desk:wrong@127.0.0.1:${smtp.port}` }),
    )
    expect(error.code).toBe('config_invalid')
    expect(isTransient(error)).toBe(false)
  })

  it('a server that cannot be reached is transient', async () => {
    const error = await failure(
      sendEmailMessage(reply(), { ...config, smtpUrl: 'smtp://127.0.0.1:9', timeoutMs: 1000 }),
    )
    expect(isTransient(error)).toBe(true)
  })

  it.each([
    [{ from: 'Acme' }, 'from: must be an address'],
    [{ from: 'support@acme.example' }, 'smtpUrl: give either smtpUrl or host'],
    [{ from: 'support@acme.example', smtpUrl: 'http://x', host: 'h' }, 'smtpUrl: must be an smtp://'],
  ])('rejects config %j naming the field', async (bad, expected) => {
    const error = await failure(sendEmailMessage(reply(), bad))
    expect(error.code).toBe('config_invalid')
    expect(error.message).toContain(expected)
  })

  it('refuses a non-email recipient before connecting', async () => {
    const error = await failure(
      sendEmailMessage(reply({ to: { kind: 'whatsapp', value: '16505551234' } }), config),
    )
    expect(error.message).toContain('needs an email address')
    expect(smtp.messages).toHaveLength(0)
  })
})
