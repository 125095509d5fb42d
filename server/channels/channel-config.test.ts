// Sealing a channel's config: exactly its kind's secret fields are encrypted (nested ones too), the
// rest stays readable, opening gives back what was sealed, and a value moved to another channel or
// left unencrypted is refused with a typed error.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { isSealed } from '../../common/secret-box.ts'
import { testSecretBox } from '../../testing/secrets.ts'
import { openChannelConfig, sealChannelConfig } from './channel-config.ts'

const box = testSecretBox()

const WHATSAPP = {
  phoneNumberId: '100000000000001',
  accessToken: 'EAAG-access-token',
  appSecret: 'meta-app-secret',
  verifyToken: 'verify-token',
  graphBase: 'https://graph.facebook.com',
  previewUrl: false,
}
const EMAIL = {
  from: 'Support <support@acme.example>',
  host: 'smtp.acme.example',
  port: 587,
  auth: { user: 'mailer', pass: 'smtp-password' },
  webhookSecret: 'email-webhook-secret',
}

function failure(run: () => unknown): AtlasError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AtlasError)
    return error as AtlasError
  }
  throw new Error('expected a secret_unreadable error')
}

describe('sealChannelConfig and openChannelConfig', () => {
  it('encrypts the WhatsApp token, app secret and verify token, and nothing else', () => {
    const channel = { id: randomUUID(), kind: 'whatsapp' as const }
    const sealed = sealChannelConfig(box, channel, WHATSAPP)
    expect(Object.keys(sealed).sort()).toEqual(Object.keys(WHATSAPP).sort())
    for (const field of ['accessToken', 'appSecret', 'verifyToken'])
      expect(isSealed(sealed[field])).toBe(true)
    expect(sealed).toMatchObject({
      phoneNumberId: WHATSAPP.phoneNumberId,
      graphBase: WHATSAPP.graphBase,
      previewUrl: false,
    })
    expect(JSON.stringify(sealed)).not.toMatch(/EAAG-access-token|meta-app-secret|verify-token"/)
    expect(openChannelConfig(box, { ...channel, config: sealed })).toEqual(WHATSAPP)
    // Sealing a sealed config changes nothing: writers may pass a stored config back.
    expect(sealChannelConfig(box, channel, sealed)).toEqual(sealed)
  })

  it("encrypts an email channel's SMTP password (nested) and webhook secret; the user and host stay readable", () => {
    const channel = { id: randomUUID(), kind: 'email' as const }
    const sealed = sealChannelConfig(box, channel, EMAIL)
    expect(sealed).toMatchObject({ from: EMAIL.from, host: EMAIL.host, port: 587, auth: { user: 'mailer' } })
    expect(isSealed((sealed.auth as { pass: string }).pass)).toBe(true)
    expect(isSealed(sealed.webhookSecret)).toBe(true)
    expect(openChannelConfig(box, { ...channel, config: sealed })).toEqual(EMAIL)

    const withUrl = { from: EMAIL.from, smtpUrl: 'smtps://mailer:smtp-password@smtp.acme.example:465' }
    const sealedUrl = sealChannelConfig(box, channel, withUrl)
    expect(JSON.stringify(sealedUrl)).not.toContain('smtp-password')
    expect(openChannelConfig(box, { ...channel, config: sealedUrl })).toEqual(withUrl)
  })

  it('leaves the input untouched and a widget config as it is', () => {
    const input = structuredClone(WHATSAPP)
    sealChannelConfig(box, { id: randomUUID(), kind: 'whatsapp' }, input)
    expect(input).toEqual(WHATSAPP)
    const widget = { greeting: 'Hi' }
    expect(sealChannelConfig(box, { id: randomUUID(), kind: 'widget' }, widget)).toEqual(widget)
    expect(openChannelConfig(box, { id: randomUUID(), kind: 'widget', config: widget })).toEqual(widget)
  })

  it('refuses a secret copied from another channel', () => {
    const from = sealChannelConfig(box, { id: randomUUID(), kind: 'whatsapp' }, WHATSAPP)
    const to = { id: randomUUID(), kind: 'whatsapp' as const }
    const error = failure(() => openChannelConfig(box, { ...to, config: { ...WHATSAPP, ...from } }))
    expect(error).toMatchObject({ code: 'secret_unreadable', details: { reason: 'not_authentic' } })
    expect(error.message).toContain(`channels/${to.id}/accessToken`)
  })

  it('refuses a secret field stored unencrypted', () => {
    const channel = { id: randomUUID(), kind: 'mentions' as const }
    const error = failure(() =>
      openChannelConfig(box, { ...channel, config: { webhookSecret: 'x'.repeat(20) } }),
    )
    expect(error).toMatchObject({ code: 'secret_unreadable', details: { reason: 'plaintext' } })
    expect(error.message).toContain(`channels/${channel.id}/webhookSecret is stored unencrypted`)
  })
})
