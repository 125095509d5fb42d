// The logger's redaction: credentials and personal data are censored by field name, at the top level
// and two levels down (a channel config inside a context object, headers inside a request).
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'

function captured() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: createLogger({ level: 'trace', destination: stream }), lines }
}

describe('createLogger redaction', () => {
  it('censors credentials by field name, wherever they sit in the first three levels', () => {
    const { logger, lines } = captured()
    logger.info(
      {
        password: 'p-top',
        config: { accessToken: 'tok-1', appSecret: 'app-1', verifyToken: 'ver-1', phoneNumberId: '1001' },
        channel: {
          config: { webhookSecret: 'hook-1', smtpUrl: 'smtp://u:pw-1@h', pageAccessToken: 'page-1' },
        },
        headers: {
          authorization: 'Bearer atlas_key-1',
          cookie: 'atlas_session=sess-1',
          'x-csrf-token': 'csrf-1',
          'x-hub-signature-256': 'sha256=sig-1',
          'set-cookie': 'atlas_session=sess-2',
        },
        auth: { user: 'mailer', pass: 'pw-2' },
        session: { token: 'sess-3', csrfToken: 'csrf-2' },
        apiKey: 'atlas_key-2',
      },
      'context',
    )
    const line = lines.join('')
    for (const secret of [
      'p-top',
      'tok-1',
      'app-1',
      'ver-1',
      'hook-1',
      'pw-1',
      'page-1',
      'key-1',
      'sess-1',
      'csrf-1',
      'sig-1',
      'sess-2',
      'pw-2',
      'sess-3',
      'csrf-2',
      'key-2',
    ]) {
      expect(line).not.toContain(secret)
    }
    // What is not a credential stays readable.
    expect(JSON.parse(line)).toMatchObject({ config: { phoneNumberId: '1001' }, auth: { user: 'mailer' } })
  })

  it('still censors personal data, and masks emails in error messages', () => {
    const { logger, lines } = captured()
    logger.error({ err: new Error('refused dana@customer.example'), body: 'my card number' }, 'failed')
    const line = lines.join('')
    expect(line).not.toContain('dana@customer.example')
    expect(line).not.toContain('my card number')
  })
})
