// Generated bad inbound email (test support), Postmark JSON and raw MIME, for the parser tests and the
// route's end-to-end test.
import {
  type FieldSpec,
  type Malformed,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import { MAX_EMAIL_BYTES } from './inbound-email.ts'
import { eml, POSTMARK } from './test-fixtures.ts'

const fields: FieldSpec[] = [
  { path: 'From', kind: 'string', optional: true, except: ['null'], max: 10_000 },
  { path: 'FromFull', kind: 'object', optional: true },
  {
    path: 'FromFull.Email',
    kind: 'pattern',
    max: 254,
    bad: ['sam@', '@example.com', 'sam smith@example.com', 'a@b@c', 'sam\uFFFD@example.com'],
  },
  { path: 'FromFull.Name', kind: 'string', optional: true, except: ['null'], max: 10_000 },
  { path: 'To', kind: 'string', optional: true, except: ['null'], max: 100_000 },
  { path: 'Subject', kind: 'string', optional: true, except: ['null'], max: 10_000 },
  { path: 'MessageID', kind: 'string', optional: true, except: ['null'], max: 10_000 },
  { path: 'Date', kind: 'string', optional: true, except: ['null'], max: 10_000 },
  { path: 'TextBody', kind: 'string', optional: true, except: ['null'] },
  { path: 'HtmlBody', kind: 'string', optional: true, except: ['null'] },
  { path: 'StrippedTextReply', kind: 'string', optional: true, except: ['null'] },
  { path: 'Headers', kind: 'array', optional: true },
  { path: 'Headers.5', kind: 'object' },
  { path: 'Headers.5.Name', kind: 'string', max: 1000 },
  { path: 'Headers.5.Value', kind: 'string', max: 100_000 },
  { path: 'Attachments', kind: 'array', optional: true },
  { path: 'Attachments.0', kind: 'object' },
  { path: 'Attachments.0.Name', kind: 'string', max: 1000 },
  {
    path: 'Attachments.0.Content',
    kind: 'pattern',
    except: ['emptyString'],
    bad: ['not base64!', 'QUJD$', '====='],
  },
  { path: 'Attachments.0.ContentType', kind: 'string', max: 255 },
  { path: 'Attachments.0.ContentLength', kind: 'number', bad: [-1, 1.5] },
]

/** Raw MIME cases: a message is malformed when no sender can be read from it, or it is not a message. */
export function malformedMime(): Malformed[] {
  const valid = eml('plain')
  const fixtures = ['plain', 'alternative', 'attachment', 'reply', 'no-message-id', 'html-only'].map(
    (name) => [name, eml(name)],
  )
  const fromValues = [
    '',
    'Sam Smith',
    '<>',
    '@',
    'sam@',
    '@example.com',
    '<not an address>',
    'Sam <sam smith@example.com>',
    'undisclosed-recipients:;',
    `${'x'.repeat(300)}@example.com`,
    `${'('.repeat(20_000)}sam@example.com`,
    `${'<'.repeat(20_000)}sam@example.com${'>'.repeat(20_000)}`,
    `${'"'.repeat(5_000)}`,
    '=?UTF-8?B?////?=',
    'sam@example.com\u0000',
    'sam\u0007@example.com',
    'é'.repeat(2_000_000),
  ]
  const cases: Malformed[] = fixtures.flatMap(([fixture, raw]) => [
    ...fromValues.map((value, i) => ({
      name: `${fixture}: From value ${i}`,
      payload: raw!.replace(/^From: .*$/m, `From: ${value}`),
    })),
    { name: `${fixture}: no From header`, payload: raw!.replace(/^From: .*\r\n/m, '') },
  ])
  // Undecodable bytes in the address itself: no address can be read from them.
  for (const bytes of [
    [0xff],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0x80],
    [0xfe, 0xff],
    [0xf8, 0x88, 0x80, 0x80],
  ]) {
    for (const at of ['local', 'domain']) {
      const [before, after] =
        at === 'local' ? ['From: Sam <sa', 'm@example.com>'] : ['From: Sam <sam@exa', 'mple.com>']
      const head = new TextEncoder().encode(before)
      const tail = new TextEncoder().encode(`${after}\r\nSubject: hi\r\n\r\nHello`)
      const payload = new Uint8Array([...head, ...bytes, ...tail])
      cases.push({ name: `invalid UTF-8 ${bytes} in the ${at} part`, payload })
    }
  }
  const fromAt = valid.indexOf('\r\nFrom:')
  for (const part of [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]) {
    const cut = Math.max(1, Math.floor(fromAt * part))
    cases.push({ name: `cut at ${cut}, before From`, payload: valid.slice(0, cut) })
  }
  for (const [name, payload] of [
    ['null', null],
    ['number', 42],
    ['boolean', true],
    ['object', { raw: valid }],
    ['array', [valid]],
    ['empty string', ''],
    ['whitespace', ' \r\n\r\n\t'],
    ['empty bytes', new Uint8Array(0)],
    ['zero bytes', new Uint8Array(100_000)],
    ['too large', `From: a@example.com\r\n\r\n${'x'.repeat(MAX_EMAIL_BYTES)}`],
    [
      'nested multiparts',
      `From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'.repeat(5000)}`,
    ],
  ] as const) {
    cases.push({ name, payload })
  }
  // Seeded random bytes and text without headers: never a sender in them.
  let seed = 2024
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  for (let i = 0; i < 60; i++) {
    const length = 1 + Math.floor(random() * 2000)
    const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256))
    cases.push({
      name: `random bytes ${i}`,
      payload: i % 2 === 0 ? bytes : Buffer.from(bytes).toString('latin1'),
    })
  }
  for (let i = 0; i < 40; i++) {
    const junk = Array.from({ length: 1 + (i % 7) }, (_, j) => `X-Junk-${j}: ${'v'.repeat(i * 3)}`).join(
      '\r\n',
    )
    cases.push({ name: `headers without From ${i}`, payload: `${junk}\r\nSubject: ${i}\r\n\r\nbody ${i}` })
  }
  return cases
}

export function postmarkMalformedCases(): Malformed[] {
  return [...malformedFields(POSTMARK, fields), ...malformedBodies(POSTMARK, 3)]
}
