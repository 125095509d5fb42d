// SLA policy settings and clock maths: defaults and error messages, falling back from a bad stored
// value, which policy a ticket gets, and when a (paused and resumed) clock warns and falls due.
import { describe, expect, it } from 'vitest'
import { type BusinessHours, BusinessHoursSchema } from './business-hours.ts'
import {
  clockDue,
  DEFAULT_SLA_SETTINGS,
  FollowUpSettingsSchema,
  parseSlaSettings,
  type SlaPolicy,
  SlaPolicySchema,
  SlaSettingsSchema,
  selectPolicy,
  type TicketFacts,
  targetSeconds,
  usedSecondsAt,
} from './sla-policy.ts'

const MINUTE = 60
const HOUR = 3600

const policy = (raw: object): SlaPolicy =>
  SlaPolicySchema.parse({ name: 'A policy', targets: { resolutionMinutes: 60 }, ...raw })

const ticket = (facts: Partial<TicketFacts>): TicketFacts => ({
  priority: 'normal',
  urgency: null,
  queue: null,
  channel: null,
  ...facts,
})

const messagesOf = (result: { error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message) ?? []

const office: BusinessHours = BusinessHoursSchema.parse({
  timezone: 'Europe/Berlin',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]])),
})

describe('SlaPolicySchema', () => {
  it('fills in the defaults', () => {
    expect(
      SlaPolicySchema.parse({ id: 'vip', name: ' VIP ', targets: { firstResponseMinutes: 30 } }),
    ).toEqual({
      id: 'vip',
      name: 'VIP',
      match: {},
      targets: { firstResponseMinutes: 30 },
      warnAt: 0.75,
      businessHours: null,
      onBreach: { raisePriority: true, reassignTo: null, notify: true },
    })
  })

  it('explains a bad id', () => {
    expect(
      messagesOf(
        SlaPolicySchema.safeParse({ id: 'VIP team', name: 'VIP', targets: { resolutionMinutes: 1 } }),
      ),
    ).toEqual(['must be a slug: up to 63 lowercase letters, digits, _ or -, starting with a letter or digit'])
    expect(
      SlaPolicySchema.safeParse({ id: '-vip', name: 'VIP', targets: { resolutionMinutes: 1 } }).success,
    ).toBe(false)
    expect(
      SlaPolicySchema.safeParse({ id: 'a'.repeat(64), name: 'VIP', targets: { resolutionMinutes: 1 } })
        .success,
    ).toBe(false)
  })

  it('wants at least one target, each a positive whole number of minutes', () => {
    const result = SlaPolicySchema.safeParse({ id: 'vip', name: 'VIP', targets: {} })
    expect(result.error?.issues).toMatchObject([
      {
        message: 'must set at least one target: first response, next response or resolution',
        path: ['targets'],
      },
    ])
    expect(
      messagesOf(SlaPolicySchema.safeParse({ id: 'vip', name: 'VIP', targets: { resolutionMinutes: 0 } })),
    ).toEqual(['must be at least 1 minute'])
    expect(
      messagesOf(SlaPolicySchema.safeParse({ id: 'vip', name: 'VIP', targets: { resolutionMinutes: 1.5 } })),
    ).toEqual(['must be a whole number of minutes'])
  })

  it('refuses a warning share outside (0, 1), a bad reassignment address and unknown fields', () => {
    const base = { id: 'vip', name: 'VIP', targets: { resolutionMinutes: 60 } }
    expect(messagesOf(SlaPolicySchema.safeParse({ ...base, warnAt: 1 }))).toEqual(['must be less than 1'])
    expect(messagesOf(SlaPolicySchema.safeParse({ ...base, warnAt: 0 }))).toEqual(['must be more than 0'])
    expect(messagesOf(SlaPolicySchema.safeParse({ ...base, onBreach: { reassignTo: 'team lead' } }))).toEqual(
      ['must be an email address'],
    )
    expect(SlaPolicySchema.safeParse({ ...base, match: { priorities: ['p1'] } }).success).toBe(false)
    expect(SlaPolicySchema.safeParse({ ...base, match: { channels: ['fax'] } }).success).toBe(false)
    expect(SlaPolicySchema.safeParse({ ...base, match: { tags: ['x'] } }).success).toBe(false)
  })

  it('checks its business hours', () => {
    const result = SlaPolicySchema.safeParse({
      id: 'vip',
      name: 'VIP',
      targets: { resolutionMinutes: 60 },
      businessHours: { timezone: 'Mars/Olympus', weekly: { mon: [['09:00', '17:00']] } },
    })
    expect(result.error?.issues).toMatchObject([
      { message: 'must be an IANA time zone such as Europe/Berlin', path: ['businessHours', 'timezone'] },
    ])
  })
})

