// A product version whose file failed the desensitization scan (C9; Art. 32): the provider
// applies a profile, and the desensitized output replaces the raw file as the version's
// distribution — it is that output which is screened, listed and delivered. The raw bytes stay
// in the content store, traceable through the desensitization result's provenance.
import mongoose from 'mongoose'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { contentStore } from '~/services/storage/store.server'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { generatedDigestOf } from './versions.server'
import { isObjectId } from '~/utils/schemas'

/** Versions not yet on the market; a published version's files never change. */
const DESENSITIZABLE_STATES: ('submitted' | 'blocked')[] = ['submitted', 'blocked']

const notFound = () => new DomainError('not_found', 'error.market.versionNotFound', 404)

export interface DesensitizableFile {
  versionId: string
  productId: string
  number: number
  fileRef: string
  fileName: string | null
  distributionKey: string
  grade: { tier: string; level: number | null }
}

/**
 * Art. 32: the caller's own version (not yet published) holds a file with these bytes; that file
 * may be desensitized. Anything else is a 404 (another organisation's version) or 409.
 */
export async function desensitizableFile(
  user: AuthUser,
  versionId: string,
  fileHash: string,
): Promise<DesensitizableFile> {
  if (!isObjectId(versionId)) throw notFound()
  await connectDb()
  const version = await ProductVersion.findById(versionId, {
    ownerOrgId: 1,
    productId: 1,
    number: 1,
    state: 1,
    distributions: 1,
  }).lean()
  if (!version || !user.org || version.ownerOrgId !== user.org.id) throw notFound()
  if (!(DESENSITIZABLE_STATES as string[]).includes(version.state))
    throw new DomainError(
      'not_desensitizable',
      'error.scan.versionNotDesensitizable',
      409,
      undefined,
      { state: version.state },
    )
  const distribution = version.distributions.find(
    (d) => d.kind === 'file' && d.storageKey && d.sha256 === fileHash,
  )
  if (!distribution)
    throw new DomainError('file_not_in_version', 'error.scan.fileNotInVersion', 409)
  const product = await Product.findById(version.productId, { grade: 1 }).lean()
  return {
    versionId,
    productId: version.productId,
    number: version.number,
    fileRef: contentStore().fileRef(distribution.storageKey!),
    fileName: distribution.fileName ?? null,
    distributionKey: distribution.key,
    grade: { tier: product?.grade?.tier ?? 'general', level: product?.grade?.level ?? null },
  }
}

/**
 * Art. 32: the desensitized output takes the place of the raw file in the version (a projection
 * of the desensitization result: idempotent, with one ledger entry per result under an event
 * key). Returns false when the version holds neither the input's bytes nor the output's.
 */
export async function adoptDesensitizedFile(input: {
  versionId: string
  inputHash: string
  output: { key: string; sha256: string; size: number }
  resultId: string
  profileName: string
  actor?: { userId?: string; orgId?: string }
}): Promise<boolean> {
  if (!isObjectId(input.versionId)) return false
  await connectDb()
  const version = await ProductVersion.findById(input.versionId, {
    productId: 1,
    state: 1,
    distributions: 1,
  }).lean()
  if (!version || !(DESENSITIZABLE_STATES as string[]).includes(version.state)) return false
  const replaced = new Set<string>()
  const distributions = version.distributions.map((d) => {
    if (d.kind !== 'file' || d.sha256 !== input.inputHash) return d
    replaced.add(d.key)
    const base = (d.fileName ?? d.key).replace(/\.[^.]+$/, '')
    return {
      ...d,
      format: 'CSV',
      fileName: `${base}.desensitized.csv`,
      mediaType: 'text/csv',
      sha256: input.output.sha256,
      sizeBytes: input.output.size,
      storageKey: input.output.key,
      // The output's scan is requested by the caller right after this.
      scanRequested: true,
    }
  })
  if (replaced.size > 0) {
    // The whole array (the dev database has no positional `$` update), only while not yet published.
    await ProductVersion.updateOne(
      { _id: input.versionId, state: mongoose.trusted({ $in: DESENSITIZABLE_STATES }) },
      { $set: { distributions, 'provenance.generatedDigest': generatedDigestOf(distributions) } },
    )
  } else {
    // A retry after a crash between the update and the ledger entry: the output is already in place.
    for (const d of version.distributions) if (d.sha256 === input.output.sha256) replaced.add(d.key)
    if (replaced.size === 0) return false
  }
  await appendLedger({
    action: 'product.version.file_desensitized',
    actor: {
      ...(input.actor?.userId ? { userId: input.actor.userId } : {}),
      ...(input.actor?.orgId ? { orgId: input.actor.orgId } : {}),
    },
    subjects: [
      `product:${version.productId}`,
      `product-version:${input.versionId}`,
      `desensitize-result:${input.resultId}`,
      `file:${input.output.sha256}`,
    ],
    payload: {
      keys: [...replaced],
      inputHash: input.inputHash,
      outputHash: input.output.sha256,
      profile: input.profileName,
    },
    summary: {
      keys: [...replaced].join(','),
      inputHash: input.inputHash,
      outputHash: input.output.sha256,
      profile: input.profileName,
    },
    eventKey: `desensitized:${input.versionId}:${input.resultId}`.slice(0, 200),
  })
  return true
}
