// Personal data never reaches an exported eval case: each kind of identifier is replaced, the text
// around it (ticket numbers, dates, amounts, product codes) is left alone, and — as a property over
// generated text — no email address or phone number in any common format survives.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { luhn, redact } from './redact.ts'

const none = { names: [], emails: [], phones: [] }

describe('redact', () => {
  it('replaces email addresses, known ones in any case', () => {
    expect(redact('Write to jane.doe+billing@acme-corp.co.uk, thanks', none)).toBe('Write to [email], thanks')
    expect(redact('me: J.Doe@Example.ORG', { ...none, emails: ['j.doe@example.org'] })).toBe('me: [email]')
    expect(redact("o'brien!x@mail.example.com", none)).toBe('[email]')
  })

  it('replaces phone numbers in international, local and WhatsApp formats', () => {
    for (const phone of [
      '+49 151 2345 6789',
      '+4915123456789',
      '+49 (0)30 1234-5678',
      '0049 30 12345678',
      '030 12345678',
      '0151-23456789',
      '(415) 555-0132',
      '415.555.0132',
      '555-0132',
      '+44 20 7946 0958',
      '4915123456789@s.whatsapp.net',
    ]) {
      expect(redact(`call me on ${phone} today`, none), phone).toBe('call me on [phone] today')
    }
  })

  it('separates numbers written side by side', () => {
    expect(redact('415.555.0132 212.555.0199', none)).toBe('[phone] [phone]')
    expect(redact('+49 151 2345 6789 030 1234567', none)).toBe('[phone] [phone]')
  })

  it('recognises the contact’s own number written nationally or in pieces', () => {
    const known = { ...none, phones: ['+49 151 23456789'] }
    expect(redact('my cell 0151 234 56789 or 151/2345-6789', known)).toBe('my cell [phone] or [phone]')
    expect(redact('ends in 456789', known)).toBe('ends in [phone]')
  })

  it('replaces Luhn-valid card numbers, leaving an expiry date and other long numbers', () => {
    expect(redact('card 4111 1111 1111 1111 exp 12/27', none)).toBe('card [card] exp 12/27')
    expect(redact('card 4111-1111-1111-1111', none)).toBe('card [card]')
    expect(redact('amex 378282246310005.', none)).toBe('amex [card].')
    expect(redact('4111 1111 1111 1111 1227', none)).toBe('[card] 1227')
    // Not a card (checksum fails), and too long to be a phone number.
    expect(redact('ref 4111111111111112', none)).toBe('ref 4111111111111112')
    expect(luhn('4111111111111111')).toBe(true)
    expect(luhn('4111111111111112')).toBe(false)
  })

  it('replaces IBANs (checksum-verified), spaced or not', () => {
    expect(redact('IBAN: DE89 3704 0044 0532 0130 00 please', none)).toBe('IBAN: [iban] please')
    expect(redact('GB82WEST12345698765432', none)).toBe('[iban]')
    expect(redact('our VAT number SE556677889901', none)).toBe('our VAT number SE556677889901')
  })

  it('replaces IPv4 addresses but not version numbers', () => {
    expect(redact('from 192.168.0.12:8080 and 10.0.0.1.', none)).toBe('from [ip]:8080 and [ip].')
    expect(redact('on v1.2.3.4 of the app', none)).toBe('on v1.2.3.4 of the app')
  })

  it('keeps a link’s host and path but drops its query, fragment and credentials', () => {
    expect(redact('open https://app.example.com/reset?token=s3cr3t&email=a@b.io#top now', none)).toBe(
      'open https://app.example.com/reset now',
    )
    expect(redact('(see www.example.com/help?utm_source=mail).', none)).toBe('(see www.example.com/help).')
    expect(redact('https://user:pw@files.example.com/a/b', none)).toBe('https://files.example.com/a/b')
    expect(redact('https://example.com/docs/getting-started', none)).toBe(
      'https://example.com/docs/getting-started',
    )
    expect(redact('http://192.168.1.20/admin?x=1', none)).toBe('http://[ip]/admin')
  })

  it('replaces the contact’s names: full, first and last, whole words, any case or accent', () => {
    const known = { ...none, names: ['Tomás Reyes-Ortega'] }
    expect(redact('Hi, Tomás Reyes-Ortega here. TOMAS again; reyes said so', known)).toBe(
      'Hi, [name] here. [name] again; [name] said so',
    )
    expect(redact('Ortega’s invoice', known)).toBe('[name]’s invoice')
    // Whole words only: a name inside another word stays.
    expect(redact('Tomasz and Reyesville', known)).toBe('Tomasz and Reyesville')
    // Initials are not names on their own.
    expect(redact('Aisha K. wrote: k?', { ...none, names: ['Aisha K.'] })).toBe('[name]. wrote: k?')
  })

  it('keeps ticket numbers, dates, amounts and product codes', () => {
    const text =
      'Re TKT-10042 and TKT-1234567: invoice QS-88213 of 2024-10-15 (15.10.2024), $3,840 for 12 seats, 2019-2024'
    expect(redact(text, none)).toBe(text)
  })
})

