import { Readable, Writable } from 'node:stream'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { parseCsv } from './testing/attacks.server'
import { ByteSink, expandExponent, writeCanonical } from './canonical'
import { gbkToUtf8Into } from './gbk.server'
import { fingerprintCsv, type CsvEncoding } from './embed.server'
import { fingerprintKeysFrom, licenceSecret } from './keys.server'
import { countMatches, type LeakPositions } from './identify.server'
import { markBit, placeForTolerance } from './positions.server'
import { fingerprintSpecSchema, type FingerprintSpecInput } from './spec'
import { SYNTHETIC_HEADER, SYNTHETIC_SPEC, seededRandom, syntheticCsv } from './testing/synthetic'

const keys = fingerprintKeysFrom(Buffer.alloc(32, 7))

async function copy(
  input: Buffer,
  licenceId: string,
  spec: FingerprintSpecInput = SYNTHETIC_SPEC,
  encoding: CsvEncoding = 'utf-8',
  chunk = 65536,
) {
  const parts: Buffer[] = []
  const src: Buffer[] = []
  for (let o = 0; o < input.length; o += chunk) src.push(input.subarray(o, o + chunk))
  const result = await fingerprintCsv({
    input: Readable.from(src),
    output: new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }),
    spec,
    licenceId,
    encoding,
    keys,
  })
  return { bytes: Buffer.concat(parts), result }
}

function canonical(text: string, isDate = false, quoted = false): string {
  const b = Buffer.from(text)
  const sink = new ByteSink()
  writeCanonical(b, 0, b.length, quoted, isDate, sink)
  return Buffer.from(sink.buf.subarray(0, sink.len)).toString()
}

describe('canonical anchor bytes', () => {
  it('undoes what spreadsheets and normalisers do to a value', () => {
    expect(canonical('  12.50 ')).toBe('12.5')
    expect(canonical('0755')).toBe('755')
    expect(canonical('-0.00')).toBe('0')
    expect(canonical('+3')).toBe('3')
    expect(canonical('广州市  天河区\t路')).toBe('广州市 天河区 路')
    expect(canonical('\u3000全角空格\u00a0')).toBe('全角空格')
    expect(canonical('a ""b""', false, true)).toBe('a "b"')
  })

  it('reads a date the same in every spelling a leak may carry', () => {
    for (const d of [
      '2024-01-05',
      '2024/1/5',
      '2024-01-05T00:00:00.000Z',
      '20240105',
      '45296',
      ' 2024/01/05 ',
    ]) {
      expect(canonical(d, true)).toBe('2024-1-5')
    }
    expect(canonical('2024-01-05 08:30', true)).toBe('2024-1-5-8-30')
  })

  it('writes exponent notation as a plain decimal', () => {
    expect(expandExponent('1.5e-7')).toBe('0.00000015')
    expect(expandExponent('-1.25E+3')).toBe('-1250')
    expect(expandExponent('12.34')).toBe('12.34')
  })

  it('maps a tolerance to the decimal place the mark moves', () => {
    expect([0.01, 0.05, 1, 5, 25, 0.001].map(placeForTolerance)).toEqual([-2, -2, 0, 0, 1, -3])
  })
})

describe('GBK anchors', () => {
  it('convert two-byte GBK by table exactly as iconv-lite does, and hand four-byte GB18030 back', () => {
    const text =
      '广东省公共数据管理办法 第三十八条：数据交易平台（可追溯）ＡＢＣ１２３ §№☆αБ、。《》'
    const gbk = iconv.encode(text, 'gbk')
    const out = new ByteSink()
    expect(gbkToUtf8Into(gbk, 0, gbk.length, out)).toBe(true)
    expect(Buffer.from(out.buf.subarray(0, out.len)).toString('utf8')).toBe(
      iconv.decode(gbk, 'gb18030'),
    )
    expect(iconv.decode(gbk, 'gb18030')).toBe(text)
    const rare = iconv.encode('甲𠀀乙', 'gb18030')
    out.reset()
    expect(gbkToUtf8Into(rare, 0, rare.length, out)).toBe(false)
    expect(out.len).toBe(0)
  })
})

describe('candidate scoring', () => {
  it('counts, for every secret, the positions whose read equals parity(v·s), across block edges', () => {
    const r = seededRandom(5)
    const word = () => (r() * 2 ** 32) >>> 0
    for (const n of [0, 1, 31, 33, 8192, 8193, 20_001]) {
      const leak: LeakPositions = {
        n,
        vectors: Uint32Array.from({ length: 3 * n }, word),
        bits: Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)),
        rows: n,
        byFamily: [n, 0],
        missingColumns: [],
        markedColumns: ['x'],
        columns: [{ name: 'x', start: 0, end: n }],
      }
      const secrets = Array.from({ length: 7 }, () => Uint32Array.from({ length: 3 }, word))
      const direct = secrets.map((s) => {
        let agree = 0
        for (let p = 0; p < n; p++)
          if (
            markBit(leak.vectors[3 * p]!, leak.vectors[3 * p + 1]!, leak.vectors[3 * p + 2]!, s) ===
            leak.bits[p]
          )
            agree++
        return agree
      })
      expect([...countMatches(leak, secrets)]).toEqual(direct)
      // A sub-range (one column's positions) counts only its own positions.
      const half = n >> 1
      const tail = countMatches(leak, secrets, half, n)
      const head = countMatches(leak, secrets, 0, half)
      expect(secrets.map((_, i) => head[i]! + tail[i]!)).toEqual(direct)
    }
  })
})

