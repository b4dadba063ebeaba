import { describe, expect, it } from 'vitest'
import { CalendarDay, CalendarYear } from '#models/calendar-day'
import { User } from '#models/user'
import { loadAuthUser } from '~/services/identity/auth.server'
import { type DomainError } from '~/utils/errors'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import {
  addWorkingDays,
  addWorkingDaysIn,
  chinaDate,
  isWorkingDayIn,
  listCalendarYears,
  parseSchedule,
  publishYearSchedule,
  workingDaysBetween,
  workingDaysBetweenIn,
  type CalendarRules,
} from './working-days.server'
import { SAMPLE_SCHEDULES } from './sample-schedule'

const rules: CalendarRules = new Map(SAMPLE_SCHEDULES['2026']!.map((l) => [l.date, l.kind]))
const at = (ymdHm: string) => new Date(`${ymdHm}:00+08:00`)

describe('working-day calendar (pure)', () => {
  it('weekends are off, official holidays off, adjusted workdays 調休 on', () => {
    expect(isWorkingDayIn(rules, '2026-03-02')).toBe(true) // Monday
    expect(isWorkingDayIn(rules, '2026-03-07')).toBe(false) // Saturday
    expect(isWorkingDayIn(rules, '2026-02-16')).toBe(false) // Monday in Spring Festival
    expect(isWorkingDayIn(rules, '2026-02-14')).toBe(true) // Saturday make-up workday
    expect(isWorkingDayIn(rules, '2026-10-08')).toBe(true) // Thursday after National Day
  })

  it('counts dates in China Standard Time', () => {
    expect(chinaDate(new Date('2026-02-13T16:30:00Z'))).toBe('2026-02-14')
    expect(chinaDate(new Date('2026-02-13T15:59:59Z'))).toBe('2026-02-13')
  })

  it('addWorkingDays skips weekends and the Spring Festival and counts the make-up Saturday', () => {
    // Thu 12 Feb 2026 + 3 working days: Fri 13, Sat 14 (調休), then Spring Festival to 23, Tue 24.
    expect(addWorkingDaysIn(rules, at('2026-02-12T09:00'), 3).toISOString()).toBe(
      '2026-02-24T15:59:59.999Z',
    )
    expect(chinaDate(addWorkingDaysIn(rules, at('2026-02-12T09:00'), 2))).toBe('2026-02-14')
    expect(chinaDate(addWorkingDaysIn(rules, at('2026-02-12T09:00'), 3))).toBe('2026-02-24')
    expect(chinaDate(addWorkingDaysIn(rules, at('2026-03-06T18:00'), 1))).toBe('2026-03-09')
    expect(chinaDate(addWorkingDaysIn(rules, at('2026-03-06T18:00'), 0))).toBe('2026-03-06')
    expect(() => addWorkingDaysIn(rules, new Date(), -1)).toThrow(RangeError)
  })

  it('workingDaysBetween is the inverse of addWorkingDays, and signed', () => {
    const from = at('2026-09-18T10:00')
    for (const n of [0, 1, 5, 15, 40]) {
      expect(workingDaysBetweenIn(rules, from, addWorkingDaysIn(rules, from, n))).toBe(n)
    }
    expect(workingDaysBetweenIn(rules, at('2026-10-15T10:00'), at('2026-10-13T10:00'))).toBe(-2)
    expect(workingDaysBetweenIn(rules, at('2026-10-01T10:00'), at('2026-10-07T10:00'))).toBe(0)
  })

  it('parses a year schedule and names a bad line', () => {
    expect(parseSchedule(2027, '# 2027\n2027-01-01 off 元旦\n2027-02-07 班 春节调休\n')).toEqual([
      { date: '2027-01-01', kind: 'off', name: '元旦' },
      { date: '2027-02-07', kind: 'work', name: '春节调休' },
    ])
    const bad = (text: string) => {
      try {
        parseSchedule(2027, text)
      } catch (error) {
        return error as DomainError
      }
      throw new Error('accepted')
    }
    expect(bad('2027-02-30 off x')).toMatchObject({
      code: 'bad_schedule_line',
      params: { line: 1 },
    })
    expect(bad('2027-01-01 off a\n2026-01-01 off b')).toMatchObject({
      code: 'wrong_year',
      params: { line: 2 },
    })
    expect(bad('2027-01-01 off a\n2027-01-01 work b')).toMatchObject({ code: 'duplicate_day' })
    expect(bad('\n# nothing\n')).toMatchObject({ code: 'empty_schedule' })
  })
})

describe('working-day calendar (maintained by the authority)', () => {
  useTestDb()

  it('ships sample years marked as sample; the authority publishes a year, replacing the sample', async () => {
    await seedDemoWorldFromTemplate()
    const years = await listCalendarYears()
    expect(years.map((y) => [y.year, y.source])).toEqual([
      [2025, 'sample'],
      [2026, 'sample'],
    ])
    // 2027 not maintained yet: weekends only. Fri 5 Feb 2027 + 1 = Mon 8 Feb.
    expect(chinaDate(await addWorkingDays(at('2027-02-05T10:00'), 1))).toBe('2027-02-08')
    const doc = await User.findOne({ email: 'authority@demo.gd.example' }).lean()
    const authority = (await loadAuthUser(String(doc!._id), 'session'))!
    await publishYearSchedule({
      year: 2027,
      text: '2027-02-06 work 春节调休\n2027-02-08 off 春节\n2027-02-09 off 春节',
      user: authority,
    })
    expect(chinaDate(await addWorkingDays(at('2027-02-05T10:00'), 1))).toBe('2027-02-06')
    expect(chinaDate(await addWorkingDays(at('2027-02-05T10:00'), 2))).toBe('2027-02-10')
    expect(await workingDaysBetween(at('2027-02-05T10:00'), at('2027-02-10T10:00'))).toBe(2)
    // Republishing replaces the year: a day no longer listed is gone.
    await publishYearSchedule({ year: 2027, text: '2027-02-08 off 春节', user: authority })
    expect(await CalendarDay.countDocuments({ year: 2027 })).toBe(1)
    expect((await CalendarYear.findById(2027).lean())?.source).toBe('authority')
  })
})
