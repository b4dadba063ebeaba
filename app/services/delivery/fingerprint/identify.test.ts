// Property tests of tracing, kept small (5,000 rows × 200 licensees); the 100k-row × 1,000
// licensee case is `npm run bench:fingerprint`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import * as attack from './testing/attacks.server'
import { fingerprintCsv } from './embed.server'
import { DEFAULT_ACCUSATION_THRESHOLD, identifyLeak, type IdentifyResult } from './identify.server'
import { fingerprintKeysFrom, type FingerprintKeys } from './keys.server'
import { SYNTHETIC_HEADER, SYNTHETIC_SPEC, seededRandom, syntheticCsv } from './testing/synthetic'

const dir = mkdtempSync(path.join(tmpdir(), 'fingerprint-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const LICENSEES = 200
const input = syntheticCsv(5000, 7)

async function copyFor(source: Buffer, licenceId: string, keys: FingerprintKeys): Promise<Buffer> {
  const parts: Buffer[] = []
  await fingerprintCsv({
    input: Readable.from([source]),
    output: new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }),
    spec: SYNTHETIC_SPEC,
    licenceId,
    keys,
  })
  return Buffer.concat(parts)
}

function world(seed: number) {
  const r = seededRandom(seed)
  const master = Buffer.alloc(32)
  for (let i = 0; i < 32; i++) master[i] = Math.floor(r() * 256)
  const ids = Array.from({ length: LICENSEES }, (_, i) => `lic-${seed}-${i}`)
  return { r, keys: fingerprintKeysFrom(master), ids, guilty: ids[Math.floor(r() * ids.length)]! }
}

let leakNo = 0
async function identify(
  bytes: Buffer,
  ids: string[],
  keys: FingerprintKeys,
  ext = 'csv',
): Promise<IdentifyResult> {
  const file = path.join(dir, `leak-${leakNo++}.${ext}`)
  writeFileSync(file, bytes)
  return identifyLeak({ file, spec: SYNTHETIC_SPEC, candidates: ids, keys })
}

function expectTraced(result: IdentifyResult, guilty: string[]): number[] {
  const innocentP: number[] = []
  for (const c of result.ranked) {
    if (guilty.includes(c.licenceId)) {
      expect(c.accused, `${c.licenceId} should be accused`).toBe(true)
      expect(c.falseAccusationProbability).toBeLessThanOrEqual(DEFAULT_ACCUSATION_THRESHOLD)
    } else {
      expect(c.accused, `innocent ${c.licenceId} accused`).toBe(false)
      expect(c.falseAccusationProbability).toBeGreaterThan(DEFAULT_ACCUSATION_THRESHOLD)
      innocentP.push(c.pValue)
    }
  }
  expect(
    result.ranked
      .slice(0, guilty.length)
      .map((c) => c.licenceId)
      .sort(),
  ).toEqual([...guilty].sort())
  return innocentP
}

