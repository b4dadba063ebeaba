import { UnrecoverableError } from 'bullmq'
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { useTestDb, seedDemoWorldFromTemplate } from '../../tests/setup/db'
import { catalogSweep } from './catalog-sweeps'

describe('catalog-sweeps job', () => {
  useTestDb()
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
  })

  it('refuses a bad payload once (no retries)', async () => {
    await expect(catalogSweep({ sweep: 'everything' })).rejects.toBeInstanceOf(UnrecoverableError)
    await expect(catalogSweep({ sweep: 'freshness', at: 'yesterday' })).rejects.toBeInstanceOf(
      UnrecoverableError,
    )
  })

  it('art16 the freshness sweep flags the seeded stale entry; a rerun flags nothing new', async () => {
    expect(
      await CatalogEntry.countDocuments({ staleSince: mongoose.trusted({ $ne: null }) }),
    ).toBeGreaterThanOrEqual(1)
    const later = new Date(Date.now() + 400 * 86_400_000).toISOString()
    const first = await catalogSweep({ sweep: 'freshness', at: later })
    expect(first).toMatchObject({ sweep: 'freshness' })
    const again = await catalogSweep({ sweep: 'freshness', at: later })
    expect(again).toMatchObject({ flagged: 0 })
  })

  it('art11 the deadline sweep marks the seeded overdue obligation once', async () => {
    const first = await catalogSweep({ sweep: 'deadlines' })
    expect(first).toMatchObject({ sweep: 'deadlines', overdue: 0 })
    expect(await CatalogEntry.countDocuments({ 'deadline.overdue': true })).toBe(1)
  })
})
