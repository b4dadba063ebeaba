// The open-data screening gate (Art. 32/41): an open file is previewed or downloaded only once
// the scan of its bytes passed. The portal's routes are covered in tests/integration/open-data.test.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closeQueues } from '#jobs/queues'
import { runScan } from '~/services/desensitize/screening.server'
import { makeResidentId } from '~/services/identity/codes'
import { DomainError } from '~/utils/errors'
import { useTestDb } from '../../../tests/setup/db'
import { contentStore } from '~/services/storage/store.server'
import { requireFileScreened, screeningSubject } from './files.server'

const storage = mkdtempSync(path.join(os.tmpdir(), 'open-screening-'))
process.env.STORAGE_DIR = storage
// Stored through the (encrypted) content store: a scan names a blob by its key.
const put = async (text: string) => (await contentStore().putBytes(text)).key

async function refusal(file: { _id: string }): Promise<DomainError> {
  const error = await requireFileScreened(file).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

describe('open-data screening gate', () => {
  useTestDb()
  afterAll(async () => {
    await closeQueues()
    rmSync(storage, { recursive: true, force: true })
  })

  it('art32 an open file is refused until its scan passed: pending and failed are 409, passed opens', async () => {
    const entryId = '0123456789abcdef01234567'
    const raw = { _id: `${entryId}:stats:${'a'.repeat(64)}` }
    const clean = { _id: `${entryId}:stats:${'b'.repeat(64)}` }
    expect(screeningSubject(raw)).toBe(`distribution:${entryId}_stats_${'a'.repeat(64)}`)
    // A key too long for a subject still maps to one stable, valid subject.
    const long = { _id: `${entryId}:${'k'.repeat(80)}:${'c'.repeat(64)}` }
    expect(screeningSubject(long)).toMatch(/^distribution:f_[0-9a-f]{48}$/)
    expect(screeningSubject(long)).toBe(screeningSubject({ ...long }))

    const pending = await refusal(raw)
    expect(pending).toMatchObject({
      code: 'not_screened',
      status: 409,
      messageKey: 'error.openData.notScreened',
      params: { status: 'pending' },
    })

    expect(
      (
        await runScan({
          fileRef: await put(`姓名,身份证号\n张伟,${makeResidentId('44010619900307123')}\n`),
          subjectRef: screeningSubject(raw),
        })
      ).status,
    ).toBe('failed')
    expect(await refusal(raw)).toMatchObject({ status: 409, params: { status: 'failed' } })

    expect(
      (
        await runScan({
          fileRef: await put('区域,数量\n天河区,3\n越秀区,5\n'),
          subjectRef: screeningSubject(clean),
        })
      ).status,
    ).toBe('passed')
    await expect(requireFileScreened(clean)).resolves.toBeUndefined()
    // Another file's verdict does not open this one.
    expect(await refusal(raw)).toMatchObject({ params: { status: 'failed' } })
  })
})
