// The scan job, the screening gate and the report API on the run's own database and Redis.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { UnrecoverableError } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ScanLink, ScanReport } from '#models/scan-report'
import { User } from '#models/user'
import { closeQueues } from '#jobs/queues'
import { scan } from '#jobs/processors/scan'
import { makeResidentId } from '~/services/identity/codes'
import { listLedger } from '~/services/ledger/ledger.server'
import { DomainError } from '~/utils/errors'
import { BASE, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import {
  requestScan,
  requireScreeningPassed,
  openStoredFile,
  screeningStatus,
} from './screening.server'
import { contentStore, keyFor } from '~/services/storage/store.server'

const storage = mkdtempSync(path.join(os.tmpdir(), 'desens-storage-'))
process.env.STORAGE_DIR = storage
const outside = mkdtempSync(path.join(os.tmpdir(), 'desens-outside-'))

const RAW = `姓名,身份证号\n张伟,${makeResidentId('44010619900307123')}\n`
const CLEAN = '区域,数量\n天河区,3\n越秀区,5\n'
writeFileSync(path.join(storage, 'raw.csv'), RAW)
writeFileSync(path.join(outside, 'secret.csv'), RAW)
// File references are the store's keys (its blobs are encrypted): set in beforeAll.
let raw = ''
let clean = ''

describe('scan job and screening gate', () => {
  useTestDb()
  let providerOrg = ''
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    raw = (await contentStore().putBytes(RAW)).key
    clean = (await contentStore().putBytes(CLEAN)).key
    providerOrg = String((await User.findOne({ email: 'provider@demo.gd.example' }).lean())!.orgId)
  })
  afterAll(async () => {
    await closeQueues()
    rmSync(storage, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it('refuses file references that are not store keys, and plaintext planted under a key', async () => {
    await expect(openStoredFile(raw)).resolves.toMatchObject({ size: Buffer.byteLength(RAW) })
    // A path of any kind is not a key: the raw file beside the blobs is not reachable either.
    for (const ref of ['../x.csv', path.join(outside, 'secret.csv'), 'raw.csv', '']) {
      await expect(openStoredFile(ref), ref).rejects.toBeInstanceOf(DomainError)
    }
    // A file written straight into the store (not through it, so not encrypted) is not read.
    const planted = keyFor('ab'.repeat(32))
    mkdirSync(path.dirname(path.join(storage, planted)), { recursive: true })
    writeFileSync(path.join(storage, planted), RAW)
    await expect(openStoredFile(planted)).rejects.toMatchObject({ status: 404 })
    await expect(
      scan({ fileRef: '../../etc/passwd', subjectRef: 'product-version:v1' }),
    ).rejects.toBeInstanceOf(UnrecoverableError)
    await expect(scan({ fileRef: raw, subjectRef: 'nonsense' })).rejects.toBeInstanceOf(
      UnrecoverableError,
    )
  })

  it('art32 the job is idempotent: run twice, one report, one link, one ledger entry', async () => {
    const payload = {
      fileRef: raw,
      subjectRef: 'product-version:v1',
      requestedBy: { orgId: providerOrg },
    }
    const first = await scan(payload)
    const second = await scan(payload)
    expect(first).toMatchObject({ status: 'failed', created: true })
    expect(second).toMatchObject({
      reportId: first.reportId,
      status: 'failed',
      created: false,
      ledgerSeq: first.ledgerSeq,
    })
    expect(await ScanReport.countDocuments({ fileHash: first.fileHash })).toBe(1)
    expect(await ScanLink.countDocuments({ subjectRef: 'product-version:v1' })).toBe(1)
    const entries = (await listLedger({ subject: `scan-report:${first.reportId}`, limit: 10 }))
      .entries
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ action: 'scan.failed', actorOrgId: providerOrg })
    expect(entries[0]!.subjects).toEqual([
      'product-version:v1',
      `scan-report:${first.reportId}`,
      `file:${first.fileHash}`,
    ])
  })

  it('art32 screening goes pending → failed → pending (rescan requested) → passed, and the gate follows it', async () => {
    expect(await screeningStatus('distribution:d1')).toBe('pending')
    await expect(requireScreeningPassed('distribution:d1')).rejects.toMatchObject({
      code: 'screening_not_passed',
      status: 409,
    })
    await scan({ fileRef: raw, subjectRef: 'distribution:d1' })
    expect(await screeningStatus('distribution:d1')).toBe('failed')
    await requestScan({
      fileRef: clean,
      subjectRef: 'distribution:d1',
      requestedBy: { orgId: providerOrg },
    })
    expect(await screeningStatus('distribution:d1')).toBe('pending')
    const done = await scan({ fileRef: clean, subjectRef: 'distribution:d1' })
    expect(done.status).toBe('passed')
    expect(await screeningStatus('distribution:d1')).toBe('passed')
    await expect(requireScreeningPassed('distribution:d1')).resolves.toBeUndefined()
    const entries = (await listLedger({ subject: 'distribution:d1', limit: 10 })).entries
    expect(entries.map((e) => e.action)).toEqual(['scan.passed', 'scan.failed'])
  })

  it('a damaged file ends in a failed report, not a failed job', async () => {
    const bad = await contentStore().putBytes(Buffer.from('PK\u0003\u0004 truncated'))
    const out = await scan({ fileRef: bad.key, subjectRef: 'product-version:v9' })
    expect(out.status).toBe('failed')
    const report = await ScanReport.findById(out.reportId).lean()
    expect(report).toMatchObject({ failureCode: 'xlsx_truncated' })
  })

  it('GET /api/v1/scans/:id shows the report to its own organisation and the authority only', async () => {
    const { reportId } = await scan({
      fileRef: raw,
      subjectRef: 'product-version:v1',
      requestedBy: { orgId: providerOrg },
    })
    const { loader } = await import('~/routes/api.v1.scans.$id')
    const get = async (email: string) => {
      const cookie = await sessionCookieFor(email)
      return settle(() =>
        loader({
          request: new Request(`${BASE}/api/v1/scans/${reportId}`, { headers: { Cookie: cookie } }),
          params: { id: reportId },
          context: {},
        }),
      )
    }
    const own = await get('provider@demo.gd.example')
    expect(own.status).toBe(200)
    const body = (await own.json()) as {
      status: string
      result: { sheets: { columns: { findings: { detector: string }[] }[] }[] }
    }
    expect(body.status).toBe('failed')
    expect(
      body.result.sheets[0]!.columns.flatMap((c) => c.findings.map((f) => f.detector)),
    ).toContain('resident_id')
    expect((await get('authority@demo.gd.example')).status).toBe(200)
    expect((await get('provider2@demo.gd.example')).status).toBe(404)
    expect((await get('buyer@demo.gd.example')).status).toBe(403)
  })
})
