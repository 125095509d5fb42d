// Business-hours maths: opening and closing, holidays, daylight-saving nights, and that counting
// business time back between two instants undoes adding it.
import { describe, expect, it } from 'vitest'
import {
  addBusinessSeconds,
  type BusinessHours,
  BusinessHoursSchema,
  businessSecondsBetween,
  isBusinessTime,
  WEEKDAYS,
} from './business-hours.ts'

const HOUR = 3600

function calendar(raw: unknown): BusinessHours {
  return BusinessHoursSchema.parse(raw)
}

function weekdays(timezone: string, intervals: [string, string][], holidays: string[] = []): BusinessHours {
  const weekly = { mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals }
  return calendar({ timezone, weekly, holidays })
}

function allDay(timezone: string): BusinessHours {
  return calendar({
    timezone,
    weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, [['00:00', '24:00']]])),
  })
}

const berlinOffice = weekdays('Europe/Berlin', [['09:00', '17:00']])
const at = (iso: string) => new Date(iso)

describe('addBusinessSeconds', () => {
  it('carries what does not fit on Friday over the weekend', () => {
    // 2025-03-07 is a Friday.
    const due = addBusinessSeconds(at('2025-03-07T16:00:00+01:00'), 2 * HOUR, berlinOffice)
    expect(due).toEqual(at('2025-03-10T10:00:00+01:00'))
  })

  it('counts from the next opening when it starts outside business hours', () => {
    expect(addBusinessSeconds(at('2025-03-08T12:00:00+01:00'), HOUR, berlinOffice)).toEqual(
      at('2025-03-10T10:00:00+01:00'),
    )
    expect(addBusinessSeconds(at('2025-03-10T07:30:00+01:00'), 30 * 60, berlinOffice)).toEqual(
      at('2025-03-10T09:30:00+01:00'),
    )
    expect(addBusinessSeconds(at('2025-03-10T18:00:00+01:00'), HOUR, berlinOffice)).toEqual(
      at('2025-03-11T10:00:00+01:00'),
    )
  })

  it('ends at the closing time when the time runs out exactly then', () => {
    expect(addBusinessSeconds(at('2025-03-07T16:00:00+01:00'), HOUR, berlinOffice)).toEqual(
      at('2025-03-07T17:00:00+01:00'),
    )
  })

  it('skips holidays', () => {
    const office = weekdays('Europe/Berlin', [['09:00', '17:00']], ['2025-03-10'])
    expect(addBusinessSeconds(at('2025-03-07T16:00:00+01:00'), 2 * HOUR, office)).toEqual(
      at('2025-03-11T10:00:00+01:00'),
    )
    expect(isBusinessTime(at('2025-03-10T12:00:00+01:00'), office)).toBe(false)
  })

  it('leaves out a lunch break', () => {
    const office = weekdays('Europe/Berlin', [
      ['09:00', '12:00'],
      ['13:00', '17:00'],
    ])
    expect(addBusinessSeconds(at('2025-03-10T11:00:00+01:00'), 2 * HOUR, office)).toEqual(
      at('2025-03-10T14:00:00+01:00'),
    )
    expect(addBusinessSeconds(at('2025-03-10T12:15:00+01:00'), 30 * 60, office)).toEqual(
      at('2025-03-10T13:30:00+01:00'),
    )
    // Monday 11–12 and 13–17, Tuesday 9–12, then an hour after lunch.
    expect(addBusinessSeconds(at('2025-03-10T11:00:00+01:00'), 9 * HOUR, office)).toEqual(
      at('2025-03-11T14:00:00+01:00'),
    )
  })

  it('returns the start itself for zero seconds, even outside business hours', () => {
    const saturday = at('2025-03-08T12:00:00+01:00')
    expect(addBusinessSeconds(saturday, 0, berlinOffice)).toEqual(saturday)
    expect(addBusinessSeconds(saturday, 0, null)).toEqual(saturday)
  })

  it('keeps the local opening time when the clocks change over the weekend', () => {
    // Berlin springs forward on Sunday 2025-03-30 and falls back on Sunday 2025-10-26.
    expect(addBusinessSeconds(at('2025-03-28T16:00:00+01:00'), 2 * HOUR, berlinOffice)).toEqual(
      at('2025-03-31T10:00:00+02:00'),
    )
    expect(addBusinessSeconds(at('2025-10-24T16:00:00+02:00'), 2 * HOUR, berlinOffice)).toEqual(
      at('2025-10-27T10:00:00+01:00'),
    )
    // New York springs forward on Sunday 2025-03-09.
    const newYork = weekdays('America/New_York', [['09:00', '17:00']])
    expect(addBusinessSeconds(at('2025-03-07T16:00:00-05:00'), 2 * HOUR, newYork)).toEqual(
      at('2025-03-10T10:00:00-04:00'),
    )
  })

  it('adds a whole day of a 24-hour calendar as 23 or 25 hours across a clock change', () => {
    expect(addBusinessSeconds(at('2025-03-30T00:00:00+01:00'), 24 * HOUR, allDay('Europe/Berlin'))).toEqual(
      at('2025-03-31T01:00:00+02:00'),
    )
    expect(addBusinessSeconds(at('2025-10-26T00:00:00+02:00'), 24 * HOUR, allDay('Europe/Berlin'))).toEqual(
      at('2025-10-26T23:00:00+01:00'),
    )
  })

  it('is plain calendar time without business hours', () => {
    expect(addBusinessSeconds(at('2025-03-08T12:00:00Z'), 90, null)).toEqual(at('2025-03-08T12:01:30Z'))
  })

  it('refuses negative or non-finite seconds and invalid dates', () => {
    expect(() => addBusinessSeconds(at('2025-03-08T12:00:00Z'), -1, null)).toThrow(RangeError)
    expect(() => addBusinessSeconds(at('2025-03-08T12:00:00Z'), Number.NaN, berlinOffice)).toThrow(RangeError)
    expect(() => addBusinessSeconds(new Date(Number.NaN), 1, berlinOffice)).toThrow(
      /start must be a valid date/,
    )
  })

  it('throws instead of looping when the calendar never opens', () => {
    const neverOpen: BusinessHours = { timezone: 'Europe/Berlin', weekly: {}, holidays: [] }
    expect(() => addBusinessSeconds(at('2025-03-07T16:00:00Z'), 60, neverOpen)).toThrow(/never open/)
    const everyMondayAHoliday: BusinessHours = {
      timezone: 'Europe/Berlin',
      weekly: { mon: [['09:00', '17:00']] },
      holidays: Array.from({ length: 60 }, (_, week) =>
        new Date(Date.UTC(2025, 2, 10 + 7 * week)).toISOString().slice(0, 10),
      ),
    }
    expect(() => addBusinessSeconds(at('2025-03-07T16:00:00Z'), 60, everyMondayAHoliday)).toThrow(
      /closed for more than 366 days in a row/,
    )
    expect(businessSecondsBetween(at('2025-03-07T16:00:00Z'), at('2025-04-07T16:00:00Z'), neverOpen)).toBe(0)
  })

  it('adds 30 days of business seconds quickly', () => {
    const start = at('2025-03-03T10:00:00Z')
    addBusinessSeconds(start, 30 * 24 * HOUR, berlinOffice)
    const began = performance.now()
    for (let i = 0; i < 20; i++) addBusinessSeconds(start, 30 * 24 * HOUR, berlinOffice)
    // Generous for slow CI machines; measured at a fraction of a millisecond a call.
    expect((performance.now() - began) / 20).toBeLessThan(5)
  })
})

