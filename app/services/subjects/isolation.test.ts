// A data subject never sees another person's record or another person's use (C10; Art. 39, 42):
// a property test over made-up tables — any people, any number of rows each, in any order — and
// made-up uses of them (copies of row ranges, verifications that found some people).
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import type { AuthUser } from '~/services/identity/auth.server'
import { makeResidentId } from '~/services/identity/codes'
import { storeEntryDatasetBytes } from '~/services/sharing/datasets.server'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { buildSubjectIndex, forgetSubjectIndexes, holdingsOf, subjectKey } from './holdings.server'
import { recordSubjectUse, useHistoryOf } from './uses.server'

let psb: AuthUser
let entryId: string
let run = 0

const person = fc
  .tuple(fc.integer({ min: 1950, max: 2005 }), fc.integer({ min: 0, max: 999_999 }))
  .map(([year, n]) => makeResidentId(`440106${year}0101${String(n % 1000).padStart(3, '0')}`))

const world = fc.record({
  people: fc.uniqueArray(person, { minLength: 2, maxLength: 10 }),
  rowsEach: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 10, maxLength: 10 }),
  seed: fc.integer(),
  copies: fc.array(fc.tuple(fc.nat(30), fc.nat(10)), { maxLength: 4 }),
  verified: fc.array(fc.nat(9), { maxLength: 4 }),
})

describe('a subject sees her own records and uses only (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    entryId = String(
      (await CatalogEntry.findOne(
        { orgId: psb.org!.id, 'published.title.zh': '户籍迁移登记信息' },
        { _id: 1 },
      ).lean())!._id,
    )
  })

  it('art42 for any table and any uses, a person’s holdings and history hold her own rows and the uses that touched them, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(world, async ({ people, rowsEach, seed, copies, verified }) => {
        run++
        // Her rows, shuffled among the others' (row numbers from 1, after the header).
        const rows = people.flatMap((id, p) =>
          Array.from({ length: rowsEach[p]! }, (_, k) => ({ id, k })),
        )
        let state = seed
        for (let i = rows.length - 1; i > 0; i--) {
          state = (state * 1_103_515_245 + 12_345) & 0x7fffffff
          const j = state % (i + 1)
          ;[rows[i], rows[j]] = [rows[j]!, rows[i]!]
        }
        const table =
          'gmsfhm,qyrq,qcd,qrd,qyyy\n' +
          rows
            .map((r, i) => `${r.id},2024-01-0${1 + (i % 9)},44010${r.k},440106,0${run % 9}`)
            .join('\n') +
          '\n'
        const stored = await storeEntryDatasetBytes(
          psb,
          entryId,
          `isolation-${run}.csv`,
          table,
          new Date(Date.now() + run * 1000),
        )
        const datasetId = `${entryId}:${stored.sha256}`
        await buildSubjectIndex(datasetId)
        forgetSubjectIndexes()
        // Uses of this run: copies of row ranges, verifications that found some people.
        const ranges = copies.map(([from, n]) => [from + 1, from + 1 + n] as const)
        for (const [i, [from, to]] of ranges.entries())
          await recordSubjectUse({
            id: `isolation:${run}:copy:${i}`,
            kind: 'sharing-api-read',
            at: new Date(),
            orgId: psb.org!.id,
            purpose: 'p',
            basis: 'b',
            ref: `isolation:${run}`,
            datasetId,
            rowFrom: from,
            rowTo: to,
          })
        const found = [...new Set(verified.map((v) => people[v % people.length]!))]
        if (found.length)
          await recordSubjectUse({
            id: `isolation:${run}:verify`,
            kind: 'verification',
            at: new Date(),
            orgId: psb.org!.id,
            purpose: 'p',
            basis: 'b',
            ref: `isolation:${run}`,
            keys: found.map((id) => subjectKey(id)),
          })

        for (const id of people) {
          const key = subjectKey(id)
          const mine = rows.flatMap((r, i) => (r.id === id ? [i + 1] : []))
          const held = (await holdingsOf(key)).find((h) => h.entryId === entryId)
          const shown = held?.records ?? []
          expect(shown.map((r) => r.row).sort((a, b) => a - b)).toEqual(mine)
          for (const r of shown) expect(r.fields.find((f) => f.name === 'gmsfhm')!.value).toBe(id)
          const history = (await useHistoryOf(key, { limit: Infinity })).items.filter((u) =>
            u.id.startsWith(`isolation:${run}:`),
          )
          const expected = [
            ...ranges.flatMap(([from, to], i) =>
              mine.some((row) => row >= from && row < to) ? [`isolation:${run}:copy:${i}`] : [],
            ),
            ...(found.includes(id) ? [`isolation:${run}:verify`] : []),
          ]
          expect(history.map((u) => u.id).sort()).toEqual(expected.sort())
        }
      }),
      { numRuns: 12 },
    )
  })
})
