// Business-hours calendar maths for SLA timers: a running SLA clock only counts time while the team's
// calendar is open, so due times come from walking its open intervals day by day, in the calendar's
// own time zone and right across daylight-saving changes.
import { z } from 'zod'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

const MINUTES_PER_DAY = 24 * 60
const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
/** More closed days in a row than a year holds can only be a calendar that never opens again. */
const MAX_CLOSED_DAYS = 366

const TIME_OF_DAY = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/

/** Minutes after local midnight; NaN when `time` is not HH:MM. */
function minutesOf(time: string): number {
  const match = TIME_OF_DAY.exec(time)
  if (match === null) return Number.NaN
  if (match[1] === undefined) return MINUTES_PER_DAY
  return Number(match[1]) * 60 + Number(match[2])
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const TimeOfDay = z.string().regex(TIME_OF_DAY, 'must be a time of day as HH:MM, from 00:00 to 24:00')

const OpenInterval = z.tuple([TimeOfDay, TimeOfDay]).refine(([opens, closes]) => {
  const [from, to] = [minutesOf(opens), minutesOf(closes)]
  // A malformed time already has its own issue; one message per mistake.
  return Number.isNaN(from) || Number.isNaN(to) || from < to
}, 'must close after it opens')

const OpenDay = z
  .array(OpenInterval)
  .refine(
    (intervals) => !overlaps(intervals.map(([opens, closes]) => [minutesOf(opens), minutesOf(closes)])),
    'opening hours in a day must not overlap',
  )

function overlaps(intervals: (readonly [number, number])[]): boolean {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  return sorted.some((interval, i) => i > 0 && interval[0] < sorted[i - 1]![1])
}

export const BusinessHoursSchema = z.strictObject({
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  /** Opening hours per weekday, e.g. `{ mon: [['09:00', '17:00']] }`; a day not listed is closed. */
  weekly: z
    .partialRecord(z.enum(WEEKDAYS), OpenDay)
    // A calendar that never opens would leave every SLA clock on it without a due time.
    .refine(
      (week) => Object.values(week).some((day) => day !== undefined && day.length > 0),
      'must be open at some time of the week',
    ),
  /** Whole days closed, as dates in the calendar's time zone. */
  holidays: z.array(z.iso.date('must be a date as YYYY-MM-DD')).default([]),
})
export type BusinessHours = z.output<typeof BusinessHoursSchema>

/**
 * The instant `seconds` of business time after `start` (to the millisecond). A start outside business
 * hours counts from the next opening. Zero seconds is `start` itself, even when closed: a clock with
 * nothing left to run is due now, not at the next opening. Ending exactly at a closing time gives that
 * closing time. `null` hours are 24/7: plain calendar time.
 */
export function addBusinessSeconds(start: Date, seconds: number, hours: BusinessHours | null): Date {
  const from = instantOf(start, 'start')
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`seconds must be a finite number of at least 0, not ${seconds}`)
  }
  let remaining = Math.round(seconds * 1000)
  if (remaining === 0) return new Date(from)
  if (hours === null) return new Date(from + remaining)
  const calendar = compile(hours)
  if (!calendar.week.some((day) => day.length > 0)) {
    throw new Error('business hours are never open: the weekly schedule has no opening hours')
  }
  let closedDays = 0
  for (let day = localDayOf(calendar.zone, from); ; day++) {
    const intervals = openIntervalsOn(calendar, day)
    if (intervals.length === 0) {
      closedDays++
      if (closedDays > MAX_CLOSED_DAYS) {
        throw new Error(
          `business hours in ${calendar.zone} are closed for more than ${MAX_CLOSED_DAYS} days in a row ` +
            `until ${isoDateOf(day)}: check the holidays`,
        )
      }
      continue
    }
    closedDays = 0
    for (const [opens, closes] of intervals) {
      const counted = Math.max(opens, from)
      if (counted >= closes) continue
      if (remaining <= closes - counted) return new Date(counted + remaining)
      remaining -= closes - counted
    }
  }
}