// Generated personal data, in the formats customers actually write it.
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`))
const separator = fc.constantFrom(' ', '-', '.', '')
const international = fc
  .tuple(
    fc.constantFrom('+', '00'),
    fc.stringMatching(/^[1-9][0-9]{0,2}$/),
    separator,
    fc.array(digits(2, 4), { minLength: 2, maxLength: 4 }),
    separator,
  )
  .map(([prefix, cc, sep1, groups, sep]) => `${prefix}${cc}${sep1}${groups.join(sep)}`)
const national = fc
  .tuple(digits(2, 4), separator, fc.array(digits(3, 4), { minLength: 1, maxLength: 2 }), separator)
  .map(([area, sep1, groups, sep]) => `0${area}${sep1}${groups.join(sep)}`)
const northAmerican = fc
  .tuple(digits(3, 3), digits(3, 3), digits(4, 4), fc.boolean())
  .map(([a, b, c, parens]) => (parens ? `(${a}) ${b}-${c}` : `${a}.${b}.${c}`))
const whatsappId = fc
  .tuple(fc.stringMatching(/^[1-9][0-9]{9,14}$/), fc.boolean())
  .map(([id, jid]) => (jid ? `${id}@s.whatsapp.net` : id))
const phone = fc
  .oneof(international, national, northAmerican, whatsappId)
  .filter((p) => p.replace(/\D/g, '').length >= 7 && p.replace(/\D/g, '').length <= 15)
const email = fc.emailAddress()
const word = fc.constantFrom(
  'hello',
  'my',
  'number',
  'is',
  'please',
  'call',
  'or',
  'write',
  'to',
  'thanks',
  'TKT-10042',
)
const glue = fc.constantFrom(' ', ', ', '. ', ': ', ' (', ') ', '\n', ' / ')
const personalText = fc
  .array(fc.tuple(fc.oneof(word, word, phone, email), glue), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.map(([token, g]) => token + g).join(''))

/** Seven or more digits in one group-separated run: what a phone number looks like. */
const PHONE_LOOKING = /\d(?:[\s().\-/+]*\d){6,}/

describe('redact (properties)', () => {
  it('leaves no email address or phone number in text that mixes them with words', () => {
    fc.assert(
      fc.property(personalText, (text) => {
        const out = redact(text, none)
        expect(out).not.toContain('@')
        expect(out.replaceAll('TKT-10042', '')).not.toMatch(PHONE_LOOKING)
        // Ticket numbers survive untouched.
        expect(out.split('TKT-10042').length).toBe(text.split('TKT-10042').length)
      }),
      { numRuns: 500 },
    )
  })

  it('leaves no trace of a known name, in any case, however the text is cut', () => {
    const name = fc.stringMatching(/^[A-Z][a-z]{2,9}$/)
    fc.assert(
      fc.property(
        name,
        name,
        fc.array(fc.oneof(word, fc.constant('FIRST'), fc.constant('LAST'))),
        (first, last, words) => {
          const text = words
            .map((w) => (w === 'FIRST' ? first.toUpperCase() : w === 'LAST' ? last.toLowerCase() : w))
            .join(' ')
          const out = redact(`${first} ${last}: ${text}`, { ...none, names: [`${first} ${last}`] })
          for (const part of [first, last]) {
            expect(out).not.toMatch(new RegExp(`(?<![A-Za-z])${part}(?![A-Za-z])`, 'i'))
          }
        },
      ),
    )
  })

  it('never throws and is stable: redacting twice changes nothing more', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), personalText), (text) => {
        const once = redact(text, none)
        expect(redact(once, none)).toBe(once)
      }),
      { numRuns: 300 },
    )
  })
})
