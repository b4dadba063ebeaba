// What an emergency collection reached beyond its own tables (C10; Art. 40): when the emergency
// ends, everything derived from the data collected under it stops being deliverable —
//   - open-data files published for its entries while it was active are sealed like its tables
//     (the bytes encrypted under a key that is thrown away, the GridFS file removed); the portal,
//     CKAN, DCAT and research deliveries serve none of them again;
//   - product versions drafted from its entries since it was declared, and every version derived
//     from those (the provenance graph walked forward, level by level), are withdrawn from the
//     market (a `withdrawn` listing event, once per version);
//   - every licence to those versions, or to the entries themselves (research access, Art. 26), is
//     revoked through the one revocation path (its API keys and download links fail at the next
//     call; model runs check the licence).
// Each step is keyed or idempotent: a crash is finished by the next run of the closing job.
import mongoose from 'mongoose'
import type { EmergencyCollectionDoc } from '#models/emergency-collection'
import { Delivery } from '#models/delivery'
import { Licence } from '#models/licence'
import { OpenDataFile } from '#models/open-data-file'
import { ProductVersion } from '#models/product-version'
import { scanFile } from '~/services/desensitize/scanner.server'
import { revokeLicence } from '~/services/licences/revoke.server'
import { deleteOpenFileBytes, openFileBytes } from '~/services/open-data/files.server'
import { projectProduct, projectVersion, recordOnce } from '~/services/products/publication.server'
import { contentStore, keyFor } from '~/services/storage/store.server'
import { shred } from './shred.server'

export interface DerivedOutcome {
  openFiles: { id: string; sensitive: boolean; findings: number; ciphertextSha256: string }[]
  versionsWithdrawn: string[]
  licencesRevoked: string[]
}

/** Art. 40: the open files published under the collection, classified and sealed. */
async function sealOpenFiles(collectionId: string, now: Date) {
  const files = await OpenDataFile.find({ emergencyId: collectionId }).lean()
  for (const f of files) {
    // The scanner's copy of the bytes in the content store (published files are screened), put
    // back from GridFS when it is gone.
    const key = keyFor(f.sha256)
    if (!f.sealedAt) {
      if (!(await contentStore().stat(key))) await contentStore().putBytes(await openFileBytes(f))
      const scan = await scanFile(await contentStore().source(key))
      const findings = scan.blockingFindings
      const cipher = await shred(key)
      await OpenDataFile.updateOne(
        { _id: f._id, sealedAt: null },
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
    // The plain bytes go (again after a crash: both steps are idempotent).
    await deleteOpenFileBytes(f)
    const others = await OpenDataFile.countDocuments({ sha256: f.sha256, sealedAt: null })
    if (others === 0) await contentStore().remove(key)
  }
  return (await OpenDataFile.find({ emergencyId: collectionId }).lean()).map((f) => ({
    id: f._id,
    sensitive: f.sealed?.sensitive ?? true,
    findings: f.sealed?.findings ?? 0,
    ciphertextSha256: f.sealed?.ciphertextSha256 ?? '',
  }))
}

/**
 * The product versions derived from the collection: drafted from one of its entries since it was
 * declared, and every version drafted from one of those — forward through the provenance graph.
 */
async function derivedVersions(c: EmergencyCollectionDoc) {
  const first = await ProductVersion.find(
    {
      'provenance.used.ref': mongoose.trusted({ $in: c.entryIds }),
      'provenance.activity.startedAt': mongoose.trusted({ $gte: c.declaredAt }),
    },
    { productId: 1, provenance: 1 },
  ).lean()
  const found = new Map<string, string>()
  let frontier: string[] = []
  for (const v of first)
    if (v.provenance.used.some((u) => u.kind === 'catalog-entry' && c.entryIds.includes(u.ref))) {
      found.set(String(v._id), v.productId)
      frontier.push(String(v._id))
    }
  while (frontier.length) {
    const next = await ProductVersion.find(
      { 'provenance.used.ref': mongoose.trusted({ $in: frontier }) },
      { productId: 1 },
    ).lean()
    frontier = []
    for (const v of next) {
      const id = String(v._id)
      if (found.has(id)) continue
      found.set(id, v.productId)
      frontier.push(id)
    }
  }
  return found
}

/** Art. 40: withdraws what derives from the collection and revokes the licences to it. */
export async function withdrawDerived(
  c: EmergencyCollectionDoc & { _id: unknown },
  by: string,
  reason: string,
  now: Date,
): Promise<DerivedOutcome> {
  const collectionId = String(c._id)
  const openFiles = await sealOpenFiles(collectionId, now)
  const versions = await derivedVersions(c)
  for (const [versionId, productId] of versions) {
    await recordOnce(
      {
        _id: `${versionId}:withdrawn`,
        versionId,
        productId,
        step: 'withdrawn',
        outcome: 'withdrawn',
        reasons: ['emergency'],
        actorUserId: by,
        actorOrgId: c.orgId,
        at: now,
      },
      {
        action: 'product.version.withdrawn',
        actor: { userId: by, orgId: c.orgId },
        subjects: [
          `product-version:${versionId}`,
          `product:${productId}`,
          `emergency-collection:${collectionId}`,
        ],
        payload: { reason },
        summary: { reason: 'emergency' },
        eventKey: `product.version.withdrawn:${versionId}`,
      },
    )
    await projectVersion(versionId)
  }
  for (const productId of new Set(versions.values())) await projectProduct(productId)
  // Licences: to a withdrawn version by name, to its product when a copy of it was delivered
  // under the licence, and research access to the collection's entries.
  const versionIds = [...versions.keys()]
  const delivered = await Delivery.find(
    { versionId: mongoose.trusted({ $in: versionIds }) },
    { licenceId: 1 },
  ).lean()
  const licences = [
    ...(await Licence.find(
      { versionId: mongoose.trusted({ $in: versionIds }) },
      { end: 1 },
    ).lean()),
    ...(await Licence.find(
      { _id: mongoose.trusted({ $in: delivered.map((d) => d.licenceId) }) },
      { end: 1 },
    ).lean()),
    ...(await Licence.find(
      { catalogEntryId: mongoose.trusted({ $in: c.entryIds }) },
      { end: 1 },
    ).lean()),
  ].filter((l, i, all) => all.findIndex((m) => String(m._id) === String(l._id)) === i)
  const revoked: string[] = []
  for (const l of licences) {
    if (l.end <= now) continue
    await revokeLicence(String(l._id), reason, { userId: by, orgId: c.orgId })
    revoked.push(String(l._id))
  }
  return { openFiles, versionsWithdrawn: versionIds, licencesRevoked: revoked }
}