/** Business seconds from `from` to `to` (milliseconds kept as fractions); 0 when `to` is not after `from`. */
export function businessSecondsBetween(from: Date, to: Date, hours: BusinessHours | null): number {
  const [start, end] = [instantOf(from, 'from'), instantOf(to, 'to')]
  if (end <= start) return 0
  if (hours === null) return (end - start) / 1000
  const calendar = compile(hours)
  let total = 0
  for (let day = localDayOf(calendar.zone, start); day <= lastDayTouching(calendar.zone, end); day++) {
    for (const [opens, closes] of openIntervalsOn(calendar, day)) {
      total += Math.max(0, Math.min(closes, end) - Math.max(opens, start))
    }
  }
  return total / 1000
}

/** Whether the calendar is open at `at` (an interval includes its opening, not its closing). */
export function isBusinessTime(at: Date, hours: BusinessHours | null): boolean {
  const instant = instantOf(at, 'at')
  if (hours === null) return true
  const calendar = compile(hours)
  for (let day = localDayOf(calendar.zone, instant); day <= lastDayTouching(calendar.zone, instant); day++) {
    if (openIntervalsOn(calendar, day).some(([opens, closes]) => opens <= instant && instant < closes)) {
      return true
    }
  }
  return false
}

function instantOf(date: Date, name: string): number {
  const instant = date.getTime()
  if (Number.isNaN(instant)) throw new RangeError(`${name} must be a valid date`)
  return instant
}

/**
 * The next local day too: where a fall-back repeats local midnight, the next day's first hours start
 * (at the first midnight) before instants that still read as the day before.
 */
function lastDayTouching(zone: string, instant: number): number {
  return localDayOf(zone, instant) + 1
}

// --- The calendar, compiled: local days are numbered like UTC days since 1970-01-01. ---

interface Calendar {
  zone: string
  /** Opening and closing minutes per weekday, Monday first, in order. */
  week: (readonly [number, number])[][]
  holidays: Set<number>
}

function compile(hours: BusinessHours): Calendar {
  const week = WEEKDAYS.map((weekday) =>
    (hours.weekly[weekday] ?? [])
      .map(([opens, closes]) => [minutesOf(opens), minutesOf(closes)] as const)
      .filter(([opens, closes]) => opens < closes)
      .sort((a, b) => a[0] - b[0]),
  )
  const holidays = new Set(hours.holidays.map((date) => Date.parse(`${date}T00:00:00Z`) / DAY_MS))
  return { zone: hours.timezone, week, holidays }
}

function weekdayIndexOf(day: number): number {
  // Day 0, 1970-01-01, was a Thursday (index 3 with Monday first).
  return (((day + 3) % 7) + 7) % 7
}

function isoDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** The day's open intervals as [opens, closes) UTC milliseconds, in order, empty ones dropped. */
function openIntervalsOn(calendar: Calendar, day: number): [number, number][] {
  if (calendar.holidays.has(day)) return []
  const intervals: [number, number][] = []
  for (const [opens, closes] of calendar.week[weekdayIndexOf(day)]!) {
    const interval: [number, number] = [
      instantOfWallTime(calendar.zone, day * DAY_MS + opens * MINUTE_MS),
      instantOfWallTime(calendar.zone, day * DAY_MS + closes * MINUTE_MS),
    ]
    // Hours that fall wholly in a spring-forward gap never happen that day.
    if (interval[0] < interval[1]) intervals.push(interval)
  }
  return intervals
}

// --- Time zones. A `wall` time is a local wall-clock time written as if it were UTC. ---

function localDayOf(zone: string, instant: number): number {
  return Math.floor(wallClockAt(zone, instant) / DAY_MS)
}

function wallClockAt(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant)
}

/**
 * The first instant at which the zone's clocks show `wall` or later. A time skipped by a spring-forward
 * therefore opens when the clocks jump past it; a time repeated at a fall-back is its first occurrence.
 * Either way a later wall time never maps to an earlier instant, so intervals stay in order.
 */
