// The open-data portal's entry page and downloads (Art. 32–33): only listed entries that are open
// or conditionally open exist here; everything else is a 404, even for staff.
import {
  getEntryForIndex,
  orgNames,
  type CatalogIndexRecord,
} from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { DomainError } from '~/utils/errors'
import { applicationOf, mayDownload } from './applications.server'
import {
  currentFile,
  currentFiles,
  fileScreening,
  fileStream,
  isOpenRecord,
  previewFile,
  requireFileScreened,
  screeningByEntry,
  type Preview,
} from './files.server'
import { isHttpUrl, OBJECT_ID } from '~/utils/schemas'

/** An open entry, or 404 (a malformed id is a 400). */
export async function openRecord(entryId: string): Promise<CatalogIndexRecord> {
  if (!OBJECT_ID.test(entryId)) throw new DomainError('invalid_id', 'error.dcat.badId', 400)
  const record = await getEntryForIndex(entryId)
  if (!record || !isOpenRecord(record)) throw new DomainError('not_found', 'error.notFound', 404)
  return record
}

export async function openEntryPage(entryId: string, viewer: AuthUser | undefined) {
  const record = await openRecord(entryId)
  const c = record.content
  const names = await orgNames([
    record.orgId,
    c.departments.collecting,
    c.departments.verifying,
    c.departments.providing,
  ])
  const files = await currentFiles(entryId)
  const canDownload = await mayDownload(record, viewer)
  const distributions = await Promise.all(
    c.distributions.map(async (d) => {
      const file = files.get(d.key)
      // Art. 32/41: no preview until the file's scan passed.
      const screening = file ? await fileScreening(file) : null
      const preview: Preview | null =
        file && canDownload && screening === 'passed' ? await previewFile(file) : null
      return {
        key: d.key,
        title: d.title,
        format: d.format,
        // Only http(s) is ever a link (stored before the schema refused other schemes, or not).
        accessUrl: isHttpUrl(d.accessUrl) ? d.accessUrl : null,
        desensitized: d.desensitized,
        file: file
          ? {
              filename: file.filename,
              size: file.size,
              sha256: file.sha256,
              uploadedAt: file.uploadedAt.toISOString(),
              screening,
            }
          : null,
        preview,
      }
    }),
  )
  const application =
    c.openAttribute === 'open_conditional' && viewer?.org && viewer.org.id !== record.orgId
      ? await applicationOf(entryId, viewer.org.id)
      : null
  return {
    entry: {
      id: record.id,
      code: record.code,
      orgId: record.orgId,
      orgName: names[record.orgId] ?? record.orgName,
      level: record.level,
      regionCode: record.regionCode,
      version: record.version,
      publishedAt: record.publishedAt,
      lastDataUpdateAt: record.lastDataUpdateAt,
      title: c.title,
      description: c.description,
      tags: c.tags,
      category: c.category,
      dataForm: c.dataForm,
      sharingType: c.sharingType,
      sharingScope: c.sharingScope,
      openAttribute: c.openAttribute,
      openConditions: c.openConditions,
      updateFrequency: c.updateFrequency,
      grade: c.grade,
      legalBasis: c.legalBasis,
      departments: {
        collecting: names[c.departments.collecting] ?? {
          zh: c.departments.collecting,
          en: c.departments.collecting,
        },
        verifying: names[c.departments.verifying] ?? {
          zh: c.departments.verifying,
          en: c.departments.verifying,
        },
        providing: names[c.departments.providing] ?? {
          zh: c.departments.providing,
          en: c.departments.providing,
        },
      },
      fields: c.fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        personal: f.personal || f.sensitive || f.tradeSecret,
      })),
    },
    distributions,
    canDownload,
    signedIn: Boolean(viewer),
    isOwner: Boolean(viewer?.org && viewer.org.id === record.orgId),
    application: application ? { status: application.status, reason: application.reason } : null,
  }
}

/** Art. 32–33: the file of an open distribution; conditionally open data only for approved applicants. */
export async function openDownload(entryId: string, key: string, viewer: AuthUser | undefined) {
  const record = await openRecord(entryId)
  if (!record.content.distributions.some((d) => d.key === key))
    throw new DomainError('not_found', 'error.notFound', 404)
  if (!(await mayDownload(record, viewer))) {
    throw new DomainError(
      'conditions_not_met',
      'error.openData.conditionsNotMet',
      viewer ? 403 : 401,
    )
  }
  const file = await currentFile(entryId, key)
  if (!file) throw new DomainError('no_file', 'error.openData.noFile', 404)
  await requireFileScreened(file)
  return { file, body: fileStream(file) }
}

export interface ScreeningCounts {
  passed: number
  pending: number
  failed: number
}

/** Art. 32: for a page of portal results, how many of each entry's files passed the scan, wait for it, or failed. */
export async function listingScreening(
  entryIds: readonly string[],
): Promise<Record<string, ScreeningCounts>> {
  const byEntry = await screeningByEntry(entryIds)
  const out: Record<string, ScreeningCounts> = {}
  for (const id of entryIds) {
    const counts = { passed: 0, pending: 0, failed: 0 }
    for (const status of byEntry.get(id)?.values() ?? []) counts[status]++
    out[id] = counts
  }
  return out
}
