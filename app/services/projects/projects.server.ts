// Fiscally funded IT projects and their data lists (C12; Art. 49 ¶2, 50): the data authority
// registers a project of an agency it coordinates; the project unit files the project's public data
// list (the catalog entries the system produces); before completion acceptance the list is
// checked item by item — catalogued, aggregated (data received), shared according to its sharing
// type — and acceptance is refused while anything fails, with the reasons (符合性审查).
import { CatalogEntry } from '#models/catalog-entry'
import { EntryDataset } from '#models/entry-dataset'
import { ItProject, ItProjectAcceptance, type ItProjectDoc } from '#models/it-project'
import { Organization } from '#models/organization'
import { orgNames } from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { agenciesCoordinatedBy, coordinatingAuthority } from '~/services/sharing/requests.server'
import { claim, connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'

export interface ProjectCheckItem {
  /** The reference as filed (an entry code or id). */
  ref: string
  entryId: string | null
  code: string | null
  title: { zh: string; en: string } | null
  sharingType: string | null
  catalogued: boolean
  aggregated: boolean
  shared: boolean
  ok: boolean
}

/**
 * Art. 50: each item of a project's data list, checked now. Catalogued: an approved version of the
 * entry is in the catalog. Aggregated: the entry's data has been received (a stored table, or a
 * recorded data update). Shared according to its type: a shareable entry is listed for sharing; a
 * not-shared one is filed with the authority (Art. 13 备案).
 */
export async function checkDataList(
  project: Pick<ItProjectDoc, 'dataList' | 'unitOrgId'>,
): Promise<ProjectCheckItem[]> {
  const items: ProjectCheckItem[] = []
  for (const ref of project.dataList) {
    const entry = isObjectId(ref)
      ? await CatalogEntry.findById(ref).lean()
      : await CatalogEntry.findOne({ code: ref }).lean()
    if (!entry || entry.orgId !== project.unitOrgId) {
      items.push({
        ref,
        entryId: null,
        code: null,
        title: null,
        sharingType: null,
        catalogued: false,
        aggregated: false,
        shared: false,
        ok: false,
      })
      continue
    }
    const entryId = String(entry._id)
    const shown = entry.published ?? entry.content
    const catalogued = entry.publishedVersion > 0 && Boolean(entry.published)
    const aggregated =
      Boolean(entry.lastDataUpdateAt) || (await EntryDataset.exists({ entryId })) !== null
    const sharingType = shown.sharingType
    const shared =
      catalogued && (sharingType === 'not_shared' ? Boolean(entry.notSharedFiledAt) : entry.listed)
    items.push({
      ref,
      entryId,
      code: entry.code,
      title: { zh: shown.title.zh ?? '', en: shown.title.en ?? '' },
      sharingType,
      catalogued,
      aggregated,
      shared,
      ok: catalogued && aggregated && shared,
    })
  }
  return items
}

/** Agencies the officer's authority coordinates (the units it may register projects for). */
export async function projectUnits(officer: AuthUser) {
  assertMay(officer, 'register:it-project:own-org')
  await connectDb()
  return agenciesCoordinatedBy(officer.org?.id)
}

/** Art. 50: the authority registers a fiscally funded IT project of an agency it coordinates. */
export async function registerProject(
  officer: AuthUser,
  input: { name: string; unitOrgId: string },
  now = new Date(),
): Promise<{ projectId: string }> {
  assertMay(officer, 'register:it-project:own-org')
  await connectDb()
  const unit = await Organization.findById(input.unitOrgId, { type: 1, status: 1 }).lean()
  if (
    unit?.type !== 'agency' ||
    unit.status !== 'approved' ||
    (await coordinatingAuthority(input.unitOrgId)) !== officer.org?.id
  )
    throw new DomainError('not_coordinated', 'error.project.notCoordinated', 422, {
      unitOrgId: ['error.project.notCoordinated'],
    })
  const doc = await ItProject.create({
    name: input.name,
    unitOrgId: input.unitOrgId,
    authorityOrgId: officer.org!.id,
    registeredBy: officer.id,
    registeredAt: now,
  })
  await logRegistration(doc.toObject() as ItProjectDoc)
  return { projectId: String(doc._id) }
}

/**
 * The registration's log entry, `loggedSeq` last. Idempotent (keyed): a project a crash left
 * unlogged is logged the next time it is read (`loadProject`, `myProjects`).
 */
async function logRegistration(p: ItProjectDoc): Promise<void> {
  if (p.loggedSeq !== null && p.loggedSeq !== undefined) return
  const id = String(p._id)
  const entry = await appendLedger({
    action: 'project.registered',
    actor: { userId: p.registeredBy, orgId: p.authorityOrgId },
    subjects: [`it-project:${id}`, `org:${p.unitOrgId}`],
    summary: { name: p.name },
    eventKey: `project.registered:${id}`,
  })
  await ItProject.updateOne({ _id: p._id }, { $set: { loggedSeq: entry._id } })
}

/**
 * The latest data-list filing's log entry (keyed by the filing's time), then `dataListLoggedAt`. A
 * filing a crash left unlogged is logged the next time the project is read.
 */
async function logFiling(p: ItProjectDoc): Promise<void> {
  const filedAt = p.dataListFiledAt
  if (!filedAt || p.dataListLoggedAt?.getTime() === filedAt.getTime()) return
  const id = String(p._id)
  await appendLedger({
    action: 'project.data-list-filed',
    actor: { userId: p.dataListFiledBy ?? p.registeredBy, orgId: p.unitOrgId },
    subjects: [`it-project:${id}`, `org:${p.unitOrgId}`],
    payload: { entries: p.dataList },
    summary: { items: p.dataList.length },
    eventKey: `project.data-list-filed:${id}:${filedAt.getTime()}`,
  })
  await ItProject.updateOne(
    { _id: p._id, dataListFiledAt: filedAt },
    { $set: { dataListLoggedAt: filedAt } },
  )
}

async function loadProject(projectId: string) {
  if (!isObjectId(projectId)) throw new DomainError('not_found', 'error.notFound', 404)
  const p = await ItProject.findById(projectId).lean()
  if (!p) throw new DomainError('not_found', 'error.notFound', 404)
  await logRegistration(p)
  await logFiling(p)
  return p
}

/**
 * Art. 50: the project unit files the project's public data list — entries of its own catalog,
 * by code or id. Refiled freely until the project is accepted; an unknown or another body's
 * entry is refused with the references named.
 */
export async function fileDataList(
  user: AuthUser,
  projectId: string,
  refs: string[],
  now = new Date(),
): Promise<{ items: number }> {
  assertMay(user, 'file:project-data-list:own-org')
  await connectDb()
  const p = await loadProject(projectId)
  if (p.unitOrgId !== user.org?.id) throw new DomainError('not_found', 'error.notFound', 404)
  if (p.acceptedAt || (await ItProjectAcceptance.exists({ _id: projectId })))
    throw new DomainError('project_accepted', 'error.project.accepted', 409)
  const checked = await checkDataList({ dataList: refs, unitOrgId: p.unitOrgId })
  const unknown = checked.filter((i) => !i.entryId).map((i) => i.ref)
  if (unknown.length)
    throw new DomainError(
      'unknown_entries',
      'error.project.unknownEntries',
      422,
      { entries: ['error.project.unknownEntries'] },
      { refs: unknown.join(', ') },
    )
  const dataList = checked.map((i) => i.entryId!)
  await ItProject.updateOne(
    { _id: p._id },
    { $set: { dataList, dataListFiledAt: now, dataListFiledBy: user.id } },
  )
  await logFiling({ ...p, dataList, dataListFiledAt: now, dataListFiledBy: user.id })
  return { items: dataList.length }
}

/**
 * Art. 49 ¶2, 50: completion acceptance. Refused (422, the failing items named) while the data list
 * is missing or any item is not catalogued, aggregated and shared; else accepted once (a claim
 * under the project's id) and logged.
 */
export async function acceptProject(
  officer: AuthUser,
  projectId: string,
  now = new Date(),
): Promise<{ accepted: true; seq: number }> {
  assertMay(officer, 'register:it-project:own-org')
  await connectDb()
  const p = await loadProject(projectId)
  if (p.authorityOrgId !== officer.org?.id)
    throw new DomainError('not_found', 'error.notFound', 404)
  if (p.dataList.length === 0)
    throw new DomainError('no_data_list', 'error.project.noDataList', 422)
  const items = await checkDataList(p)
  const failing = items.filter((i) => !i.ok)
  if (failing.length)
    throw new DomainError('acceptance_refused', 'error.project.refused', 422, undefined, {
      notCatalogued: codes(failing.filter((i) => !i.catalogued)),
      notAggregated: codes(failing.filter((i) => !i.aggregated)),
      notShared: codes(failing.filter((i) => !i.shared)),
    })
  const won = await claim(ItProjectAcceptance, { _id: projectId, by: officer.id, at: now, items })
  const acceptance = (await ItProjectAcceptance.findById(projectId).lean())!
  const entry = await appendLedger({
    action: 'project.accepted',
    actor: { userId: acceptance.by, orgId: p.authorityOrgId },
    subjects: [`it-project:${projectId}`, `org:${p.unitOrgId}`],
    payload: { items: items.map((i) => i.entryId) },
    summary: { items: items.length },
    eventKey: `project.accepted:${projectId}`,
  })
  // The projection (idempotent): a crash before it is finished by the next acceptance attempt.
  await ItProject.updateOne(
    { _id: p._id },
    { $set: { acceptedAt: acceptance.at, acceptedBy: acceptance.by, acceptedSeq: entry._id } },
  )
  if (!won && p.acceptedAt) throw new DomainError('project_accepted', 'error.project.accepted', 409)
  return { accepted: true, seq: entry._id }
}

const codes = (items: ProjectCheckItem[]) =>
  items.length ? items.map((i) => i.code ?? i.ref).join(', ') : '—'

export interface ProjectView {
  id: string
  name: string
  unit: { id: string; name: { zh: string; en: string } }
  registeredAt: string
  dataListFiledAt: string | null
  acceptedAt: string | null
  items: ProjectCheckItem[]
  ready: boolean
}

/** The projects the user's organisation registered (authority) or runs (project unit). */
export async function myProjects(user: AuthUser): Promise<ProjectView[]> {
  if (
    !user.permissions.has('register:it-project:own-org') &&
    !user.permissions.has('file:project-data-list:own-org')
  )
    throw new DomainError('forbidden', 'error.forbidden', 403)
  await connectDb()
  const org = user.org?.id ?? ''
  const [mine, registered] = await Promise.all([
    ItProject.find({ unitOrgId: org }).lean(),
    ItProject.find({ authorityOrgId: org }).lean(),
  ])
  const projects = [...mine, ...registered].sort(
    (a, b) => b.registeredAt.getTime() - a.registeredAt.getTime(),
  )
  const names = await orgNames([...new Set(projects.map((p) => p.unitOrgId))])
  const out: ProjectView[] = []
  for (const p of projects) {
    await logRegistration(p)
    await logFiling(p)
    const items = await checkDataList(p)
    out.push({
      id: String(p._id),
      name: p.name,
      unit: { id: p.unitOrgId, name: names[p.unitOrgId] ?? { zh: '', en: '' } },
      registeredAt: p.registeredAt.toISOString(),
      dataListFiledAt: p.dataListFiledAt?.toISOString() ?? null,
      acceptedAt: p.acceptedAt?.toISOString() ?? null,
      items,
      ready: items.length > 0 && items.every((i) => i.ok),
    })
  }
  return out
}