function instantOfWallTime(zone: string, wall: number): number {
  // Offsets stay within a day of UTC, so the offsets a day either side include the one that applies.
  const offsets = [...new Set([offsetAt(zone, wall - DAY_MS), offsetAt(zone, wall + DAY_MS)])]
  const matches = offsets.map((offset) => wall - offset).filter((t) => wallClockAt(zone, t) === wall)
  if (matches.length > 0) return Math.min(...matches)
  return firstSecondWhere(
    wall - Math.max(...offsets),
    wall - Math.min(...offsets),
    (t) => wallClockAt(zone, t) >= wall,
  )
}

/** Bisection to the second: `test` is false at `before`, true at `after`, and changes once between. */
function firstSecondWhere(before: number, after: number, test: (instant: number) => boolean): number {
  let [low, high] = [before, after]
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000
    if (test(middle)) high = middle
    else low = middle
  }
  return high
}

const WEEK_MS = 7 * DAY_MS
/** About a century of weeks per zone before its cache starts over. */
const WEEKS_KEPT = 5_000

/** A zone's offsets in one UTC week: `offsets[0]` from its start, `offsets[i]` from `changes[i - 1]`. */
interface ZoneWeek {
  offsets: number[]
  changes: number[]
}

// Asking Intl costs microseconds and a walk asks about every open day, so each zone's offsets are
// learned a week at a time and kept: a probe at each end, and bisection only across a clock change.
const zoneWeeks = new Map<string, Map<number, ZoneWeek>>()

/** The zone's UTC offset in milliseconds at `instant`. */
function offsetAt(zone: string, instant: number): number {
  const week = zoneWeekAt(zone, Math.floor(instant / WEEK_MS))
  let i = 0
  while (i < week.changes.length && week.changes[i]! <= instant) i++
  return week.offsets[i]!
}

function zoneWeekAt(zone: string, index: number): ZoneWeek {
  let weeks = zoneWeeks.get(zone)
  if (weeks === undefined || weeks.size >= WEEKS_KEPT) {
    weeks = new Map()
    zoneWeeks.set(zone, weeks)
  }
  let week = weeks.get(index)
  if (week === undefined) {
    week = learnZoneWeek(zone, index * WEEK_MS, (index + 1) * WEEK_MS)
    weeks.set(index, week)
  }
  return week
}

/**
 * The clock changes in [start, end). Equal offsets at both ends are taken to mean no change between:
 * no zone changes its clocks and back again within a week (real changes are weeks apart).
 */
function learnZoneWeek(zone: string, start: number, end: number): ZoneWeek {
  const week: ZoneWeek = { offsets: [askIntlOffset(zone, start)], changes: [] }
  const atEnd = askIntlOffset(zone, end)
  let from = start
  for (let current = week.offsets[0]!; current !== atEnd && week.changes.length < 8; ) {
    const offset = current
    const change = firstSecondWhere(from, end, (t) => askIntlOffset(zone, t) !== offset)
    if (change >= end) break
    current = askIntlOffset(zone, change)
    week.changes.push(change)
    week.offsets.push(current)
    from = change
  }
  return week
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, formatter)
  }
  return formatter
}

function askIntlOffset(zone: string, instant: number): number {
  const second = Math.floor(instant / 1000) * 1000
  let [year, month, day, hour, minute, sec] = [1970, 1, 1, 0, 0, 0]
  for (const { type, value } of formatterFor(zone).formatToParts(second)) {
    if (type === 'year') year = Number(value)
    else if (type === 'month') month = Number(value)
    else if (type === 'day') day = Number(value)
    // Some ICU versions write midnight as 24 despite h23.
    else if (type === 'hour') hour = Number(value) % 24
    else if (type === 'minute') minute = Number(value)
    else if (type === 'second') sec = Number(value)
  }
  return Date.UTC(year, month - 1, day, hour, minute, sec) - second
}
