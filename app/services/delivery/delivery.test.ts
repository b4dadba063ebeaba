// Unit tests of the delivery pieces that need no database: the spec the product's declared schema
// gives (ADR 021), the Art. 24 projection, and the signed links.
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { parseEnv } from '~/utils/env.server'
import { checkDownloadLink, signDownloadLink } from './links.server'
import { permittedColumns, ProjectTransform } from './project.server'
import { deriveFingerprintSpec, readCsvHead } from './spec.server'

const CSV =
  'code,name,amount,count,day\r\nA1,"Zhang, Wei",12.34,5,2024-01-05\r\nA2,Li,0.50,7,2024-02-01\r\nA3,Wu,9.99,1,2024-03-09\r\n'

describe('fingerprint spec from the declared schema (ADR 021)', () => {
  it('art38 declared types decide: code never changes, decimals ±1 in the last digit, dates only in spelling', () => {
    const head = readCsvHead(Buffer.from(CSV), ',')
    const { spec } = deriveFingerprintSpec(head.header, head, [
      { name: 'code', type: 'code' },
      { name: 'name', type: 'string' },
      { name: 'amount', type: 'decimal' },
      { name: 'count', type: 'integer' },
      { name: 'day', type: 'date' },
    ])
    expect(spec!.columns).toEqual([
      { name: 'code', kind: 'identifier' },
      { name: 'name', kind: 'text' },
      { name: 'amount', kind: 'numeric', tolerance: { lastDigit: true } },
      { name: 'count', kind: 'numeric' },
      { name: 'day', kind: 'date', equivalentEncodings: true },
    ])
  })

  it('art38 a numeric field’s declared tolerance comes first: fixed is never changed, ±N marks one digit within N', () => {
    const head = readCsvHead(Buffer.from(CSV), ',')
    const { spec } = deriveFingerprintSpec(['code', 'amount', 'count'], head, [
      { name: 'code', type: 'code' },
      { name: 'amount', type: 'decimal', fixed: true, toleranceAbsolute: null },
      { name: 'count', type: 'integer', fixed: false, toleranceAbsolute: 10 },
    ])
    expect(spec!.columns).toEqual([
      { name: 'code', kind: 'identifier' },
      { name: 'amount', kind: 'numeric' },
      { name: 'count', kind: 'numeric', tolerance: { absolute: 10 } },
    ])
    // A tolerance on a field that is not numeric changes nothing (the version form refuses it).
    const text = deriveFingerprintSpec(['code', 'amount'], head, [
      { name: 'code', type: 'code' },
      { name: 'amount', type: 'string', toleranceAbsolute: 5 },
    ])
    expect(text).toEqual({ spec: null, note: 'nothing_to_mark' })
  })

  it('art38 a decimal declared as string is never marked; nothing markable means no fingerprint', () => {
    const head = readCsvHead(Buffer.from(CSV), ',')
    const out = deriveFingerprintSpec(['code', 'amount'], head, [
      { name: 'code', type: 'code' },
      { name: 'amount', type: 'string' },
    ])
    expect(out).toEqual({ spec: null, note: 'nothing_to_mark' })
  })

  it('art38 without a declared schema the sampled values decide', () => {
    const head = readCsvHead(Buffer.from(CSV), ',')
    const { spec } = deriveFingerprintSpec(head.header, head, [])
    expect(spec!.columns.map((c) => c.kind)).toEqual(['text', 'text', 'numeric', 'numeric', 'date'])
    expect(spec!.columns[2]).toMatchObject({ tolerance: { lastDigit: true } })
    expect(spec!.columns[3]).not.toHaveProperty('tolerance')
  })
})

describe('projection (Art. 24)', () => {
  it('art24 keeps only the permitted columns, bytes and quoting unchanged', async () => {
    const { keep, dropped } = permittedColumns(
      ['code', 'name', 'amount', 'count', 'day'],
      ['CODE', ' amount', 'name'],
    )
    expect(keep).toEqual([0, 1, 2])
    expect(dropped).toEqual(['count', 'day'])
    // Small chunks: records cross chunk boundaries.
    const chunks = [...Buffer.from(CSV)].reduce<Buffer[]>(
      (acc, b, i) =>
        i % 7 === 0
          ? [...acc, Buffer.from([b])]
          : [...acc.slice(0, -1), Buffer.concat([acc.at(-1)!, Buffer.from([b])])],
      [],
    )
    const out = await buffer(Readable.from(chunks).pipe(new ProjectTransform(keep, ',')))
    expect(out.toString('utf8')).toBe(
      'code,name,amount\r\nA1,"Zhang, Wei",12.34\r\nA2,Li,0.50\r\nA3,Wu,9.99\r\n',
    )
  })

  it('art24 an empty permission means every column', () => {
    expect(permittedColumns(['a', 'b'], [])).toEqual({ keep: [0, 1], dropped: [] })
  })
})

describe('signed download links', () => {
  const delivery = {
    licenceId: '0123456789abcdef01234567',
    key: 'data.csv',
    _id: '0123456789abcdef01234567:data.csv',
  }

  it('art38 a link works until it expires and never beyond the licence end; a changed link never', () => {
    const now = new Date('2026-11-01T00:00:00Z')
    const { href, expiresAt } = signDownloadLink(delivery, new Date('2026-11-01T06:00:00Z'), now)
    expect(expiresAt.toISOString()).toBe('2026-11-01T06:00:00.000Z')
    const url = new URL(href, 'http://x')
    const expires = Number(url.searchParams.get('expires'))
    const sig = url.searchParams.get('sig')!
    expect(checkDownloadLink(delivery._id, expires, sig, now)).toBe('ok')
    expect(checkDownloadLink(delivery._id, expires, sig, new Date('2026-11-01T06:00:00Z'))).toBe(
      'link_expired',
    )
    expect(checkDownloadLink(delivery._id, expires + 3600, sig, now)).toBe('bad_signature')
    expect(checkDownloadLink(`${delivery.licenceId}:other.csv`, expires, sig, now)).toBe(
      'bad_signature',
    )
    expect(checkDownloadLink(delivery._id, expires, 'nothex', now)).toBe('bad_signature')
  })

  it('refuses to start in production without DELIVERY_LINK_SECRET', () => {
    const base = {
      MONGODB_URI: 'mongodb://localhost/x',
      REDIS_URL: 'redis://localhost',
      SESSION_SECRET: 'x'.repeat(32),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    }
    expect(() => parseEnv({ ...base, NODE_ENV: 'production' })).toThrow(/DELIVERY_LINK_SECRET/)
    expect(
      parseEnv({ ...base, NODE_ENV: 'production', DELIVERY_LINK_SECRET: 'k'.repeat(32) })
        .DELIVERY_LINK_SECRET,
    ).toBe('k'.repeat(32))
    expect(() => parseEnv({ ...base, DELIVERY_LINK_SECRET: 'short' })).toThrow(
      /DELIVERY_LINK_SECRET/,
    )
    expect(parseEnv(base).DELIVERY_LINK_SECRET).toBeUndefined()
  })
})