describe('spec', () => {
  it('refuses a spec with nothing to mark, with nothing to anchor rows, or naming a column twice', () => {
    const bad = [
      {
        columns: [
          { name: 'id', kind: 'identifier' },
          { name: 'n', kind: 'text' },
        ],
      },
      { columns: [{ name: 'v', kind: 'numeric', tolerance: { absolute: 1 } }] },
      {
        columns: [
          { name: 'id', kind: 'identifier' },
          { name: ' ID ', kind: 'identifier' },
          { name: 'v', kind: 'numeric', tolerance: { absolute: 1 } },
        ],
      },
    ]
    for (const spec of bad) expect(fingerprintSpecSchema.safeParse(spec).success).toBe(false)
    expect(fingerprintSpecSchema.safeParse(SYNTHETIC_SPEC).success).toBe(true)
  })
})

describe('licence secrets', () => {
  it('are derived, distinct per licence and per platform key', () => {
    const a = licenceSecret(keys, 'lic-1')
    expect(licenceSecret(keys, 'lic-1')).toEqual(a)
    expect(licenceSecret(keys, 'lic-2')).not.toEqual(a)
    expect(licenceSecret(fingerprintKeysFrom(Buffer.alloc(32, 8)), 'lic-1')).not.toEqual(a)
  })
})

describe('art38 fingerprinted copy', () => {
  const input = syntheticCsv(3000, 42)
  const original = parseCsv(input)
  const column = (name: string) => SYNTHETIC_HEADER.indexOf(name)

  it('art38 changes only marked cells, each within the declared tolerance; identifiers and text never', async () => {
    const { bytes, result } = await copy(input, 'lic-A')
    expect(bytes.length).toBe(input.length)
    expect(result.rows).toBe(3000)
    const marked = parseCsv(bytes)
    expect(marked.header).toEqual(original.header)
    const changedPerColumn = new Map<string, number>()
    original.rows.forEach((row, r) => {
      row.forEach((before, c) => {
        const after = marked.rows[r]![c]!
        if (after === before) return
        const name = original.header[c]!
        changedPerColumn.set(name, (changedPerColumn.get(name) ?? 0) + 1)
        if (name === '成立日期') {
          expect(after.replaceAll('/', '-')).toBe(before.replaceAll('/', '-'))
          return
        }
        const unit =
          name === '注册资本(万元)'
            ? 0.01
            : name === '从业人数'
              ? 1
              : 10 ** -(before.split('.')[1]?.length ?? 0)
        expect(['注册资本(万元)', '从业人数', '纳税额(万元)']).toContain(name)
        expect(Math.abs(Number(after) - Number(before))).toBeCloseTo(unit, 9)
        expect(after.length).toBe(before.length)
      })
    })
    for (const never of ['统一社会信用代码', '企业名称', '行业', '住所', '备注'])
      expect(changedPerColumn.get(never)).toBeUndefined()
    // About a quarter of the markable cells change (density 0.5, half already read right).
    const changed = [...changedPerColumn.values()].reduce((a, b) => a + b, 0)
    expect(changed).toBe(result.cellsChanged)
    expect(result.cellsChanged / (3000 * 4)).toBeGreaterThan(0.2)
    expect(result.cellsChanged / (3000 * 4)).toBeLessThan(0.3)
    expect(column('成立日期')).toBeGreaterThan(0)
  })

  it('art38 is deterministic per licence and differs between licences (a retried delivery is the same file)', async () => {
    const a1 = await copy(input, 'lic-A')
    const a2 = await copy(input, 'lic-A', SYNTHETIC_SPEC, 'utf-8', 7)
    const b = await copy(input, 'lic-B')
    expect(a2.bytes.equals(a1.bytes)).toBe(true)
    expect(a2.result.outputHash).toBe(a1.result.outputHash)
    expect(b.result.outputHash).not.toBe(a1.result.outputHash)
  })

  it('art38 marks a GBK file exactly as its UTF-8 twin, and keeps it GBK', async () => {
    const utf8 = await copy(input, 'lic-A')
    const gbk = await copy(
      iconv.encode(input.toString('utf8'), 'gbk'),
      'lic-A',
      SYNTHETIC_SPEC,
      'gbk',
    )
    expect(iconv.decode(gbk.bytes, 'gbk')).toBe(utf8.bytes.toString('utf8'))
    // GB18030 four-byte characters take the slow path and still anchor the same.
    const rare = Buffer.from(input.toString('utf8').replaceAll('有限公司', '有限公司𠀀'))
    const rareUtf8 = await copy(rare, 'lic-A')
    const rareGb = await copy(
      iconv.encode(rare.toString('utf8'), 'gb18030'),
      'lic-A',
      SYNTHETIC_SPEC,
      'gb18030',
    )
    expect(iconv.decode(rareGb.bytes, 'gb18030')).toBe(rareUtf8.bytes.toString('utf8'))
  })

  it('art38 refuses a file that lacks a column the spec declares', async () => {
    const noId = Buffer.from('企业名称,从业人数\n甲公司,12\n')
    await expect(copy(noId, 'lic-A')).rejects.toThrow(/no column "统一社会信用代码"/)
  })

  it('art38 leaves the caller’s input buffers untouched', async () => {
    const before = Buffer.from(input)
    await copy(input, 'lic-A')
    expect(input.equals(before)).toBe(true)
  })
})
