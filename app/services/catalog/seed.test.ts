import { describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { CatalogVersion } from '#models/catalog-version'
import { seedDemoWorld } from '~/services/demo/seed.server'
import { useTestDb } from '../../../tests/setup/db'
import { listEntriesForIndex } from './entries.server'

describe('demo catalog seed', () => {
  useTestDb()

  it('seeds at least 30 entries in every state, and a second run changes nothing', async () => {
    const t0 = Date.now()
    await seedDemoWorld()
    const first = Date.now() - t0
    const count = await CatalogEntry.countDocuments({})
    expect(count).toBeGreaterThanOrEqual(30)
    const statuses = await CatalogEntry.distinct('status')
    expect(statuses.sort()).toEqual(['approved', 'draft', 'returned', 'submitted'])
    const versions = await CatalogVersion.countDocuments({})
    const t1 = Date.now()
    await seedDemoWorld()
    const second = Date.now() - t1
    expect(await CatalogEntry.countDocuments({})).toBe(count)
    expect(await CatalogVersion.countDocuments({})).toBe(versions)
    const { records } = await listEntriesForIndex(undefined, 100)
    // Core-graded entries are never listed.
    expect(records.every((r) => r.content.grade.tier !== 'core')).toBe(true)
    expect(records.length).toBeGreaterThanOrEqual(20)
    console.info(
      `seed: first run ${first} ms, second run ${second} ms, ${count} entries, ${versions} versions, ${records.length} listed`,
    )
  }, 120_000)
})