describe('SlaSettingsSchema', () => {
  it('fills in the follow-up defaults', () => {
    expect(SlaSettingsSchema.parse({ policies: [] })).toEqual({
      policies: [],
      followUps: {
        customerAfterHours: 24,
        autoResolveAfterHours: 48,
        ownerAfterHours: 4,
        reminderText:
          "Just checking in — did that answer your question? Reply here if you still need help; otherwise we'll close this conversation in a couple of days.",
        reminderTemplate: null,
      },
    })
    expect(
      FollowUpSettingsSchema.parse({
        customerAfterHours: null,
        reminderTemplate: { name: 'nudge', language: 'en' },
      }),
    ).toMatchObject({
      customerAfterHours: null,
      autoResolveAfterHours: 48,
      reminderTemplate: { name: 'nudge', language: 'en' },
    })
  })

  it('refuses follow-up hours that are not positive or longer than 60 days', () => {
    expect(messagesOf(FollowUpSettingsSchema.safeParse({ ownerAfterHours: 0 }))).toEqual([
      'must be more than 0 hours',
    ])
    expect(messagesOf(FollowUpSettingsSchema.safeParse({ customerAfterHours: 24 * 60 + 1 }))).toEqual([
      'must be at most 60 days',
    ])
  })

  it('names a policy id used twice', () => {
    const twice = { id: 'vip', name: 'VIP', targets: { resolutionMinutes: 60 } }
    const result = SlaSettingsSchema.safeParse({ policies: [twice, { ...twice, id: 'other' }, twice] })
    expect(result.error?.issues).toMatchObject([
      { message: 'policy id "vip" is used more than once', path: ['policies', 2, 'id'] },
    ])
  })
})

describe('DEFAULT_SLA_SETTINGS', () => {
  it('has a policy per priority, around the clock', () => {
    const targets = (priority: string) => {
      const chosen = selectPolicy(DEFAULT_SLA_SETTINGS.policies, ticket({ priority }))!
      expect(chosen.businessHours).toBeNull()
      return [
        targetSeconds(chosen, 'firstResponse'),
        targetSeconds(chosen, 'nextResponse'),
        targetSeconds(chosen, 'resolution'),
      ]
    }
    expect(targets('urgent')).toEqual([15 * MINUTE, 30 * MINUTE, 4 * HOUR])
    expect(targets('high')).toEqual([HOUR, 2 * HOUR, 8 * HOUR])
    expect(targets('normal')).toEqual([4 * HOUR, 8 * HOUR, 24 * HOUR])
    expect(targets('low')).toEqual([8 * HOUR, 24 * HOUR, 72 * HOUR])
    expect(SlaSettingsSchema.parse(DEFAULT_SLA_SETTINGS)).toEqual(DEFAULT_SLA_SETTINGS)
  })
})

