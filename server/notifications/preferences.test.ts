// Notification preferences: what the schema accepts and refuses (with messages a person can act on),
// and which channels one notification kind goes to.
import { describe, expect, it } from 'vitest'
import { parseInput } from '../../common/validation.ts'
import { NOTIFICATION_KINDS } from './deliver.ts'
import {
  channelsFor,
  DEFAULT_CHANNELS,
  type NotificationPreferences,
  NotificationPreferencesSchema,
} from './preferences.ts'

const prefs = (input: unknown): NotificationPreferences =>
  parseInput(NotificationPreferencesSchema, input, 'notification preferences')

function problems(input: unknown): Record<string, string> {
  const result = NotificationPreferencesSchema.safeParse(input)
  expect(result.success).toBe(false)
  return Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.') || '(root)', i.message]))
}

describe('NotificationPreferencesSchema', () => {
  it('fills defaults for an empty object', () => {
    expect(prefs({})).toEqual({ kinds: {}, whatsapp: null, webhook: null, email: null })
  })

  it('accepts a full set of preferences', () => {
    const input = {
      kinds: { escalation: ['dashboard', 'whatsapp', 'webhook'], new_conversation: [] },
      whatsapp: '14155550123',
      webhook: { url: 'https://hooks.acme.example/atlas', secret: 'whsec_0123456789abcdef' },
      email: 'oncall@acme.example',
    }
    expect(prefs(input)).toEqual(input)
  })

  it('says what is wrong with each field', () => {
    expect(
      problems({
        kinds: {
          escalation: ['sms'],
          lunch_break: ['email'],
          sla_breach: ['email', 'email', 'email', 'email', 'email'],
        },
        whatsapp: '+0 415 555 0123',
        webhook: { url: 'ftp://hooks.acme.example', secret: 'short' },
        email: 'oncall',
        pager: true,
      }),
    ).toEqual({
      'kinds.escalation.0': 'Invalid option: expected one of "dashboard"|"email"|"whatsapp"|"webhook"',
      kinds: 'Unrecognized key: "lunch_break"',
      'kinds.sla_breach': 'Too big: expected array to have <=4 items',
      whatsapp: 'must be a phone number with its country code (e.g. +14155550123)',
      'webhook.url': 'must be an http(s) URL',
      'webhook.secret': 'must be at least 16 characters',
      email: 'must be an email address',
      '(root)': 'Unrecognized key: "pager"',
    })
  })

  it.each(['0123456789', '12345', '1234567890123456', '1415555O123'])('refuses the number %s', (number) => {
    expect(Object.keys(problems({ whatsapp: number }))).toEqual(['whatsapp'])
  })

  it('refuses unknown webhook fields and a webhook without a secret', () => {
    expect(
      problems({
        webhook: { url: 'https://hooks.acme.example', secret: 'whsec_0123456789abcdef', method: 'PUT' },
      }),
    ).toEqual({ webhook: 'Unrecognized key: "method"' })
    expect(Object.keys(problems({ webhook: { url: 'https://hooks.acme.example' } }))).toEqual([
      'webhook.secret',
    ])
  })

  it('throws a validation AtlasError naming the paths through parseInput', () => {
    expect(() => prefs({ whatsapp: 'abc' })).toThrow(
      /Invalid notification preferences: whatsapp: must be a phone/,
    )
  })
})

describe('channelsFor', () => {
  it('uses the defaults without preferences', () => {
    expect(channelsFor(null, 'escalation')).toEqual(['dashboard', 'email'])
    expect(channelsFor(null, 'sla_warning')).toEqual(['dashboard'])
    expect(channelsFor(prefs({}), 'churn_risk')).toEqual(['dashboard', 'email'])
  })

  it('has a default for every kind, always on the dashboard', () => {
    for (const kind of NOTIFICATION_KINDS) expect(DEFAULT_CHANNELS[kind]).toContain('dashboard')
    expect(NOTIFICATION_KINDS.filter((kind) => DEFAULT_CHANNELS[kind].includes('email')).sort()).toEqual(
      ['churn_risk', 'customer_waiting', 'escalation', 'low_csat', 'sla_breach'].sort(),
    )
  })

  it('follows the chosen channels, in order and each once; other kinds keep the default', () => {
    const p = prefs({
      kinds: { escalation: ['whatsapp', 'email', 'whatsapp', 'dashboard'] },
      whatsapp: '14155550123',
    })
    expect(channelsFor(p, 'escalation')).toEqual(['whatsapp', 'email', 'dashboard'])
    expect(channelsFor(p, 'low_csat')).toEqual(['dashboard', 'email'])
  })

  it('an empty list turns a kind off', () => {
    expect(channelsFor(prefs({ kinds: { new_conversation: [] } }), 'new_conversation')).toEqual([])
  })

  it('drops WhatsApp without a number and a webhook without a URL; email needs no address', () => {
    const p = prefs({ kinds: { sla_breach: ['whatsapp', 'webhook', 'email'] } })
    expect(channelsFor(p, 'sla_breach')).toEqual(['email'])
    const withAddresses = prefs({
      kinds: { sla_breach: ['whatsapp', 'webhook', 'email'] },
      whatsapp: '14155550123',
      webhook: { url: 'https://hooks.acme.example/atlas', secret: 'whsec_0123456789abcdef' },
    })
    expect(channelsFor(withAddresses, 'sla_breach')).toEqual(['whatsapp', 'webhook', 'email'])
  })

  it('returns a copy: changing it leaves the defaults alone', () => {
    channelsFor(null, 'escalation').push('webhook')
    expect(DEFAULT_CHANNELS.escalation).toEqual(['dashboard', 'email'])
  })
})
