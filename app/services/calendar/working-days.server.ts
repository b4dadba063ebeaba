// The working-day calendar every deadline in the product counts with (docs/requirements.md, "Working day";
// Art. 11 and Art. 23 count working days). Monday–Friday work, Saturday/Sunday off; the
// authority's schedule overrides single days: official holidays off, adjusted workdays 調休 on.
// Days are calendar dates in China Standard Time (UTC+8, no daylight saving).
import mongoose from 'mongoose'
import { CalendarDay, CalendarYear } from '#models/calendar-day'
import { appendLedger } from '~/services/ledger/ledger.server'
import { DomainError } from '~/utils/errors'
import type { AuthUser } from '~/services/identity/auth.server'
import { SAMPLE_SCHEDULES } from './sample-schedule'

const OFFSET_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000

export type DayKind = 'off' | 'work'
/** Day exceptions: 'YYYY-MM-DD' → off (holiday) / work (adjusted workday). */
export type CalendarRules = ReadonlyMap<string, DayKind>

/** The calendar date (China Standard Time) a moment falls on. */
export function chinaDate(moment: Date): string {
  return new Date(moment.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

/** The last millisecond of a calendar date in China Standard Time: deadlines end there. */
export function endOfChinaDay(ymd: string): Date {
  return new Date(Date.parse(`${ymd}T23:59:59.999Z`) - OFFSET_MS)
}

function shiftDay(ymd: string, delta: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + delta * DAY_MS).toISOString().slice(0, 10)
}

function weekday(ymd: string): number {
  return new Date(`${ymd}T00:00:00Z`).getUTCDay()
}

export function isWorkingDayIn(rules: CalendarRules, ymd: string): boolean {
  const exception = rules.get(ymd)
  if (exception) return exception === 'work'
  const day = weekday(ymd)
  return day !== 0 && day !== 6
}

/**
 * The end of the n-th working day after `from` (the day of `from` itself is not counted, as a
 * deadline "within n working days" starts the next day). n = 0 → the end of `from`'s own day.
 */
export function addWorkingDaysIn(rules: CalendarRules, from: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 0 || n > 3660)
    throw new RangeError(`working days must be 0..3660, got ${n}`)
  let day = chinaDate(from)
  let left = n
  while (left > 0) {
    day = shiftDay(day, 1)
    if (isWorkingDayIn(rules, day)) left--
  }
  return endOfChinaDay(day)
}

/**
 * Working days after `from`'s day up to and including `to`'s day; negative when `to` is
 * earlier. `workingDaysBetweenIn(r, d, addWorkingDaysIn(r, d, n)) === n`.
 */
export function workingDaysBetweenIn(rules: CalendarRules, from: Date, to: Date): number {
  let a = chinaDate(from)
  const b = chinaDate(to)
  if (a === b) return 0
  const sign = a < b ? 1 : -1
  const [start, end] = sign === 1 ? [a, b] : [b, a]
  let count = 0
  a = start
  while (a < end) {
    a = shiftDay(a, 1)
    if (isWorkingDayIn(rules, a)) count++
  }
  return sign * count
}

// Rules change only when the authority edits the calendar; processes re-read them every minute.
const CACHE_MS = 60_000
let cached: { rules: CalendarRules; at: number } | undefined

export async function loadCalendarRules(): Promise<CalendarRules> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.rules
  const rows = await CalendarDay.find({}, { _id: 1, kind: 1 }).lean()
  const rules = new Map(rows.map((r) => [r._id, r.kind as DayKind]))
  cached = { rules, at: Date.now() }
  return rules
}

export function invalidateCalendarCache(): void {
  cached = undefined
}

/**
 * Art. 23: a sharing request is answered within 5 working days of its arrival (Art. 26 sends
 * research requests through the same procedure). The one place that deadline is computed.
 */
export const ART23_REPLY_WORKING_DAYS = 5

/** Art. 23: the end of the day a request that arrived at `receivedAt` must be answered by. */
export function art23ReplyDueIn(rules: CalendarRules, receivedAt: Date): Date {
  return addWorkingDaysIn(rules, receivedAt, ART23_REPLY_WORKING_DAYS)
}

/** The end of the n-th working day after `date` (see addWorkingDaysIn). */
export async function addWorkingDays(date: Date, n: number): Promise<Date> {
  return addWorkingDaysIn(await loadCalendarRules(), date, n)
}

/** Working days from `from` to `to` (see workingDaysBetweenIn). */
export async function workingDaysBetween(from: Date, to: Date): Promise<number> {
  return workingDaysBetweenIn(await loadCalendarRules(), from, to)
}

export async function isWorkingDay(date: Date): Promise<boolean> {
  return isWorkingDayIn(await loadCalendarRules(), chinaDate(date))
}