describe('parseSlaSettings', () => {
  it('gives the defaults when nothing is stored', () => {
    expect(parseSlaSettings(undefined)).toEqual({ settings: DEFAULT_SLA_SETTINGS, issues: null })
    expect(parseSlaSettings(null)).toEqual({ settings: DEFAULT_SLA_SETTINGS, issues: null })
    expect(parseSlaSettings({})).toEqual({ settings: DEFAULT_SLA_SETTINGS, issues: null })
  })

  it('keeps an empty list of policies: no SLA clocks', () => {
    expect(parseSlaSettings({ policies: [] })).toMatchObject({ settings: { policies: [] }, issues: null })
  })

  it('reads good settings', () => {
    const stored = { policies: [{ id: 'all', name: 'Everything', targets: { firstResponseMinutes: 10 } }] }
    const { settings, issues } = parseSlaSettings(stored)
    expect(issues).toBeNull()
    expect(settings.policies.map((p) => p.id)).toEqual(['all'])
    expect(settings.followUps.customerAfterHours).toBe(24)
  })

  it('falls back to the defaults with the issues when the stored value is bad', () => {
    const { settings, issues } = parseSlaSettings({ policies: [{ id: 'Bad Id', name: 'x', targets: {} }] })
    expect(settings).toEqual(DEFAULT_SLA_SETTINGS)
    expect(issues?.map((issue) => issue.path)).toEqual([
      ['policies', 0, 'id'],
      ['policies', 0, 'targets'],
    ])
    for (const raw of [42, 'settings', [], { policies: 'none' }, { policies: [], extra: true }]) {
      expect(parseSlaSettings(raw).settings).toEqual(DEFAULT_SLA_SETTINGS)
      expect(parseSlaSettings(raw).issues?.length).toBeGreaterThan(0)
    }
  })

  it('hands out a copy of the defaults, so a caller cannot change them for everyone', () => {
    const { settings } = parseSlaSettings(undefined)
    settings.policies.pop()
    settings.followUps.customerAfterHours = null
    expect(DEFAULT_SLA_SETTINGS.policies).toHaveLength(4)
    expect(DEFAULT_SLA_SETTINGS.followUps.customerAfterHours).toBe(24)
  })
})

describe('selectPolicy', () => {
  const policies = [
    policy({ id: 'urgent-whatsapp', match: { priorities: ['urgent'], channels: ['whatsapp'] } }),
    policy({ id: 'critical', match: { urgencies: ['critical'] } }),
    policy({ id: 'billing', match: { priorities: ['high', 'urgent'], queues: ['billing'] } }),
    policy({ id: 'everything', match: { priorities: [], queues: [] } }),
  ]
  const chosen = (facts: Partial<TicketFacts>) => selectPolicy(policies, ticket(facts))?.id

  it('takes the first policy whose every listed field matches', () => {
    expect(chosen({ priority: 'urgent', channel: 'whatsapp', urgency: 'critical' })).toBe('urgent-whatsapp')
    expect(chosen({ priority: 'urgent', channel: 'email', urgency: 'critical' })).toBe('critical')
    expect(chosen({ priority: 'urgent', channel: 'email', queue: 'billing' })).toBe('billing')
    expect(chosen({ priority: 'normal', queue: 'billing' })).toBe('everything')
    expect(chosen({ priority: 'low' })).toBe('everything')
  })

  it('matches urgencies and queues regardless of case', () => {
    expect(chosen({ urgency: 'Critical' })).toBe('critical')
    expect(chosen({ priority: 'high', queue: 'Billing' })).toBe('billing')
  })

  it('does not match an urgency filter when the ticket has no urgency', () => {
    expect(chosen({ priority: 'normal', urgency: null })).toBe('everything')
    expect(selectPolicy([policies[1]!], ticket({ urgency: null }))).toBeNull()
    expect(selectPolicy([policies[2]!], ticket({ priority: 'high', queue: null }))).toBeNull()
  })

  it('gives null when nothing matches', () => {
    expect(selectPolicy(policies.slice(0, 3), ticket({ priority: 'low' }))).toBeNull()
    expect(selectPolicy([], ticket({}))).toBeNull()
  })
})

describe('targetSeconds', () => {
  it('is the target in seconds, or null when the policy has none', () => {
    const responseOnly = policy({ id: 'p', targets: { firstResponseMinutes: 5, nextResponseMinutes: 90 } })
    expect(targetSeconds(responseOnly, 'firstResponse')).toBe(5 * MINUTE)
    expect(targetSeconds(responseOnly, 'nextResponse')).toBe(90 * MINUTE)
    expect(targetSeconds(responseOnly, 'resolution')).toBeNull()
  })
})