describe('businessSecondsBetween', () => {
  it('counts only open time', () => {
    expect(
      businessSecondsBetween(at('2025-03-07T16:00:00+01:00'), at('2025-03-10T10:00:00+01:00'), berlinOffice),
    ).toBe(2 * HOUR)
    expect(
      businessSecondsBetween(at('2025-03-08T12:00:00+01:00'), at('2025-03-10T09:00:00+01:00'), berlinOffice),
    ).toBe(0)
    // A whole working week.
    expect(
      businessSecondsBetween(at('2025-03-09T00:00:00+01:00'), at('2025-03-16T00:00:00+01:00'), berlinOffice),
    ).toBe(40 * HOUR)
  })

  it('is 0 when `to` is not after `from`', () => {
    const friday = at('2025-03-07T16:00:00+01:00')
    expect(businessSecondsBetween(friday, friday, berlinOffice)).toBe(0)
    expect(businessSecondsBetween(friday, at('2025-03-07T10:00:00+01:00'), berlinOffice)).toBe(0)
    expect(businessSecondsBetween(friday, at('2025-03-07T10:00:00+01:00'), null)).toBe(0)
  })

  it('is plain calendar time without business hours', () => {
    expect(businessSecondsBetween(at('2025-03-08T12:00:00Z'), at('2025-03-09T12:00:00.500Z'), null)).toBe(
      24 * HOUR + 0.5,
    )
  })

  it.each([
    ['Europe/Berlin', '2025-03-30T00:00:00+01:00', '2025-03-31T00:00:00+02:00', 23],
    ['Europe/Berlin', '2025-10-26T00:00:00+02:00', '2025-10-27T00:00:00+01:00', 25],
    ['America/New_York', '2025-03-09T00:00:00-05:00', '2025-03-10T00:00:00-04:00', 23],
    ['America/New_York', '2025-11-02T00:00:00-04:00', '2025-11-03T00:00:00-05:00', 25],
    ['Europe/Berlin', '2025-03-29T00:00:00+01:00', '2025-03-30T00:00:00+01:00', 24],
  ])('counts a 24-hour day in %s from %s to %s as %i hours', (zone, from, to, hours) => {
    expect(businessSecondsBetween(at(from), at(to), allDay(zone))).toBe(hours * HOUR)
  })

  it('opens hours skipped by a spring-forward when the clocks jump', () => {
    // Berlin jumps from 02:00 to 03:00 on 2025-03-30: 02:30–05:00 is 03:00–05:00 that night.
    const night = calendar({ timezone: 'Europe/Berlin', weekly: { sun: [['02:30', '05:00']] } })
    expect(businessSecondsBetween(at('2025-03-29T12:00:00Z'), at('2025-03-31T12:00:00Z'), night)).toBe(
      2 * HOUR,
    )
    expect(isBusinessTime(at('2025-03-30T03:00:00+02:00'), night)).toBe(true)
    expect(isBusinessTime(at('2025-03-30T01:59:59+01:00'), night)).toBe(false)
    const lost = calendar({ timezone: 'Europe/Berlin', weekly: { sun: [['02:00', '03:00']] } })
    expect(businessSecondsBetween(at('2025-03-29T12:00:00Z'), at('2025-03-31T12:00:00Z'), lost)).toBe(0)
    expect(businessSecondsBetween(at('2025-03-22T12:00:00Z'), at('2025-03-24T12:00:00Z'), lost)).toBe(HOUR)
  })

  it('opens at the first of two repeated times after a fall-back', () => {
    // Berlin goes from 03:00 back to 02:00 on 2025-10-26: 02:30–04:00 spans the repeated hour.
    const night = calendar({ timezone: 'Europe/Berlin', weekly: { sun: [['02:30', '04:00']] } })
    expect(businessSecondsBetween(at('2025-10-25T12:00:00Z'), at('2025-10-27T12:00:00Z'), night)).toBe(
      2.5 * HOUR,
    )
    expect(isBusinessTime(at('2025-10-26T02:30:00+02:00'), night)).toBe(true)
    expect(isBusinessTime(at('2025-10-26T02:29:59+02:00'), night)).toBe(false)
  })

  it('undoes addBusinessSeconds', () => {
    const calendars = [
      weekdays(
        'Europe/Berlin',
        [['09:00', '17:00']],
        ['2025-03-31', '2025-10-27', '2025-12-25', '2025-12-26'],
      ),
      weekdays('America/New_York', [
        ['08:30', '12:00'],
        ['13:00', '17:30'],
      ]),
      allDay('Europe/Berlin'),
      calendar({
        timezone: 'Australia/Lord_Howe',
        weekly: { sat: [['01:00', '03:00']], sun: [['00:00', '24:00']], wed: [['10:00', '10:01']] },
      }),
      calendar({
        timezone: 'Asia/Kolkata',
        weekly: { mon: [['22:00', '24:00']], tue: [['00:00', '02:00']] },
      }),
    ]
    const random = seededRandom(20250307)
    const yearStart = Date.UTC(2025, 0, 1)
    for (let i = 0; i < 300; i++) {
      const hours = calendars[i % calendars.length]!
      const start = new Date(yearStart + Math.floor(random() * 365 * 24 * HOUR) * 1000)
      const seconds = 1 + Math.floor(random() * 30 * 24 * HOUR)
      const due = addBusinessSeconds(start, seconds, hours)
      expect(businessSecondsBetween(start, due, hours)).toBe(seconds)
      // It ends on business time, or exactly at a closing time.
      expect(isBusinessTime(new Date(due.getTime() - 1), hours)).toBe(true)
    }
  })
})

