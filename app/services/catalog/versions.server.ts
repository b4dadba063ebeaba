// Art. 10–11: every approved change of an entry is a version; older versions stay readable and
// any two can be compared.
import { CatalogVersion, versionId } from '#models/catalog-version'
import { DomainError } from '~/utils/errors'
import { diffContent } from './diff'
import { plainContent } from './entries.server'

export async function listVersions(entryId: string) {
  const rows = await CatalogVersion.find({ entryId }, { content: 0 })
    .sort({ version: -1 })
    .limit(500)
    .lean()
  return rows.map((v) => ({
    version: v.version,
    approvedAt: v.approvedAt.toISOString(),
    approvedBy: v.approvedBy,
    filedAt: v.filedAt ? v.filedAt.toISOString() : null,
  }))
}

export async function getVersion(entryId: string, version: number) {
  const v = await CatalogVersion.findById(versionId(entryId, version)).lean()
  if (!v) throw new DomainError('not_found', 'error.notFound', 404)
  return {
    version: v.version,
    approvedAt: v.approvedAt.toISOString(),
    approvedBy: v.approvedBy,
    filedAt: v.filedAt ? v.filedAt.toISOString() : null,
    content: plainContent(v.content),
  }
}

/** What changed from version `from` to version `to` (either order). */
export async function diffVersions(entryId: string, from: number, to: number) {
  const [a, b] = await Promise.all([getVersion(entryId, from), getVersion(entryId, to)])
  return { from: a.version, to: b.version, changes: diffContent(a.content, b.content) }
}
