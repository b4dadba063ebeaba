// Issue 8 regulator console: filter the log, open an entry with its proof, export CSV and the
// signed bundle; every query is itself logged; bad filters are a 400, never a 500.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { User } from '#models/user'
import { loader as csvLoader } from '~/routes/regulator.log[.]csv'
import { loader as entryLoader } from '~/routes/regulator.log.$seq'
import { loader as logLoader } from '~/routes/regulator.log._index'
import { loader as exportLoader } from '~/routes/regulator.export'
import { listLedger } from '~/services/ledger/ledger.server'
import { verifyExport } from '~/services/ledger/verify-export.server'
import { subjectHref } from '~/services/supervision/queries.server'
import { csvCell } from '~/utils/csv.server'
import { BASE, demoEmail, sessionCookieFor, settle } from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

useTestDb()

let cookie = ''
let regulatorId = ''
const get = (p: string) => new Request(BASE + p, { headers: { Cookie: cookie } })
const ctx = { context: {} }

async function lastQuery() {
  const { entries } = await listLedger({
    action: 'regulator.query',
    actorUserId: regulatorId,
    limit: 1,
  })
  return entries[0]
}

describe('regulator console', () => {
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    cookie = await sessionCookieFor(demoEmail('regulator'))
    regulatorId = String((await User.findOne({ email: demoEmail('regulator') }).lean())!._id)
  })

  it('filters by action and date range, pages by cursor and logs the query', async () => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
    const res = await settle(() =>
      logLoader({
        request: get(`/regulator/log?action=org.created&from=2000-01-01&to=${today}`),
        params: {},
        ...ctx,
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      entries: { action: string; seq: number }[]
      filters: Record<string, string>
    }
    expect(body.entries.length).toBeGreaterThan(0)
    expect(body.entries.every((e) => e.action === 'org.created')).toBe(true)
    expect(body.filters).toMatchObject({ action: 'org.created', from: '2000-01-01', to: today })
    const logged = await lastQuery()
    expect(logged?.summary).toMatchObject({
      view: 'log',
      action: 'org.created',
      from: '2000-01-01',
      to: today,
    })
    expect(logged?.actorUserId).toBe(regulatorId)

    // A range in the past matches nothing; the cursor only returns older entries.
    const past = await settle(() =>
      logLoader({ request: get('/regulator/log?to=2000-01-01'), params: {}, ...ctx }),
    )
    expect(((await past.json()) as { entries: unknown[] }).entries).toEqual([])
    const older = await settle(() =>
      logLoader({ request: get('/regulator/log?before=3'), params: {}, ...ctx }),
    )
    expect(
      ((await older.json()) as { entries: { seq: number }[] }).entries.map((e) => e.seq),
    ).toEqual([2, 1])
  })

  it('refuses bad filters with 400', async () => {
    for (const q of [
      'from=yesterday',
      'subject=%24where',
      'action=DROP',
      'from=2026-02-01&to=2026-01-01',
      'before=-1',
      'evil=1',
      'org[%24ne]=x',
    ]) {
      const res = await settle(() =>
        logLoader({ request: get(`/regulator/log?${q}`), params: {}, ...ctx }),
      )
      expect(res.status, q).toBe(400)
      const csv = await settle(() =>
        csvLoader({ request: get(`/regulator/log.csv?${q}`), params: {}, ...ctx }),
      )
      expect(csv.status, q).toBe(400)
    }
    const entry = await settle(() =>
      entryLoader({ request: get('/regulator/log/abc'), params: { seq: 'abc' }, ...ctx }),
    )
    expect(entry.status).toBe(400)
    const missing = await settle(() =>
      entryLoader({ request: get('/regulator/log/99999999'), params: { seq: '99999999' }, ...ctx }),
    )
    expect(missing.status).toBe(404)
  })

  it('opens an entry with its inclusion proof, signed checkpoint and subject links', async () => {
    const res = await settle(() =>
      entryLoader({ request: get('/regulator/log/2'), params: { seq: '2' }, ...ctx }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      receipt: {
        seq: number
        index: number
        inclusionProof: string[]
        checkpoint: { treeSize: number; keyId: string; signature: string }
      }
    }
    expect(body.receipt).toMatchObject({ seq: 2, index: 1 })
    expect(body.receipt.checkpoint.treeSize).toBeGreaterThanOrEqual(2)
    expect(body.receipt.checkpoint.keyId).toBeTruthy()
    expect(body.receipt.checkpoint.signature).toBeTruthy()
    expect(body.receipt.inclusionProof.length).toBeGreaterThan(0)
    expect((await lastQuery())?.summary).toMatchObject({ view: 'entry', seq: 2 })
    expect(subjectHref('catalog-entry:0123456789abcdef01234567')).toBe(
      '/catalog/0123456789abcdef01234567',
    )
    expect(subjectHref('product:0123456789abcdef01234567')).toBe('/market/0123456789abcdef01234567')
    expect(subjectHref('org:0123456789abcdef01234567')).toBeNull()
    expect(subjectHref('product:../../x')).toBeNull()
  })

  it('exports the filtered view as CSV with a BOM, header and rows, and logs it', async () => {
    const res = await settle(() =>
      csvLoader({ request: get('/regulator/log.csv?action=org.created'), params: {}, ...ctx }),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('text/csv')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = new TextDecoder('utf-8', { ignoreBOM: true })
      .decode(bytes)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe(
      'seq,at,action,actorOrgId,actorUserId,subjects,summary,payloadDigest,prevHash,hash',
    )
    expect(lines.length).toBeGreaterThan(1)
    expect(lines.slice(1).every((l) => l.split(',')[2] === 'org.created')).toBe(true)
    expect((await lastQuery())?.summary).toMatchObject({ view: 'csv', action: 'org.created' })
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
  })

  it('downloads a signed export bundle that verifies offline', async () => {
    const res = await settle(() =>
      exportLoader({ request: get('/regulator/export'), params: {}, ...ctx }),
    )
    expect(res.status).toBe(200)
    const dir = mkdtempSync(path.join(tmpdir(), 'regulator-bundle-'))
    try {
      const file = path.join(dir, 'bundle.tar.gz')
      writeFileSync(file, Buffer.from(await res.arrayBuffer()))
      execFileSync('tar', ['-xzf', file, '-C', dir])
      const result = await verifyExport(dir)
      expect(result).toMatchObject({ ok: true })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect((await lastQuery())?.summary).toMatchObject({ view: 'export' })
  })
})
