import { describe, expect, it } from 'vitest'
import { parseInput } from '../common/validation.ts'
import { adapterFor, configSchemaFor, IDENTITY_FOR_CHANNEL } from './index.ts'
import type { ChannelKind } from './types.ts'

const KINDS = Object.keys(IDENTITY_FOR_CHANNEL) as ChannelKind[]

describe('adapter registry', () => {
  it('has an adapter of the right kind for every channel kind', () => {
    for (const kind of KINDS) expect(adapterFor(kind)?.kind).toBe(kind)
  })

  it('has a config schema for every channel with credentials, which names what is missing', () => {
    for (const kind of KINDS.filter((k) => k !== 'widget')) {
      const schema = configSchemaFor(kind)!
      expect(() => parseInput(schema, {}, `${kind} channel config`, 'config_invalid')).toThrow(/config/)
    }
    expect(configSchemaFor('widget')).toBeUndefined()
  })

  it('accepts complete configs and fills the defaults', () => {
    expect(
      configSchemaFor('whatsapp')!.parse({
        phoneNumberId: '106540352242922',
        accessToken: 't',
        appSecret: 's',
        verifyToken: 'v',
      }),
    ).toMatchObject({ graphBase: 'https://graph.facebook.com', apiVersion: 'v21.0' })
    expect(
      configSchemaFor('messenger')!.parse({ pageAccessToken: 't', appSecret: 's', verifyToken: 'v' }),
    ).toMatchObject({
      humanAgentTag: false,
    })
    expect(
      configSchemaFor('email')!.parse({
        from: 'Acme <support@acme.example>',
        smtpUrl: 'smtps://u:p@smtp.acme.example',
        webhookSecret: 'x'.repeat(16),
      }),
    ).toMatchObject({ defaultSubject: 'Your support request' })
    expect(configSchemaFor('mentions')!.safeParse({ webhookSecret: 'short' }).success).toBe(false)
  })
})
