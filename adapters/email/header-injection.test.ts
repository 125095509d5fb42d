// Header injection into our outbound email, property-based: CR/LF (and other line breaks) in every
// field that reaches a header — the customer's subject, their address, the ids we thread under,
// attachment names and types, the channel's From and Reply-To, a notification's title. Whatever
// goes in, the mail nodemailer writes has no header we did not put there, each of From, To and
// Subject once, and (through a real SMTP conversation) no recipient but the one we meant.
import fc from 'fast-check'
import { createTransport } from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { composeNotificationEmail, type TeamNotification } from '../../server/notifications/deliver.ts'
import { type FakeSmtp, startFakeSmtp } from '../../testing/fake-smtp.ts'
import { FuzzTally, oddString } from '../../testing/fuzz.ts'
import type { OutboundMessage } from '../types.ts'
import { emailSendConfig } from './config.ts'
import { composeEmail, sendEmailMessage } from './send.ts'

const tally = new FuzzTally('outbound email headers')
afterAll(() => console.log(tally.summary()))

/** Header names no mail of ours carries: if one shows up at the start of a line, it was injected. */
const MARKERS = ['Bcc', 'Cc', 'X-Injected', 'Content-Type-Injected']

/** Text that tries to end the header it sits in and start one of its own. */
const injection: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('\r\n', '\n', '\r', '\r\r\n', '\n\r', '\r\n\t', '\u0085', '\u2028', '%0d%0a', '=0D=0A'),
    fc.constantFrom(...MARKERS),
    fc.constantFrom('', ' ', '\r\n'),
    fc.string({ maxLength: 10 }),
  )
  .map(([newline, name, after, tail]) => `${newline}${name}: victim@evil.example${after}${tail}`)

/** Any text, often with an injection attempt somewhere in it. */
const field = (base: string): fc.Arbitrary<string> =>
  fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.nat(base.length), injection)
        .map(([at, i]) => base.slice(0, at) + i + base.slice(at)),
      weight: 4,
    },
    { arbitrary: fc.tuple(oddString, injection).map(([s, i]) => s + i), weight: 1 },
    { arbitrary: fc.constant(base), weight: 1 },
    { arbitrary: oddString, weight: 1 },
  )

const message = fc.record({
  id: fc.oneof(fc.uuid(), field('5d8e2c1a-9b7f-4e3d-8c2b-1a0f9e8d7c6b')),
  body: field('Thanks for writing.\r\n.\r\nMAIL FROM:<x@evil.example>'),
  citation: field('Two-factor login'),
  to: fc.oneof({ arbitrary: fc.constant('sam@example.com'), weight: 3 }, field('sam@example.com')),
  subject: field("Can't log in"),
  inReplyTo: fc.option(field('<CAKx8Yv3@mail.gmail.com>')),
  references: fc.array(field('<a1@mail.gmail.com>'), { maxLength: 3 }),
  attachment: fc.option(fc.record({ filename: field('invoice.pdf'), mimeType: field('application/pdf') })),
})

const channel = fc.record({
  from: fc.oneof(
    { arbitrary: fc.constant('Acme Support <support@acme.example>'), weight: 2 },
    field('Acme Support <support@acme.example>'),
  ),
  replyTo: fc.option(field('Replies <replies@acme.example>')),
  defaultSubject: fc.option(field('Your support request')),
})

function outbound(m: typeof message extends fc.Arbitrary<infer T> ? T : never): OutboundMessage {
  return {
    id: m.id,
    body: m.body,
    citations: [{ title: m.citation, url: 'https://help.acme.example/2fa' }],
    to: { kind: 'email', value: m.to },
    threading: { subject: m.subject, inReplyTo: m.inReplyTo, references: m.references },
    attachments: m.attachment
      ? [
          {
            filename: m.attachment.filename,
            mimeType: m.attachment.mimeType,
            content: new Uint8Array([1, 2, 3]),
          },
        ]
      : [],
  }
}

const writer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' })

/** The raw mail nodemailer would send. */
async function render(mail: Parameters<typeof writer.sendMail>[0]): Promise<string> {
  const info = await writer.sendMail(mail)
  return (info.message as Buffer).toString('latin1')
}

/** The header blocks of a rendered mail: the message's own and each MIME part's. */
function headerBlocks(raw: string): string[] {
  const blocks = [raw.slice(0, raw.indexOf('\r\n\r\n'))]
  for (const [, boundary] of raw.matchAll(/boundary="?([^";\r\n]+)"?/gi)) {
    const delimiter = `--${boundary}\r\n`
    for (let at = raw.indexOf(delimiter); at !== -1; at = raw.indexOf(delimiter, at + 1)) {
      const start = at + delimiter.length
      blocks.push(raw.slice(start, raw.indexOf('\r\n\r\n', start)))
    }
  }
  return blocks
}

