// Emergency collections (C10; Art. 40): for an emergency an agency collects data on a legal basis,
// for named catalog entries, until the emergency ends; every table stored for those entries while
// the collection is active is tagged with it (`EntryDataset.emergencyId`). When it ends — the agency
// ends it, or the hourly sweep once its declared end has passed — the `emergency-close` job:
//   1. classifies each tagged table with the desensitization scanner (personal information and
//      the like found, or not) and seals it: the bytes are encrypted under a fresh key that is then
//      thrown away (crypto-shredding), the ciphertext kept for audit, the plain table removed; a
//      sealed table is no one's current data, so no copy, API answer, verification or portal view
//      comes from it again;
//      the grants' copies made from those tables are destroyed;
//   2. revokes every sharing grant of the entries still in force (access stops at the next call);
//   3. stops verification on the entries;
//   4. writes a report of all this, signed with the ledger's active key, and logs it.
// Each step is idempotent, the report is set last: a crash is finished by the next run.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import {
  EmergencyCollection,
  EmergencyCollectionStep,
  type EmergencyCollectionDoc,
} from '#models/emergency-collection'
import { Delivery } from '#models/delivery'
import { EntryDataset } from '#models/entry-dataset'
import { grantRequestId, SharingGrant } from '#models/sharing-grant'
import { SharingRequest } from '#models/sharing-request'
import { VerificationSetting } from '#models/verification-setting'
import { enqueue } from '#jobs/queues'
import { notifyOrg } from '~/services/catalog/notify.server'
import { scanFile } from '~/services/desensitize/scanner.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { activeSigningKey } from '~/services/ledger/signing-keys.server'
import { recordRevocation } from '~/services/sharing/requests.server'
import { contentStore } from '~/services/storage/store.server'
import { forgetSubjectIndexes } from '~/services/subjects/holdings.server'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { withdrawDerived } from './derived.server'
import type { EmergencyDeclaration } from './schemas'
import { shred } from './shred.server'

function collectionNotFound() {
  return new DomainError('not_found', 'error.emergency.notFound', 404)
}

/**
 * Art. 40: an agency declares an emergency collection — the event, the legal basis (instrument and
 * article), its own catalog entries the data goes to, and the declared end.
 */
export async function declareEmergencyCollection(
  user: AuthUser,
  input: EmergencyDeclaration,
  now = new Date(),
) {
  assertMay(user, 'declare:emergency-collection:own-org')
  await connectDb()
  const orgId = user.org?.id ?? ''
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: input.entryIds }), orgId },
    { _id: 1 },
  ).lean()
  if (entries.length !== new Set(input.entryIds).size)
    throw new DomainError('not_own_entries', 'error.emergency.notOwnEntries', 422, {
      entryIds: ['error.emergency.notOwnEntries'],
    })
  const endsAt = new Date(`${input.endsOn}T23:59:59.999+08:00`)
  if (!(endsAt > now))
    throw new DomainError('bad_end', 'error.emergency.badEnd', 422, {
      endsOn: ['error.emergency.badEnd'],
    })
  const doc = await EmergencyCollection.create({
    orgId,
    declaredBy: user.id,
    declaredAt: now,
    event: input.event,
    instrument: input.instrument,
    article: input.article,
    entryIds: [...new Set(input.entryIds)],
    endsAt,
  })
  const collectionId = String(doc._id)
  await appendLedger({
    action: 'emergency-collection.declared',
    actor: { userId: user.id, orgId },
    subjects: [`emergency-collection:${collectionId}`, `org:${orgId}`],
    payload: { event: input.event, instrument: input.instrument, article: input.article },
    summary: { entries: doc.entryIds.length, endsAt: endsAt.toISOString() },
    eventKey: `emergency-collection.declared:${collectionId}`,
  })
  return { collectionId, endsAt: endsAt.toISOString() }
}

/**
 * Art. 40: the emergency is over — the agency says so (or the declared end passed). One end per
 * collection (a claim), then the closing job; a repeat re-queues a closing a crash lost.
 */
