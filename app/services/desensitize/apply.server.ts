// Applying a desensitization profile as a job (C9; Art. 32, 41): the input is a blob in the
// content store, the output goes to the content store, one result per (input bytes, profile) with
// its provenance {input hash, profile, output hash}, one ledger entry, and a scan of the output
// for the subject it is meant for — the gate then opens only on that scan's verdict.
import { PassThrough } from 'node:stream'
import canonicalize from 'canonicalize'
import { DesensitizeResult, type DesensitizeResultDoc } from '#models/desensitize-result'
import { appendLedger, listLedger } from '~/services/ledger/ledger.server'
import { contentStore } from '~/services/storage/store.server'
import { claim, connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { ScanInputError } from './limits'
import { applyProfile, profileHash } from './methods.server'
import { adoptDesensitizedFile } from '~/services/products/desensitized.server'
import type { DeclaredSchemaInput, Profile } from './schemas'
import { openStoredFile, requestScan, SUBJECT_REF } from './screening.server'

export interface ApplyJobInput {
  fileRef: string
  profile: Profile
  subjectRef: string
  /** Declarations for the output's scan (quasi-identifiers and grade: the k-anonymity check). */
  schema?: DeclaredSchemaInput
  requestedBy?: { orgId?: string; userId?: string }
}

export interface ApplyJobOutcome {
  resultId: string
  /** false: this profile had been applied to these bytes before (a retry or a repeat). */
  created: boolean
  provenance: { inputHash: string; profileHash: string; profile: string; outputHash: string }
  outputFileRef: string
  ledgerSeq: number
  scanJobId: string
}

/**
 * Art. 32/41: desensitizes a stored file with a profile before it is provided. Idempotent on
 * (input hash, profile hash): the result is an insert under that key, so a retry after a crash at
 * any step leaves one result, one output and one ledger entry; the output's scan is requested
 * every run (scans of the same bytes make one report).
 */
export async function applyProfileToStoredFile(input: ApplyJobInput): Promise<ApplyJobOutcome> {
  if (!SUBJECT_REF.test(input.subjectRef))
    throw new DomainError('bad_subject', 'error.scan.badSubject', 400)
  const source = await openStoredFile(input.fileRef)
  await connectDb()
  // The store's key is the hash of the plaintext.
  const inputHash = input.fileRef.slice(input.fileRef.lastIndexOf('/') + 1)
  const pHash = profileHash(input.profile)
  const id = `${inputHash}-${pHash}`
  let created = false
  let result = await DesensitizeResult.findById(id).lean()
  if (!result) {
    const store = contentStore()
    // The output is encrypted into the store as it is written; nothing plain touches the disk.
    const output = new PassThrough()
    const staging = store.stage(output, { maxBytes: Number.MAX_SAFE_INTEGER })
    staging.catch(() => undefined)
    let provenance
    try {
      provenance = await applyProfile({
        source,
        output,
        profile: input.profile,
        productRef: input.subjectRef,
        fileName: input.fileRef,
      })
    } catch (error) {
      output.destroy()
      await staging.then((s) => s.discard()).catch(() => undefined)
      if (error instanceof ScanInputError)
        throw new DomainError(
          'profile_not_applicable',
          'error.scan.profileNotApplicable',
          400,
          undefined,
          { reason: error.message },
        )
      throw error
    }
    {
      const stored = await (await staging).commit()
      const doc: DesensitizeResultDoc = {
        _id: id,
        inputFileRef: input.fileRef,
        inputHash,
        profileHash: pHash,
        profileName: input.profile.name,
        profileJson: canonicalize(input.profile) ?? '{}',
        outputKey: stored.key,
        outputHash: stored.sha256,
        outputSize: stored.size,
        rowsIn: provenance.rowsIn,
        rowsOut: provenance.rowsOut,
        pseudonymScope: provenance.pseudonymScope,
        subjectRef: input.subjectRef,
        orgId: input.requestedBy?.orgId,
        requestedBy: input.requestedBy?.userId,
        ledgerSeq: undefined,
        createdAt: new Date(),
      }
      created = await claim(DesensitizeResult, doc)
    }
    result = (await DesensitizeResult.findById(id).lean())!
  }

  const ledgerSeq = await ledgerOnce(result, input)
  const outputFileRef = contentStore().fileRef(result.outputKey)
  if (input.subjectRef.startsWith('product-version:')) {
    // Art. 32: the output replaces the raw file in the version before its scan is asked for, so
    // a passing scan can only ever open the desensitized bytes.
    await adoptDesensitizedFile({
      versionId: input.subjectRef.slice('product-version:'.length),
      inputHash: result.inputHash,
      output: { key: result.outputKey, sha256: result.outputHash, size: result.outputSize },
      resultId: id,
      profileName: result.profileName,
      actor: input.requestedBy,
    })
  }
  // The output is what will be provided: it is screened under the caller's subject.
  const { jobId } = await requestScan({
    fileRef: outputFileRef,
    subjectRef: input.subjectRef,
    profile: result.profileName,
    fileName: `${result.profileName}.csv`,
    ...(input.schema ? { schema: input.schema } : {}),
    requestedBy: input.requestedBy,
  })
  return {
    resultId: id,
    created,
    provenance: {
      inputHash: result.inputHash,
      profileHash: result.profileHash,
      profile: result.profileName,
      outputHash: result.outputHash,
    },
    outputFileRef,
    ledgerSeq,
    scanJobId: jobId,
  }
}

/** One `desensitize.applied` entry per result: found again through the result or the ledger. */
async function ledgerOnce(result: DesensitizeResultDoc, input: ApplyJobInput): Promise<number> {
  if (typeof result.ledgerSeq === 'number') return result.ledgerSeq
  const subject = `desensitize-result:${result._id}`
  const previous = await listLedger({ subject, limit: 1 })
  const seq =
    previous.entries[0]?._id ??
    (
      await appendLedger({
        action: 'desensitize.applied',
        actor: {
          ...(input.requestedBy?.userId ? { userId: input.requestedBy.userId } : {}),
          ...(input.requestedBy?.orgId ? { orgId: input.requestedBy.orgId } : {}),
        },
        subjects: [
          input.subjectRef,
          subject,
          `file:${result.inputHash}`,
          `file:${result.outputHash}`,
        ],
        payload: {
          inputHash: result.inputHash,
          profileHash: result.profileHash,
          profile: result.profileJson,
          outputHash: result.outputHash,
        },
        summary: {
          inputHash: result.inputHash,
          profile: result.profileName,
          profileHash: result.profileHash,
          outputHash: result.outputHash,
          rowsIn: result.rowsIn,
          rowsOut: result.rowsOut,
        },
      })
    )._id
  await DesensitizeResult.updateOne({ _id: result._id }, { $set: { ledgerSeq: seq } })
  return seq
}