/** Problems with a rendered mail's headers: injected ones, repeated From/To/Subject, lone CR or LF. */
function injected(raw: string): string[] {
  const problems: string[] = []
  const blocks = headerBlocks(raw)
  for (const block of blocks) {
    if (/\r(?!\n)|(?<!\r)\n/.test(block)) problems.push('a bare CR or LF in a header')
    for (const line of block.split('\r\n')) {
      const name = /^([!-9;-~]+):/.exec(line)?.[1]
      if (name && MARKERS.some((m) => m.toLowerCase() === name.toLowerCase()))
        problems.push(`injected header line: ${line.slice(0, 120)}`)
    }
  }
  const top = blocks[0]!.split('\r\n').filter((l) => !/^[ \t]/.test(l))
  for (const name of ['From', 'To', 'Subject', 'Message-ID']) {
    const count = top.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)).length
    if (count !== 1) problems.push(`${count} ${name} headers`)
  }
  return problems
}

/** Refusing to send is fine: a bad address (4xx) or a channel config that does not validate. */
function refusedCleanly(error: unknown): boolean {
  return (
    error instanceof AtlasError &&
    (error.code === 'config_invalid' || (error.status >= 400 && error.status < 500))
  )
}

describe('outbound email: header injection', () => {
  it('a reply never carries a header we did not write, whatever the customer and channel sent', async () => {
    await fc.assert(
      fc.asyncProperty(message, channel, async (m, ch) => {
        tally.cases++
        let config: ReturnType<typeof emailSendConfig>
        let raw: string
        try {
          config = emailSendConfig({
            smtpUrl: 'smtp://127.0.0.1:9',
            from: ch.from,
            ...(ch.replyTo !== null ? { replyTo: ch.replyTo } : {}),
            ...(ch.defaultSubject !== null ? { defaultSubject: ch.defaultSubject } : {}),
          })
          raw = await render(composeEmail(outbound(m), config))
        } catch (error) {
          // Refusing to send (a bad address, a bad channel config) is fine; anything else is not.
          if (!refusedCleanly(error))
            tally.problem(`threw ${String(error).slice(0, 80)}`, JSON.stringify({ m, ch }))
          return
        }
        for (const p of injected(raw)) tally.problem(p, JSON.stringify({ m, ch }).slice(0, 400))
      }),
      { numRuns: 1500 },
    )
    expect(tally.problems).toEqual([])
  })

  it('a team notification never carries one either', async () => {
    const notification = fc.record({
      title: field('New ticket TKT-10042'),
      body: field('Sam wrote in.'),
      kind: fc.constantFrom('escalation', 'mention'),
    })
    await fc.assert(
      fc.asyncProperty(notification, field('lead@acme.example'), async (n, to) => {
        tally.cases++
        const item = {
          id: '0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11',
          tenantId: 't',
          kind: n.kind,
          title: n.title,
          body: n.body,
          url: null,
          ticketNumber: null,
          createdAt: new Date(),
          data: {},
        } as unknown as TeamNotification
        let raw: string
        try {
          raw = await render(composeNotificationEmail(item, to, { from: 'Atlas <desk@acme.example>' }))
        } catch (error) {
          if (!refusedCleanly(error))
            tally.problem(`threw ${String(error).slice(0, 80)}`, JSON.stringify({ n, to }))
          return
        }
        for (const p of injected(raw))
          tally.problem(`notification: ${p}`, JSON.stringify({ n, to }).slice(0, 400))
      }),
      { numRuns: 500 },
    )
    expect(tally.problems).toEqual([])
  })

  describe('through SMTP', () => {
    let smtp: FakeSmtp
    beforeAll(async () => {
      smtp = await startFakeSmtp()
    })
    afterAll(() => smtp.close())

    it('the envelope names only the customer, and the mail that arrives has no injected header', async () => {
      await fc.assert(
        fc.asyncProperty(message, async (m) => {
          tally.cases++
          smtp.messages.length = 0
          const config = { smtpUrl: smtp.url, from: 'Acme <support@acme.example>', timeoutMs: 5000 }
          let expected: string
          try {
            expected = composeEmail(outbound(m), emailSendConfig(config)).to
            await sendEmailMessage(outbound(m), config)
          } catch (error) {
            if (!refusedCleanly(error))
              tally.problem(`smtp threw ${String(error).slice(0, 80)}`, JSON.stringify(m))
            return
          }
          const [received] = smtp.messages
          if (!received) return tally.problem('nothing arrived', JSON.stringify(m))
          if (JSON.stringify(received.envelope.to) !== JSON.stringify([expected]))
            tally.problem(`envelope to ${received.envelope.to.join(', ')}`, JSON.stringify(m))
          for (const p of injected(received.raw.replace(/\r?\n/g, '\r\n')))
            tally.problem(`smtp: ${p}`, JSON.stringify(m).slice(0, 400))
        }),
        { numRuns: 60 },
      )
      expect(tally.problems).toEqual([])
    })
  })
})