export interface ScheduleLine {
  date: string
  kind: DayKind
  name: string
}

const LINE = /^(\d{4}-\d{2}-\d{2})\s+(off|work|休|班)\s+(.{1,60})$/

/**
 * Parses a year's schedule, one day per line: `2027-02-08 off 春节` or `2027-02-07 work 春节调休`
 * (`休`/`班` also accepted). Blank lines and `#` comments are skipped. Errors name the line.
 */
export function parseSchedule(year: number, text: string): ScheduleLine[] {
  const out: ScheduleLine[] = []
  const seen = new Set<string>()
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const match = LINE.exec(line)
    const date = match?.[1]
    if (
      !match ||
      !date ||
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
      shiftDay(date, 0) !== date
    ) {
      throw new DomainError('bad_schedule_line', 'error.calendar.badLine', 400, undefined, {
        line: index + 1,
      })
    }
    if (Number(date.slice(0, 4)) !== year) {
      throw new DomainError('wrong_year', 'error.calendar.wrongYear', 400, undefined, {
        line: index + 1,
        year,
      })
    }
    if (seen.has(date)) {
      throw new DomainError('duplicate_day', 'error.calendar.duplicateDay', 400, undefined, {
        line: index + 1,
      })
    }
    seen.add(date)
    const kind: DayKind = match[2] === 'off' || match[2] === '休' ? 'off' : 'work'
    out.push({ date, kind, name: match[3]!.trim() })
  })
  if (out.length === 0)
    throw new DomainError('empty_schedule', 'error.calendar.empty', 400, {
      schedule: ['error.calendar.empty'],
    })
  return out
}

/**
 * The authority publishes (or replaces) a year's holiday and adjusted-workday schedule. Each day
 * is one row under its date, so the schedule is whole after a retry; the replaced rows of that
 * year that are no longer listed are removed.
 */
export async function publishYearSchedule(input: {
  year: number
  text: string
  note?: string
  user: AuthUser
}) {
  const lines = parseSchedule(input.year, input.text)
  const now = new Date()
  for (const line of lines) {
    await CalendarDay.updateOne(
      { _id: line.date },
      {
        $set: {
          year: input.year,
          kind: line.kind,
          name: line.name,
          source: 'authority',
          updatedBy: input.user.id,
          updatedAt: now,
        },
      },
      { upsert: true },
    )
  }
  const keep = lines.map((l) => l.date)
  await CalendarDay.deleteMany({ year: input.year, _id: mongoose.trusted({ $nin: keep }) })
  await CalendarYear.updateOne(
    { _id: input.year },
    {
      $set: {
        source: 'authority',
        note: input.note ?? '',
        updatedBy: input.user.id,
        updatedAt: now,
      },
    },
    { upsert: true },
  )
  invalidateCalendarCache()
  await appendLedger({
    action: 'calendar.year_published',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`calendar:${input.year}`],
    payload: { year: input.year, lines },
    summary: { year: input.year, days: lines.length },
  })
  return { year: input.year, days: lines.length }
}

/** Ships the sample schedules (clearly marked `sample`) for years the authority has not set. */
export async function seedSampleCalendar(): Promise<number> {
  let added = 0
  for (const [yearText, lines] of Object.entries(SAMPLE_SCHEDULES)) {
    const year = Number(yearText)
    if (await CalendarYear.exists({ _id: year })) continue
    for (const line of lines) {
      const result = await CalendarDay.updateOne(
        { _id: line.date },
        {
          $setOnInsert: {
            year,
            kind: line.kind,
            name: line.name,
            source: 'sample',
            updatedAt: new Date(),
          },
        },
        { upsert: true },
      )
      added += result.upsertedCount
    }
    await CalendarYear.updateOne(
      { _id: year },
      {
        $setOnInsert: {
          source: 'sample',
          note: 'sample data shipped with the software — verify against the State Council notice',
          updatedAt: new Date(),
        },
      },
      { upsert: true },
    )
  }
  invalidateCalendarCache()
  return added
}

export interface CalendarYearView {
  year: number
  source: 'sample' | 'authority'
  note: string
  updatedAt: string
  days: { date: string; kind: DayKind; name: string }[]
}

export async function listCalendarYears(): Promise<CalendarYearView[]> {
  const years = await CalendarYear.find({}).sort({ _id: 1 }).lean()
  const days = await CalendarDay.find({}).sort({ _id: 1 }).lean()
  return years.map((y) => ({
    year: y._id,
    source: y.source as 'sample' | 'authority',
    note: y.note ?? '',
    updatedAt: y.updatedAt.toISOString(),
    days: days
      .filter((d) => d.year === y._id)
      .map((d) => ({ date: d._id, kind: d.kind as DayKind, name: d.name })),
  }))
}
