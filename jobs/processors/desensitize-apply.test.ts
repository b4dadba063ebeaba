// The `desensitize-apply` job on the run's own database and Redis: one result per (input, profile),
// masked output in the content store, one ledger entry, and a scan of the output that passes.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { UnrecoverableError } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DesensitizeResult } from '#models/desensitize-result'
import { closeQueues, getQueue } from '#jobs/queues'
import { makeResidentId } from '~/services/identity/codes'
import { listLedger } from '~/services/ledger/ledger.server'
import { runScan, screeningStatus } from '~/services/desensitize/screening.server'
import { useTestDb } from '../../tests/setup/db'
import { desensitizeApply } from './desensitize-apply'
import { scan } from './scan'
import { contentStore } from '~/services/storage/store.server'

const storage = mkdtempSync(path.join(os.tmpdir(), 'desens-apply-'))
process.env.STORAGE_DIR = storage

const ids = ['44010619900307123', '44030519851112456', '44190019771201789'].map((base) =>
  makeResidentId(base),
)
const RAW = `姓名,身份证号,区域\n${ids.map((id, i) => `${['张伟', '李娜', '王芳'][i]},${id},天河区`).join('\n')}\n`
// The input is a blob of the (encrypted) store, named by its key.
let raw = ''

const profile = {
  name: 'mask-ids',
  columns: { 姓名: { method: 'suppress' }, 身份证号: { method: 'mask', keepHead: 6 } },
}

describe('desensitize-apply job', () => {
  useTestDb()
  beforeAll(async () => {
    raw = (await contentStore().putBytes(RAW)).key
  })
  afterAll(async () => {
    await closeQueues()
    rmSync(storage, { recursive: true, force: true })
  })

  it('art32 applying a profile twice leaves one result, masked output, one ledger entry, and a passing scan where the input failed', async () => {
    const subjectRef = 'product-version:apply1'
    const input = await runScan({ fileRef: raw, subjectRef: 'product-version:apply-input' })
    expect(input.status).toBe('failed')

    const payload = { fileRef: raw, profile, subjectRef }
    const first = await desensitizeApply(payload)
    const second = await desensitizeApply(payload)
    expect(first.created).toBe(true)
    expect(second).toMatchObject({
      resultId: first.resultId,
      created: false,
      ledgerSeq: first.ledgerSeq,
      outputFileRef: first.outputFileRef,
    })
    expect(await DesensitizeResult.countDocuments({})).toBe(1)
    expect(first.provenance).toMatchObject({ inputHash: input.fileHash, profile: 'mask-ids' })
    expect(first.resultId).toBe(`${first.provenance.inputHash}-${first.provenance.profileHash}`)

    const output = (await contentStore().readAll(first.outputFileRef)).toString('utf8')
    expect(output.split('\n')[0]).toBe('身份证号,区域')
    expect(output).toContain(`${ids[0]!.slice(0, 6)}${'*'.repeat(12)},天河区`)
    for (const id of ids) expect(output).not.toContain(id)
    expect(output).not.toContain('张伟')

    const entries = await listLedger({ subject: `desensitize-result:${first.resultId}`, limit: 10 })
    expect(entries.entries.map((e) => e.action)).toEqual(['desensitize.applied'])

    // The output's scan was enqueued for the subject; until it runs the subject is pending.
    expect(await screeningStatus(subjectRef)).toBe('pending')
    const jobs = (await getQueue('scan').getJobs(['waiting', 'prioritized', 'delayed'])).filter(
      (j) => j.data.subjectRef === subjectRef,
    )
    expect(jobs.length).toBeGreaterThanOrEqual(1)
    for (const job of jobs)
      expect(await scan(job.data)).toMatchObject({
        status: 'passed',
        fileHash: first.provenance.outputHash,
      })
    expect(await screeningStatus(subjectRef)).toBe('passed')
  })

  it('refuses a file outside storage and a profile naming columns the file lacks, without retrying', async () => {
    await expect(
      desensitizeApply({ fileRef: '../etc/passwd', profile, subjectRef: 'product-version:x' }),
    ).rejects.toBeInstanceOf(UnrecoverableError)
    await expect(
      desensitizeApply({
        fileRef: raw,
        profile: { name: 'bad', columns: { 电话: { method: 'suppress' } } },
        subjectRef: 'product-version:x',
      }),
    ).rejects.toBeInstanceOf(UnrecoverableError)
    await expect(
      desensitizeApply({
        fileRef: raw,
        profile: { name: 'x' },
        subjectRef: 'product-version:x',
      }),
    ).rejects.toBeInstanceOf(UnrecoverableError)
  })
})
