// A real SMTP server in the test process (the smtp-server package), so nodemailer runs its whole
// conversation: EHLO, optional AUTH, MAIL FROM, RCPT TO, DATA. It records each message as received
// (envelope and raw bytes, parsed with mailparser) and can refuse a stage with a given reply code.
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface FakeSmtpMessage {
  envelope: { from: string; to: string[] }
  /** The message exactly as it arrived after DATA. */
  raw: string
  parsed: ParsedMail
  /** The login used, if any. */
  user: string | undefined
}

/** An SMTP refusal for the next command of a stage (`550 No such user`, `451 Try again later`). */
export interface FakeSmtpRefusal {
  stage: 'rcpt' | 'data'
  code: number
  message: string
}

export interface FakeSmtp {
  readonly port: number
  /** `smtp://[user:pass@]127.0.0.1:<port>`. */
  readonly url: string
  readonly messages: FakeSmtpMessage[]
  refuse(refusal: FakeSmtpRefusal): void
  close(): Promise<void>
}

export async function startFakeSmtp(
  options: { auth?: { user: string; pass: string } } = {},
): Promise<FakeSmtp> {
  const messages: FakeSmtpMessage[] = []
  const refusals: FakeSmtpRefusal[] = []
  const refusal = (stage: FakeSmtpRefusal['stage']) => {
    const index = refusals.findIndex((r) => r.stage === stage)
    if (index === -1) return null
    const [found] = refusals.splice(index, 1)
    return Object.assign(new Error(found!.message), { responseCode: found!.code })
  }
  const server = new SMTPServer({
    secure: false,
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass
      if (!ok)
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))
      callback(null, { user: auth.username })
    },
    onRcptTo(_address, _session, callback) {
      callback(refusal('rcpt'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', async () => {
        const refused = refusal('data')
        if (refused) return callback(refused)
        const raw = Buffer.concat(chunks).toString('utf8')
        messages.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
          parsed: await simpleParser(raw),
          user: typeof session.user === 'string' ? session.user : undefined,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : ''
  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    refuse: (r) => refusals.push(r),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