export async function endEmergencyCollection(
  user: AuthUser | { id: string; system: true },
  collectionId: string,
  now = new Date(),
) {
  if (!('system' in user)) assertMay(user, 'declare:emergency-collection:own-org')
  await connectDb()
  const c = isObjectId(collectionId)
    ? await EmergencyCollection.findById(collectionId).lean()
    : null
  if (!c || (!('system' in user) && c.orgId !== user.org?.id)) throw collectionNotFound()
  try {
    await EmergencyCollectionStep.create({ _id: `${collectionId}:end`, by: user.id, at: now })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
  const step = (await EmergencyCollectionStep.findById(`${collectionId}:end`).lean())!
  await EmergencyCollection.updateOne(
    { _id: collectionId, status: 'active' },
    { $set: { status: 'ended', endedAt: step.at, endedBy: step.by } },
  )
  if (!c.report)
    await enqueue('emergency-close', { collectionId }, { jobId: `emergency-close-${collectionId}` })
  return { collectionId, endedAt: step.at.toISOString() }
}

/** Revokes a grant in force: through its request when it has one, as the source department would. */
async function revokeGrant(grantId: string, by: string, reason: string, now: Date) {
  const grant = await SharingGrant.findById(grantId, {
    sourceRef: 1,
    catalogEntryId: 1,
    grantorOrgId: 1,
    granteeOrgId: 1,
  }).lean()
  if (!grant) return
  const requestId = grantRequestId(grant.sourceRef) ?? ''
  const request = isObjectId(requestId)
    ? await SharingRequest.findById(requestId, { 'decision.grantId': 1 }).lean()
    : null
  if (request?.decision?.grantId === grantId) return recordRevocation(requestId, by, reason, now)
  await SharingGrant.updateOne({ _id: grantId, revokedAt: null }, { $set: { revokedAt: now } })
  await appendLedger({
    action: 'sharing-grant.revoked',
    actor: { userId: by, orgId: grant.grantorOrgId },
    subjects: [
      `sharing-grant:${grantId}`,
      `catalog-entry:${grant.catalogEntryId}`,
      `org:${grant.granteeOrgId}`,
      `org:${grant.grantorOrgId}`,
    ],
    payload: { reason },
    summary: { reason: reason.slice(0, 500), revokedAt: now.toISOString() },
    eventKey: `sharing-grant.revoked:${grantId}`,
  })
}

/**
 * Art. 40: classifies and seals every table stored under the collection not sealed yet, and
 * destroys the grants' copies made from them. Idempotent: a table sealed before a crash loses its
 * plain bytes on the next run.
 */
async function sealTables(collectionId: string, now: Date) {
  const datasets = await EntryDataset.find({ emergencyId: collectionId }).lean()
  for (const d of datasets) {
    if (!d.sealedAt) {
      const scan = await scanFile(await contentStore().source(d.storageKey))
      const findings = scan.blockingFindings
      const cipher = await shred(d.storageKey)
      await EntryDataset.updateOne(
        { _id: d._id, sealedAt: null },
        {
          $set: {
            sealedAt: now,
            sealed: {
              sensitive: findings > 0 || scan.status === 'failed',
              findings,
              ciphertextKey: cipher.key,
              ciphertextSha256: cipher.sha256,
            },
          },
        },
      )
    }
    // The plain table goes, unless an unsealed table of the same bytes still needs it.
    const others = await EntryDataset.countDocuments({ storageKey: d.storageKey, sealedAt: null })
    if (others === 0) await contentStore().remove(d.storageKey)
  }
  // The grants' copies made from the sealed tables are destroyed (their grants are revoked).
  const copies = (
    await Delivery.find(
      { sourceSha256: mongoose.trusted({ $in: datasets.map((d) => d.sha256) }) },
      { licenceId: 1, storageKey: 1 },
    ).lean()
  ).filter((c) => c.licenceId.startsWith('grant:') && c.storageKey)
  for (const c of copies) await contentStore().remove(c.storageKey!)
  forgetSubjectIndexes()
  return { datasets, copies }
}

/**
 * Art. 40: a table stored for a collection's entry just as it ended (tagged, but after the closing
 * job had sealed the rest) is sealed by the hourly sweep, its copies destroyed, and logged.
 */
export async function sealLateTables(now = new Date()) {
  await connectDb()
  const late = await EntryDataset.find(
    { emergencyId: mongoose.trusted({ $ne: null }), sealedAt: null },
    { emergencyId: 1 },
  ).lean()
  let sealed = 0
  for (const collectionId of new Set(late.map((d) => d.emergencyId!))) {
    const c = isObjectId(collectionId)
      ? await EmergencyCollection.findById(collectionId, { report: 1, orgId: 1, endedBy: 1 }).lean()
      : null
    if (!c?.report) continue
    const { datasets } = await sealTables(collectionId, now)
    for (const d of datasets.filter((x) => late.some((l) => l._id === x._id))) {
      await appendLedger({
        action: 'emergency-collection.table-sealed',
        actor: { userId: c.endedBy ?? 'system', orgId: c.orgId },
        subjects: [`emergency-collection:${collectionId}`, `org:${c.orgId}`],
        payload: { datasetId: d._id, sha256: d.sha256 },
        summary: { datasetId: d._id },
        eventKey: `emergency-collection.table-sealed:${d._id}`,
      })
      sealed++
    }
  }
  return { sealed }
}

/** The `emergency-close` job (Art. 40): seal, revoke, stop verification, report. Idempotent. */
export async function closeEmergencyCollection(collectionId: string, now = new Date()) {
  await connectDb()
  const c = isObjectId(collectionId)
    ? ((await EmergencyCollection.findById(collectionId).lean()) as EmergencyCollectionDoc | null)
    : null
  if (!c || c.status !== 'ended') return { collectionId, skipped: 'not_ended' as const }
  if (c.report) return { collectionId, skipped: 'closed' as const }
  const by = c.endedBy ?? c.declaredBy
  // 1. Classify and seal every table stored under the collection; destroy the grants' copies.
  const { copies } = await sealTables(collectionId, now)
  forgetSubjectIndexes()
  // 2. Every grant of the entries in force: revoked, its reason the law.
  const reason = `《广东省公共数据管理办法》第四十条：应急采集（${c.event.slice(0, 60)}）已结束`
  const grants = await SharingGrant.find(
    { catalogEntryId: mongoose.trusted({ $in: c.entryIds }), revokedAt: null },
    { _id: 1 },
  ).lean()
  for (const g of grants) await revokeGrant(String(g._id), by, reason, now)
  // 3. What derives from it: its open files sealed, derived product versions withdrawn, their
  //    licences and research access to the entries revoked.
  const derived = await withdrawDerived(c, by, reason, now)
  // 4. Verification on the entries stops.
  await VerificationSetting.updateMany(
    { _id: mongoose.trusted({ $in: c.entryIds }) },
    { $set: { enabled: false } },
  )
  // 5. The report, signed with the ledger's key, stored, logged; set on the collection last.
  const sealed = await EntryDataset.find({ emergencyId: collectionId }).lean()
  const report = {
    collectionId,
    orgId: c.orgId,
    event: c.event,
    legalBasis: { instrument: c.instrument, article: c.article },
    declaredAt: c.declaredAt.toISOString(),
    endedAt: (c.endedAt ?? now).toISOString(),
    entries: c.entryIds,
    datasets: sealed.map((d) => ({
      id: d._id,
      fileName: d.fileName,
      sha256: d.sha256,
      sizeBytes: d.sizeBytes,
      sensitive: d.sealed?.sensitive ?? false,
      findings: d.sealed?.findings ?? 0,
      action: 'sealed',
      ciphertextSha256: d.sealed?.ciphertextSha256 ?? null,
    })),
    grantsRevoked: grants.map((g) => String(g._id)),
    grantCopiesDestroyed: copies.map((c) => c._id),
    openFiles: derived.openFiles.map((f) => ({ ...f, action: 'sealed' })),
    versionsWithdrawn: derived.versionsWithdrawn,
    licencesRevoked: derived.licencesRevoked,
    verificationStopped: c.entryIds,
  }
  const body = Buffer.from(JSON.stringify(report, null, 2) + '\n')
  const stored = await contentStore().putBytes(body)
  const signer = await activeSigningKey()
  const signature = signer.sign(stored.sha256).toString('base64')
  const entry = await appendLedger({
    action: 'emergency-collection.closed',
    actor: { userId: by, orgId: c.orgId },
    subjects: [`emergency-collection:${collectionId}`, `org:${c.orgId}`],
    payload: { reportSha256: stored.sha256, signature, keyId: signer.keyId },
    summary: {
      datasets: sealed.length,
      sensitive: sealed.filter((d) => d.sealed?.sensitive).length,
      grantsRevoked: grants.length,
      openFiles: derived.openFiles.length,
      versionsWithdrawn: derived.versionsWithdrawn.length,
      licencesRevoked: derived.licencesRevoked.length,
      reportSha256: stored.sha256,
    },
    eventKey: `emergency-collection.closed:${collectionId}`,
  })
  await EmergencyCollection.updateOne(
    { _id: collectionId, report: null },
    {
      $set: {
        report: {
          storageKey: stored.key,
          sha256: stored.sha256,
          signature,
          keyId: signer.keyId,
          ledgerSeq: entry._id,
          datasets: sealed.length,
          sensitive: sealed.filter((d) => d.sealed?.sensitive).length,
          grantsRevoked: grants.length,
          openFiles: derived.openFiles.length,
          versionsWithdrawn: derived.versionsWithdrawn.length,
          licencesRevoked: derived.licencesRevoked.length,
        },
      },
    },
  )
  await notifyOrg({
    key: `emergency-collection:${collectionId}:closed`,
    orgId: c.orgId,
    kind: 'emergency-collection.closed',
    params: { emergencyId: collectionId },
  })
  return {
    collectionId,
    datasets: sealed.length,
    grantsRevoked: grants.length,
    openFiles: derived.openFiles.length,
    versionsWithdrawn: derived.versionsWithdrawn.length,
    licencesRevoked: derived.licencesRevoked.length,
  }
}

/** Art. 40: collections whose declared end has passed are ended (the hourly sweep). */
export async function endExpiredEmergencies(now = new Date()) {
  await connectDb()
  const due = await EmergencyCollection.find(
    { status: 'active', endsAt: mongoose.trusted({ $lte: now }) },
    { _id: 1 },
  ).lean()
  for (const c of due)
    await endEmergencyCollection({ id: 'system', system: true }, String(c._id), now)
  // Ended but not closed (a crash, or a lost job): queued again.
  const open = await EmergencyCollection.find({ status: 'ended', report: null }, { _id: 1 }).lean()
  for (const c of open)
    await enqueue(
      'emergency-close',
      { collectionId: String(c._id) },
      { jobId: `emergency-close-${String(c._id)}` },
    )
  // A table that slipped in as a collection was closing: sealed now.
  const { sealed } = await sealLateTables(now)
  return { ended: due.length, requeued: open.length, lateSealed: sealed }
}

export interface EmergencyView {
  id: string
  event: string
  instrument: string
  article: string
  entries: { id: string; title: { zh: string; en: string } }[]
  declaredAt: string
  endsAt: string
  status: 'active' | 'ended'
  endedAt: string | null
  report: {
    sha256: string
    datasets: number
    sensitive: number
    grantsRevoked: number
    openFiles: number
    versionsWithdrawn: number
    licencesRevoked: number
  } | null
}

/** The agency's emergency collections, newest first. */
export async function myEmergencyCollections(user: AuthUser): Promise<EmergencyView[]> {
  assertMay(user, 'declare:emergency-collection:own-org')
  await connectDb()
  const list = (await EmergencyCollection.find({ orgId: user.org?.id ?? '' })
    .sort({ declaredAt: -1 })
    .limit(50)
    .lean()) as EmergencyCollectionDoc[]
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: [...new Set(list.flatMap((c) => c.entryIds))] }) },
    { published: 1, draft: 1 },
  ).lean()
  const titles = new Map(
    entries.map((e) => [
      String(e._id),
      e.published?.title ?? { zh: String(e._id), en: String(e._id) },
    ]),
  )
  return list.map((c) => ({
    id: String(c._id),
    event: c.event,
    instrument: c.instrument,
    article: c.article,
    entries: c.entryIds.map((id) => ({
      id,
      title: { zh: titles.get(id)?.zh ?? id, en: titles.get(id)?.en ?? id },
    })),
    declaredAt: c.declaredAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    status: c.status,
    endedAt: c.endedAt?.toISOString() ?? null,
    report: c.report
      ? {
          sha256: c.report.sha256,
          datasets: c.report.datasets,
          sensitive: c.report.sensitive,
          grantsRevoked: c.report.grantsRevoked,
          openFiles: c.report.openFiles ?? 0,
          versionsWithdrawn: c.report.versionsWithdrawn ?? 0,
          licencesRevoked: c.report.licencesRevoked ?? 0,
        }
      : null,
  }))
}

/** The agency's own catalog entries it may collect into (published ones), by title. */
export async function emergencyEntryChoices(user: AuthUser) {
  assertMay(user, 'declare:emergency-collection:own-org')
  await connectDb()
  const entries = await CatalogEntry.find(
    { orgId: user.org?.id ?? '', published: mongoose.trusted({ $ne: null }) },
    { published: 1 },
  )
    .limit(500)
    .lean()
  return entries.map((e) => ({
    id: String(e._id),
    title: { zh: e.published!.title.zh, en: e.published!.title.en },
  }))
}