describe('clockDue', () => {
  const since = new Date('2025-03-10T10:00:00Z')
  const later = (seconds: number) => new Date(since.getTime() + seconds * 1000)

  it('warns at the warning share and falls due at the target around the clock', () => {
    expect(
      clockDue({ targetSeconds: HOUR, warnShare: 0.75, usedSeconds: 0, runningSince: since }, null),
    ).toEqual({
      warnAt: later(45 * MINUTE),
      dueAt: later(HOUR),
    })
  })

  it('takes off what the clock used before a pause', () => {
    expect(
      clockDue({ targetSeconds: HOUR, warnShare: 0.75, usedSeconds: 20 * MINUTE, runningSince: since }, null),
    ).toEqual({ warnAt: later(25 * MINUTE), dueAt: later(40 * MINUTE) })
  })

  it('has no warning once the clock has used its warning share', () => {
    expect(
      clockDue({ targetSeconds: HOUR, warnShare: 0.75, usedSeconds: 45 * MINUTE, runningSince: since }, null),
    ).toEqual({ warnAt: null, dueAt: later(15 * MINUTE) })
    expect(
      clockDue(
        { targetSeconds: HOUR, warnShare: 0.5, usedSeconds: 50 * MINUTE, runningSince: since },
        office,
      ),
    ).toEqual({ warnAt: null, dueAt: later(10 * MINUTE) })
  })

  it('is already due once the clock has used its whole target', () => {
    for (const usedSeconds of [HOUR, 2 * HOUR]) {
      expect(
        clockDue({ targetSeconds: HOUR, warnShare: 0.75, usedSeconds, runningSince: since }, office),
      ).toEqual({
        warnAt: null,
        dueAt: since,
      })
    }
  })

  it('counts only business hours', () => {
    // A 4-hour resolution target started on Friday 2025-03-07 at 15:00 in Berlin, open 09–17 weekdays.
    const fourHours = policy({ id: 'p', targets: { resolutionMinutes: 240 }, businessHours: office })
    const timing = {
      targetSeconds: targetSeconds(fourHours, 'resolution')!,
      warnShare: fourHours.warnAt,
      usedSeconds: 0,
      runningSince: new Date('2025-03-07T15:00:00+01:00'),
    }
    expect(clockDue(timing, fourHours.businessHours)).toEqual({
      warnAt: new Date('2025-03-10T10:00:00+01:00'),
      dueAt: new Date('2025-03-10T11:00:00+01:00'),
    })
  })

  it('moves the due time by exactly the paused business time', () => {
    const target = { targetSeconds: 8 * HOUR, warnShare: 0.75 }
    const started = new Date('2025-03-10T09:00:00+01:00')
    const pausedAt = new Date('2025-03-10T12:00:00+01:00')
    const resumedAt = new Date('2025-03-11T10:30:00+01:00')
    const usedSeconds = usedSecondsAt({ usedSeconds: 0, runningSince: started }, pausedAt, office)
    expect(usedSeconds).toBe(3 * HOUR)
    // Tuesday 10:30 with 5 hours to go: 15:30; the warning at 6 hours used, 1 hour before that.
    expect(clockDue({ ...target, usedSeconds, runningSince: resumedAt }, office)).toEqual({
      warnAt: new Date('2025-03-11T13:30:00+01:00'),
      dueAt: new Date('2025-03-11T15:30:00+01:00'),
    })
  })
})

describe('usedSecondsAt', () => {
  it('adds the business time since the clock started running', () => {
    const timing = { usedSeconds: 600, runningSince: new Date('2025-03-07T15:00:00+01:00') }
    expect(usedSecondsAt(timing, new Date('2025-03-10T10:00:00+01:00'), office)).toBe(600 + 3 * HOUR)
    expect(usedSecondsAt(timing, new Date('2025-03-08T10:00:00+01:00'), office)).toBe(600 + 2 * HOUR)
  })

  it('counts whole seconds, around the clock without business hours', () => {
    const timing = { usedSeconds: 5, runningSince: new Date('2025-03-08T10:00:00Z') }
    expect(usedSecondsAt(timing, new Date('2025-03-08T10:01:30.900Z'), null)).toBe(95)
    expect(usedSecondsAt(timing, new Date('2025-03-08T09:00:00Z'), null)).toBe(5)
  })
})

describe('the README example', () => {
  it('is a valid SLA section, as an admin would PUT it', async () => {
    const { readFileSync } = await import('node:fs')
    const readme = readFileSync('README.md', 'utf8')
    const block = /## Customer success[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!
    const parsed = SlaSettingsSchema.safeParse(JSON.parse(block))
    expect(parsed.error?.issues ?? []).toEqual([])
    expect(parsed.data!.policies[0]!.businessHours!.holidays).toEqual(['2026-12-25'])
  })
})
