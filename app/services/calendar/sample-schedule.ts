// SAMPLE DATA — shipped so deadlines work on first start. Transcribed from the State Council
// General Office holiday notices for 2025 and 2026; the authority must check it against the
// official notice and publish the real schedule on /catalog/calendar (which replaces a sample year).
import type { ScheduleLine } from './working-days.server'

function days(from: string, count: number, kind: 'off' | 'work', name: string): ScheduleLine[] {
  const start = Date.parse(`${from}T00:00:00Z`)
  return Array.from({ length: count }, (_, i) => ({
    date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    kind,
    name,
  }))
}

export const SAMPLE_SCHEDULES: Record<string, ScheduleLine[]> = {
  '2025': [
    ...days('2025-01-01', 1, 'off', '元旦 New Year'),
    ...days('2025-01-26', 1, 'work', '春节调休 Spring Festival make-up workday'),
    ...days('2025-01-28', 8, 'off', '春节 Spring Festival'),
    ...days('2025-02-08', 1, 'work', '春节调休 Spring Festival make-up workday'),
    ...days('2025-04-04', 3, 'off', '清明节 Qingming'),
    ...days('2025-04-27', 1, 'work', '劳动节调休 Labour Day make-up workday'),
    ...days('2025-05-01', 5, 'off', '劳动节 Labour Day'),
    ...days('2025-05-31', 3, 'off', '端午节 Dragon Boat Festival'),
    ...days('2025-09-28', 1, 'work', '国庆调休 National Day make-up workday'),
    ...days('2025-10-01', 8, 'off', '国庆节、中秋节 National Day and Mid-Autumn'),
    ...days('2025-10-11', 1, 'work', '国庆调休 National Day make-up workday'),
  ],
  '2026': [
    ...days('2026-01-01', 3, 'off', '元旦 New Year'),
    ...days('2026-01-04', 1, 'work', '元旦调休 New Year make-up workday'),
    ...days('2026-02-14', 1, 'work', '春节调休 Spring Festival make-up workday'),
    ...days('2026-02-15', 9, 'off', '春节 Spring Festival'),
    ...days('2026-02-28', 1, 'work', '春节调休 Spring Festival make-up workday'),
    ...days('2026-04-04', 3, 'off', '清明节 Qingming'),
    ...days('2026-05-01', 5, 'off', '劳动节 Labour Day'),
    ...days('2026-05-09', 1, 'work', '劳动节调休 Labour Day make-up workday'),
    ...days('2026-06-19', 3, 'off', '端午节 Dragon Boat Festival'),
    ...days('2026-09-20', 1, 'work', '国庆调休 National Day make-up workday'),
    ...days('2026-09-25', 3, 'off', '中秋节 Mid-Autumn Festival'),
    ...days('2026-10-01', 7, 'off', '国庆节 National Day'),
    ...days('2026-10-10', 1, 'work', '国庆调休 National Day make-up workday'),
  ],
}