describe('art38 tracing a leaked copy', () => {
  it('art38 traces a leak with 50% of rows removed, rows re-sorted, a column dropped and GBK re-encoding among 200 licensees, and accuses no innocent (property over keys and attacks)', async () => {
    const innocentP: number[] = []
    // Each trial: a fresh platform key, a random guilty licensee, a different dropped column
    // (the identifier, a text, the date and each numeric column in turn) and random extra attacks.
    for (let trial = 0; trial < SYNTHETIC_HEADER.length; trial++) {
      const { r, keys, ids, guilty } = world(100 + trial)
      let t = attack.parseCsv(await copyFor(input, guilty, keys))
      t = attack.subsample(t, 0.5, r)
      t =
        r() < 0.5
          ? attack.shuffleRows(t, r)
          : attack.sortRowsBy(t, Math.floor(r() * t.header.length))
      t = attack.dropColumn(t, trial)
      if (r() < 0.5) t = attack.reorderColumns(t, r)
      const quoteAll = r() < 0.5
      if (quoteAll) t = attack.normaliseWhitespace(t, r)
      const result = await identify(
        attack.encodeGbk(attack.writeCsv(t, { quoteAll, lineEnd: r() < 0.5 ? '\r\n' : '\n' })),
        ids,
        keys,
      )
      expect(result.leak.encoding).toBe('gb18030')
      expect(result.leak.missingColumns).toEqual([SYNTHETIC_HEADER[trial]])
      innocentP.push(...expectTraced(result, [guilty]))
    }
    // Innocent scores are chance: about 5% of their p-values fall below 0.05, not more.
    expect(innocentP.length).toBe(SYNTHETIC_HEADER.length * (LICENSEES - 1))
    expect(innocentP.filter((p) => p < 0.05).length / innocentP.length).toBeLessThan(0.1)
  })

  it('art38 traces a copy opened and saved through Excel (numbers and dates re-typed) and a leak handed over as XLSX', async () => {
    const { r, keys, ids, guilty } = world(7)
    const small = syntheticCsv(2000, 8)
    const t = attack.subsample(attack.parseCsv(await copyFor(small, guilty, keys)), 0.5, r)
    const viaExcel = await attack.xlsxRoundTrip(t)
    expect(viaExcel.rows[0]![3]).toMatch(/T00:00:00.000Z$/)
    expectTraced(await identify(Buffer.from(attack.writeCsv(viaExcel)), ids, keys), [guilty])
    const workbook = await identify(await attack.toXlsx(t), ids, keys, 'xlsx')
    expect(workbook.leak.format).toBe('xlsx')
    expectTraced(workbook, [guilty])
  })

  it('art38 traces a tab-separated product the same way', async () => {
    const { keys, ids, guilty } = world(11)
    const tsv = Buffer.from(syntheticCsv(1000, 4).toString('utf8').replaceAll(',', '\t'))
    const parts: Buffer[] = []
    await fingerprintCsv({
      input: Readable.from([tsv]),
      output: new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }),
      spec: SYNTHETIC_SPEC,
      licenceId: guilty,
      keys,
      delimiter: '\t',
    })
    const copy = Buffer.concat(parts)
    expect(copy.equals(tsv)).toBe(false)
    expectTraced(await identify(copy, ids, keys, 'tsv'), [guilty])
  })

  it('art38 accuses nobody for the original, unmarked file', async () => {
    const { keys, ids } = world(8)
    const result = await identify(input, ids, keys)
    expect(result.leak.n).toBeGreaterThan(5000)
    expect(result.ranked.filter((c) => c.accused)).toEqual([])
  })

  it('art38 names both colluders when a leak mixes rows from two copies, and no innocent', async () => {
    const { r, keys, ids } = world(9)
    const colluders = [ids[3]!, ids[150]!]
    const copies = await Promise.all(
      colluders.map(async (id) => attack.parseCsv(await copyFor(input, id, keys))),
    )
    const mixed = attack.subsample(attack.mixCopies(copies, r), 0.5, r)
    expectTraced(await identify(Buffer.from(attack.writeCsv(mixed)), ids, keys), colluders)
  })

  it('art38 traces a copy whose every number was moved by one unit (marks complemented) or half of them (numeric marks erased: the dates still tell)', async () => {
    const { r, keys, ids, guilty } = world(12)
    const t = attack.parseCsv(await copyFor(input, guilty, keys))
    const numeric = SYNTHETIC_SPEC.columns.filter((c) => c.kind === 'numeric').map((c) => c.name)
    const complemented = await identify(
      Buffer.from(attack.writeCsv(attack.nudgeDigits(t, numeric, 1, r))),
      ids,
      keys,
    )
    expectTraced(complemented, [guilty])
    const top = complemented.ranked[0]!
    expect(top.columns.find((c) => c.name === '从业人数')!.matches).toBeLessThan(
      top.columns.find((c) => c.name === '从业人数')!.trials * 0.05,
    )
    expectTraced(
      await identify(
        Buffer.from(attack.writeCsv(attack.nudgeDigits(t, numeric, 0.5, r))),
        ids,
        keys,
      ),
      [guilty],
    )
  })

  it('art38 counts a position once however often its row is repeated', async () => {
    const { keys, ids, guilty } = world(10)
    const t = attack.parseCsv(await copyFor(syntheticCsv(500, 3), guilty, keys))
    const once = await identify(Buffer.from(attack.writeCsv(t)), ids, keys)
    const padded = await identify(
      Buffer.from(attack.writeCsv({ header: t.header, rows: [...t.rows, ...t.rows, ...t.rows] })),
      ids,
      keys,
    )
    expect(padded.leak.n).toBe(once.leak.n)
    expect(padded.ranked[0]).toEqual(once.ranked[0])
  })
})
