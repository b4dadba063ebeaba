// IT projects and their data lists (C12; Art. 49 ¶2, 50) on the run's own database.
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { EntryDataset } from '#models/entry-dataset'
import { ItProject, ItProjectAcceptance } from '#models/it-project'
import { LedgerEntry } from '#models/ledger-entry'
import { recordDataUpdate } from '~/services/catalog/freshness.server'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser, seededEntryId } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { acceptProject, fileDataList, myProjects, registerProject } from './projects.server'

describe('IT project data lists (Art. 50)', () => {
  useTestDb()
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
  })

  it('art50 acceptance is refused while an item is not catalogued, aggregated and shared — with the reasons — and accepted once, when every item is', async () => {
    const [authority, psb] = await Promise.all([
      demoUser('authority@demo.gd.example'),
      demoUser('psb@demo.gd.example'),
    ])
    const { projectId } = await registerProject(authority, {
      name: '省公安政务服务一体化平台',
      unitOrgId: psb.org!.id,
    })
    // A registration a crash left unlogged is logged (once) the next time the project is read.
    await ItProject.updateOne({ _id: projectId }, { $set: { loggedSeq: null } })
    await myProjects(authority)
    await myProjects(psb)
    expect(
      await LedgerEntry.countDocuments({
        action: 'project.registered',
        subjects: `it-project:${projectId}`,
      }),
    ).toBe(1)
    expect((await ItProject.findById(projectId).lean())!.loggedSeq).toBeGreaterThan(0)
    // Before a data list is filed, nothing can be accepted.
    expect(await refusal(() => acceptProject(authority, projectId))).toMatchObject({
      status: 422,
      code: 'no_data_list',
    })
    // Two of psb's approved entries; one whose data has not been received.
    const ids = [await seededEntryId('psb', '0002'), await seededEntryId('psb', '0003')]
    const entries = await Promise.all(
      ids.map(async (id) => (await CatalogEntry.findById(id).lean())!),
    )
    await EntryDataset.deleteMany({ entryId: ids[1] })
    await CatalogEntry.updateOne({ _id: ids[1] }, { $set: { lastDataUpdateAt: null } })
    await fileDataList(
      psb,
      projectId,
      entries.map((e) => e.code),
    )
    // A filing a crash left unlogged is logged (once) the next time the project is read.
    // (A refiling stored, then the process died before its log entry.)
    const filed = { action: 'project.data-list-filed', subjects: `it-project:${projectId}` }
    expect(await LedgerEntry.countDocuments(filed)).toBe(1)
    await ItProject.updateOne(
      { _id: projectId },
      { $set: { dataListFiledAt: new Date(Date.now() + 1000), dataListFiledBy: psb.id } },
    )
    await myProjects(psb)
    await myProjects(authority)
    expect(await LedgerEntry.countDocuments(filed)).toBe(2)
    const refused = await refusal(() => acceptProject(authority, projectId))
    expect(refused).toMatchObject({ status: 422, code: 'acceptance_refused' })
    const code = entries.find((e) => String(e._id) === ids[1])!.code
    expect(refused.params).toMatchObject({ notAggregated: code, notCatalogued: '—' })
    // The check as both sides see it.
    const [view] = (await myProjects(psb)).filter((p) => p.id === projectId)
    expect(view!.ready).toBe(false)
    expect(view!.items.find((i) => i.entryId === ids[1])).toMatchObject({
      catalogued: true,
      aggregated: false,
    })

    // The data arrives: accepted, once — five officers at once make one acceptance.
    await recordDataUpdate({ user: psb, entryId: ids[1]!, note: '系统上线后首次汇聚' })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => acceptProject(authority, projectId)),
    )
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true)
    expect(await ItProjectAcceptance.countDocuments({ _id: projectId })).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: 'project.accepted',
        subjects: `it-project:${projectId}`,
      }),
    ).toBe(1)
    expect((await myProjects(authority)).find((p) => p.id === projectId)?.acceptedAt).toBeTruthy()
    // An accepted project's list is closed.
    expect(await refusal(() => fileDataList(psb, projectId, [code]))).toMatchObject({
      status: 409,
    })
    expect(
      await LedgerEntry.countDocuments({ subjects: `it-project:${projectId}` }),
    ).toBeGreaterThanOrEqual(3)
  })

  it('art50 only the coordinating authority registers and accepts, only the unit files, and only its own entries', async () => {
    const [authority, gzAuthority, psb, amr] = await Promise.all([
      demoUser('authority@demo.gd.example'),
      demoUser('gz-authority@demo.gd.example'),
      demoUser('psb@demo.gd.example'),
      demoUser('amr@demo.gd.example'),
    ])
    // A city authority does not coordinate a provincial agency; an agency cannot register.
    expect(
      await refusal(() =>
        registerProject(gzAuthority, { name: '跨级项目', unitOrgId: psb.org!.id }),
      ),
    ).toMatchObject({ status: 422, code: 'not_coordinated' })
    expect(
      await refusal(() => registerProject(psb, { name: '自建项目', unitOrgId: psb.org!.id })),
    ).toMatchObject({ status: 403 })
    const { projectId } = await registerProject(authority, {
      name: '市场监管一网通办',
      unitOrgId: amr.org!.id,
    })
    // Another body cannot file it; the unit cannot file entries that are not its own.
    expect(await refusal(() => fileDataList(psb, projectId, ['x']))).toMatchObject({
      status: 404,
    })
    const psbEntry = (await CatalogEntry.findById(await seededEntryId('psb', '0002')).lean())!
    const refused = await refusal(() => fileDataList(amr, projectId, [psbEntry.code, 'GD-NOPE']))
    expect(refused).toMatchObject({ status: 422, code: 'unknown_entries' })
    expect(String(refused.params?.refs)).toContain(psbEntry.code)
    // Another authority cannot accept it.
    expect(await refusal(() => acceptProject(gzAuthority, projectId))).toMatchObject({
      status: 404,
    })
  })
})