describe('isBusinessTime', () => {
  it('includes the opening and excludes the closing', () => {
    expect(isBusinessTime(at('2025-03-10T09:00:00+01:00'), berlinOffice)).toBe(true)
    expect(isBusinessTime(at('2025-03-10T16:59:59+01:00'), berlinOffice)).toBe(true)
    expect(isBusinessTime(at('2025-03-10T17:00:00+01:00'), berlinOffice)).toBe(false)
    expect(isBusinessTime(at('2025-03-10T08:59:59+01:00'), berlinOffice)).toBe(false)
    expect(isBusinessTime(at('2025-03-08T12:00:00+01:00'), berlinOffice)).toBe(false)
  })

  it('reads the time in the calendar’s zone', () => {
    // 09:30 in New York is 15:30 in Berlin.
    const newYork = weekdays('America/New_York', [['09:00', '17:00']])
    expect(isBusinessTime(at('2025-03-10T09:30:00-04:00'), newYork)).toBe(true)
    expect(isBusinessTime(at('2025-03-10T08:30:00-04:00'), newYork)).toBe(false)
  })

  it('is always true without business hours', () => {
    expect(isBusinessTime(at('2025-03-08T03:00:00Z'), null)).toBe(true)
  })
})

describe('BusinessHoursSchema', () => {
  const messages = (raw: unknown) =>
    BusinessHoursSchema.safeParse(raw).error?.issues.map((i) => i.message) ?? []

  it('fills in no holidays and accepts 24:00 as a closing time', () => {
    expect(calendar({ timezone: 'Asia/Tokyo', weekly: { sat: [['18:00', '24:00']] } })).toEqual({
      timezone: 'Asia/Tokyo',
      weekly: { sat: [['18:00', '24:00']] },
      holidays: [],
    })
  })

  it('refuses a time zone Intl does not know', () => {
    expect(messages({ timezone: 'Europe/Atlantis', weekly: { mon: [['09:00', '17:00']] } })).toEqual([
      'must be an IANA time zone such as Europe/Berlin',
    ])
  })

  it('refuses times that are not HH:MM within a day', () => {
    expect(messages({ timezone: 'UTC', weekly: { mon: [['09:00', '25:00']] } })).toEqual([
      'must be a time of day as HH:MM, from 00:00 to 24:00',
    ])
    expect(messages({ timezone: 'UTC', weekly: { mon: [['9:00', '17:00']] } })).toEqual([
      'must be a time of day as HH:MM, from 00:00 to 24:00',
    ])
  })

  it('refuses an interval that closes before it opens', () => {
    const result = BusinessHoursSchema.safeParse({ timezone: 'UTC', weekly: { tue: [['17:00', '09:00']] } })
    expect(result.error?.issues).toMatchObject([
      { message: 'must close after it opens', path: ['weekly', 'tue', 0] },
    ])
    expect(messages({ timezone: 'UTC', weekly: { tue: [['09:00', '09:00']] } })).toEqual([
      'must close after it opens',
    ])
  })

  it('refuses overlapping intervals in a day but not touching ones', () => {
    expect(
      messages({
        timezone: 'UTC',
        weekly: {
          wed: [
            ['13:00', '17:00'],
            ['09:00', '13:30'],
          ],
        },
      }),
    ).toEqual(['opening hours in a day must not overlap'])
    expect(
      BusinessHoursSchema.safeParse({
        timezone: 'UTC',
        weekly: {
          wed: [
            ['09:00', '13:00'],
            ['13:00', '17:00'],
          ],
        },
      }).success,
    ).toBe(true)
  })

  it('refuses a week without opening hours, unknown days and malformed holidays', () => {
    expect(messages({ timezone: 'UTC', weekly: { mon: [] } })).toEqual([
      'must be open at some time of the week',
    ])
    expect(
      BusinessHoursSchema.safeParse({ timezone: 'UTC', weekly: { monday: [['09:00', '17:00']] } }).success,
    ).toBe(false)
    expect(
      messages({
        timezone: 'UTC',
        weekly: { mon: [['09:00', '17:00']] },
        holidays: ['2025-02-30', '25-12-2025'],
      }),
    ).toEqual(['must be a date as YYYY-MM-DD', 'must be a date as YYYY-MM-DD'])
  })
})

/** mulberry32: the same pseudo-random sequence on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
