import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import * as attack from '~/services/delivery/fingerprint/testing/attacks.server'
import { fingerprintCsv } from '~/services/delivery/fingerprint/embed.server'
import {
  SYNTHETIC_SPEC,
  seededRandom,
  syntheticCsv,
} from '~/services/delivery/fingerprint/testing/synthetic'
import { main } from './fingerprint-identify'

const dir = mkdtempSync(path.join(tmpdir(), 'fingerprint-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => vi.restoreAllMocks())

function capture() {
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)))
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void lines.push(String(s)))
  return lines
}

describe('npm run fingerprint:identify', () => {
  it('art38 prints the traced licence first with its false-accusation probability (keys from DATA_ENCRYPTION_KEY)', async () => {
    const parts: Buffer[] = []
    // No keys passed: the copy is made with the platform key, as the delivery job makes it.
    await fingerprintCsv({
      input: Readable.from([syntheticCsv(1500, 5)]),
      output: new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }),
      spec: SYNTHETIC_SPEC,
      licenceId: 'lic-0042',
    })
    const leak = attack.dropColumn(
      attack.shuffleRows(
        attack.subsample(attack.parseCsv(Buffer.concat(parts)), 0.5, seededRandom(1)),
        seededRandom(2),
      ),
      0,
    )
    const leakFile = path.join(dir, 'leaked.csv')
    writeFileSync(leakFile, attack.encodeGbk(attack.writeCsv(leak)))
    const registry = path.join(dir, 'registry.json')
    const candidates = Array.from({ length: 50 }, (_, i) => ({
      licenceId: `lic-${String(i + 20).padStart(4, '0')}`,
      licensee: `买方${i}`,
    }))
    writeFileSync(registry, JSON.stringify({ spec: SYNTHETIC_SPEC, candidates }))

    const out = capture()
    expect(await main([leakFile, '--candidates', registry, '--top=3'])).toBe(0)
    expect(out[0]).toMatch(/csv gb18030, \d+ rows, \d+ marked positions/)
    expect(out).toContain('columns missing from the leak: 统一社会信用代码')
    expect(out[3]).toMatch(/^ {3}1 {2}lic-0042 \(买方22\).*← traced$/)
    expect(out.at(-1)).toMatch(/^traced to lic-0042 \(false-accusation probability ≤ 0.000001\)$/)

    const json = capture()
    expect(await main([leakFile, '--candidates', registry, '--json'])).toBe(0)
    const parsed = JSON.parse(json.join('\n')) as {
      ranked: { licenceId: string; accused: boolean }[]
    }
    expect(parsed.ranked[0]).toMatchObject({ licenceId: 'lic-0042', accused: true })
    expect(parsed.ranked.filter((c) => c.accused)).toHaveLength(1)
  })

  it('explains its usage instead of failing on bad arguments', async () => {
    const out = capture()
    expect(await main(['leaked.csv', '--product', 'not-an-id'])).toBe(2)
    expect(out.join('\n')).toMatch(/--product must be a product id/)
    expect(await main(['a.csv', 'b.csv', '--candidates', 'r.json'])).toBe(2)
  })
})
