import { describe, expect, it } from 'vitest'
import { stripQuotedReply, stripReply } from './strip-reply.ts'

describe('stripReply: quoted history', () => {
  it('cuts a Gmail reply at "On … wrote:" and the quoted lines', () => {
    const email = [
      'Yes, the order number is 1042.',
      '',
      'On Tue, 5 Mar 2024 at 10:02, Acme Support <support@acme.example> wrote:',
      '> Could you send us your order number?',
      '>',
      '> Acme Support',
    ].join('\r\n')
    const stripped = stripReply(email)
    expect(stripped.text).toBe('Yes, the order number is 1042.')
    expect(stripped.quote).toContain('> Could you send us your order number?')
    expect(stripped.signature).toBeNull()
  })

  it('recognises an attribution Gmail wrapped over two lines', () => {
    const email =
      'Thanks, that worked.\n\nOn Tue, Mar 5, 2024 at 10:02 AM Acme Support <\nsupport@acme.example> wrote:\n> Try again'
    expect(stripQuotedReply(email)).toBe('Thanks, that worked.')
  })

  it('cuts Apple Mail and localized attributions', () => {
    expect(
      stripQuotedReply('Merci !\n\nLe 5 mars 2024 à 10:02, Acme <s@acme.example> a écrit :\n> Bonjour'),
    ).toBe('Merci !')
    expect(stripQuotedReply('Passt.\n\nAm 05.03.2024 um 10:02 schrieb Acme <s@acme.example>:\n> Hallo')).toBe(
      'Passt.',
    )
    expect(stripQuotedReply('Got it\n\nOn 5 Mar 2024, at 10:02, Acme <s@acme.example> wrote:\n\n> Hi')).toBe(
      'Got it',
    )
  })

  it('cuts Outlook "-----Original Message-----" and its header block', () => {
    const email = [
      'Please cancel it.',
      '',
      '-----Original Message-----',
      'From: Acme Support <support@acme.example>',
      'Sent: Tuesday, March 5, 2024 10:02 AM',
      'To: Sam <sam@example.com>',
      'Subject: Your order',
      '',
      'Your order has shipped.',
    ].join('\n')
    expect(stripQuotedReply(email)).toBe('Please cancel it.')
  })

  it('cuts the Outlook underscore rule and bare From:/Sent: blocks', () => {
    const rule =
      'Still broken.\n\n________________________________\nFrom: Acme Support <support@acme.example>\nSent: 05 March 2024 10:02\nSubject: RE: Login\n\nDid that help?'
    expect(stripQuotedReply(rule)).toBe('Still broken.')
    const block =
      'Still broken.\n\nFrom: Acme Support <support@acme.example>\nDate: Tuesday, 5 March 2024 at 10:02\nTo: Sam\nSubject: Login\n\nDid that help?'
    expect(stripQuotedReply(block)).toBe('Still broken.')
  })

  it('drops inline quotes and keeps the answers of an interleaved reply', () => {
    const email = '> What is your order number?\n1042\n\n> And your postcode?\n10115'
    expect(stripQuotedReply(email)).toBe('1042\n\n10115')
  })

  it('does not mistake ordinary sentences for quote headers', () => {
    const email =
      'On Monday I ordered a lamp and it wrote: nothing on the screen.\nFrom: my kitchen, it looks broken.'
    expect(stripQuotedReply(email)).toBe(email)
    const below = 'On Monday the app wrote something odd, see below:\nError 500 at checkout'
    expect(stripQuotedReply(below)).toBe(below)
  })

  it('keeps a forwarded message, which is the point of forwarding it', () => {
    const email =
      'See below.\n\n---------- Forwarded message ---------\nFrom: Courier <no-reply@courier.example>\nSubject: Delivery failed\n\nWe could not deliver your parcel.'
    expect(stripQuotedReply(email)).toContain('We could not deliver your parcel.')
  })
})

describe('stripReply: signatures', () => {
  it('cuts at the "-- " delimiter', () => {
    const stripped = stripReply(
      'Where is my parcel?\n\n-- \nSam Smith\nHead of Ops, Example GmbH\n+49 30 1234567',
    )
    expect(stripped.text).toBe('Where is my parcel?')
    expect(stripped.signature).toBe('-- \nSam Smith\nHead of Ops, Example GmbH\n+49 30 1234567')
  })

  it('cuts mobile taglines', () => {
    expect(stripQuotedReply('Call me back please\n\nSent from my iPhone')).toBe('Call me back please')
    expect(stripQuotedReply('Ok\n\nGet Outlook for Android')).toBe('Ok')
  })

  it('cuts a sign-off followed by a short name block', () => {
    expect(stripQuotedReply('Can you reset my password?\n\nThanks,\nSam')).toBe('Can you reset my password?')
    expect(
      stripQuotedReply('Is it in stock?\n\nBest regards,\nSam Smith\nExample GmbH\nsam@example.com'),
    ).toBe('Is it in stock?')
  })

  it('keeps a sign-off that is followed by real content, or that is the whole message', () => {
    const long = `Thanks,\n${'and here is a much longer explanation of the problem that goes on for a while. '.repeat(3)}`
    expect(stripQuotedReply(long)).toBe(long.trim())
    expect(stripQuotedReply('Thanks!\nSam')).toBe('Thanks!\nSam')
    expect(stripQuotedReply('Thanks for the quick help, it works now!')).toBe(
      'Thanks for the quick help, it works now!',
    )
  })

  it('handles quote and signature together, and a message that is only a quote', () => {
    const email =
      'Works now.\n\nCheers,\nSam\n\nOn Tue, 5 Mar 2024 at 10:02, Acme <s@acme.example> wrote:\n> Try now'
    expect(stripReply(email)).toMatchObject({ text: 'Works now.', signature: 'Cheers,\nSam' })
    expect(stripReply('On Tue, 5 Mar 2024 at 10:02, Acme <s@acme.example> wrote:\n> Try now').text).toBe('')
  })
})

describe('greetings and sign-offs above a signature', () => {
  it('leaves the agent the request alone: salutation, sign-off and signature go', () => {
    const stripped = stripReply(
      'Hi,\n\nHow do I reset my password?\n\nThanks,\nDana\n\n-- \nDana Reyes\nAcme Corp',
    )
    expect(stripped.text).toBe('How do I reset my password?')
    expect(stripped.signature).toBe('Thanks,\nDana\n\n-- \nDana Reyes\nAcme Corp')
  })

  it('keeps a greeting that is all there is, and a line that only starts like one', () => {
    expect(stripReply('Hello!').text).toBe('Hello!')
    expect(stripReply('Hi, my invoice is wrong. Can you fix it?').text).toBe(
      'Hi, my invoice is wrong. Can you fix it?',
    )
  })
})
