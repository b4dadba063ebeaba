// Fingerprint look-up (issue 8; Art. 38 可追溯): which licence's copy is a leaked file? The
// candidates are the licences that received a fingerprinted copy (of one product, or of every
// product); each delivery recorded the exact column spec its marks were made with, so the leak is
// read once per distinct spec and every candidate scored against it (ADR 010). The
// false-accusation probability is a union bound over all candidates of the look-up.
import { recordSecurityEvent } from '~/services/security/events.server'
import type { TableInput } from '~/services/desensitize/table.server'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import mongoose from 'mongoose'
import { Delivery } from '#models/delivery'
import { Organization } from '#models/organization'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import {
  boundaryOf,
  MultipartError,
  readField,
  streamMultipart,
} from '~/services/storage/multipart.server'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import {
  DEFAULT_ACCUSATION_THRESHOLD,
  rankCandidates,
  readLeak,
  type RankedCandidate,
} from './fingerprint/identify.server'
import {
  licenceSecret,
  platformFingerprintKeys,
  type FingerprintKeys,
} from './fingerprint/keys.server'
import { fingerprintSpecSchema } from './fingerprint/spec'
import { productTitles } from './deliver.server'
import { isObjectId } from '~/utils/schemas'

const MAX_CANDIDATES = 20_000
export const MAX_LEAK_BYTES = 512 * 1024 * 1024

export interface TracedCandidate extends RankedCandidate {
  productId: string | null
  licenseeOrgId: string
}

export interface DeliveryIdentification {
  candidates: number
  specs: number
  /** Marked positions read from the leak under the best-matching spec. */
  positions: number
  rows: number
  ranked: TracedCandidate[]
}

/**
 * Art. 38: ranks the licences that received fingerprinted copies (of `productId`, or of every
 * product) by how well the leak at `file` matches their marks, most incriminated first.
 */
export async function identifyAgainstDeliveries(
  file: TableInput,
  options: { productId?: string; threshold?: number; keys?: FingerprintKeys } = {},
): Promise<DeliveryIdentification> {
  await connectDb()
  const threshold = options.threshold ?? DEFAULT_ACCUSATION_THRESHOLD
  const keys = options.keys ?? platformFingerprintKeys()
  const deliveries = await Delivery.find(
    { fingerprinted: true, ...(options.productId ? { productId: options.productId } : {}) },
    { licenceId: 1, productId: 1, licenseeOrgId: 1, fingerprintSpec: 1 },
  )
    .limit(MAX_CANDIDATES)
    .lean()
  const bySpec = new Map<string, Map<string, { productId: string | null; licenseeOrgId: string }>>()
  for (const d of deliveries) {
    if (!d.fingerprintSpec) continue
    const group = bySpec.get(d.fingerprintSpec) ?? new Map()
    group.set(d.licenceId, { productId: d.productId ?? null, licenseeOrgId: d.licenseeOrgId })
    bySpec.set(d.fingerprintSpec, group)
  }
  const total = new Set(deliveries.map((d) => d.licenceId)).size
  const log10m = Math.log10(Math.max(1, total))
  const best = new Map<string, TracedCandidate>()
  let positions = 0
  let rows = 0
  for (const [specJson, group] of bySpec) {
    const spec = fingerprintSpecSchema.parse(JSON.parse(specJson))
    let leak
    try {
      leak = await readLeak(file, spec, keys)
    } catch (error) {
      if (error instanceof Error && error.name === 'FingerprintInputError') continue
      throw error
    }
    if (leak.n > positions) {
      positions = leak.n
      rows = leak.rows
    }
    const ranked = rankCandidates(
      leak,
      [...group.keys()].map((licenceId) => ({ licenceId, secret: licenceSecret(keys, licenceId) })),
      threshold,
    )
    for (const c of ranked) {
      // One union bound over every candidate of the look-up, not just this spec's group.
      const log10Fa = Math.min(0, c.log10PValue + log10m)
      const traced: TracedCandidate = {
        ...c,
        falseAccusationProbability: 10 ** log10Fa,
        log10FalseAccusationProbability: log10Fa,
        accused: c.trials > 0 && log10Fa <= Math.log10(threshold),
        ...group.get(c.licenceId)!,
      }
      const seen = best.get(c.licenceId)
      if (!seen || traced.log10PValue < seen.log10PValue) best.set(c.licenceId, traced)
    }
  }
  const ranked = [...best.values()].sort(
    (a, b) => a.log10PValue - b.log10PValue || b.matches - a.matches,
  )
  return { candidates: total, specs: bySpec.size, positions, rows, ranked }
}

/** Products that have fingerprinted deliveries (the look-up form's choice). */
export async function productsWithDeliveries() {
  await connectDb()
  const ids = (await Delivery.distinct('productId', { fingerprinted: true })) as (string | null)[]
  const titles = await productTitles(ids.filter((id): id is string => !!id))
  return [...titles.entries()].map(([id, title]) => ({ id, title }))
}

class ByteLimit extends Transform {
  private seen = 0
  constructor(private readonly max: number) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.max)
      return done(new DomainError('payload_too_large', 'error.payloadTooLarge', 413))
    done(null, chunk)
  }
}

export interface LookupResult extends DeliveryIdentification {
  fileName: string
  productId: string | null
  querySeq: number
  top: {
    licenceId: string
    licensee: { zh: string; en: string; uscc: string }
    productTitle: { zh: string; en: string } | null
    matches: number
    trials: number
    falseAccusationProbability: number
    log10FalseAccusationProbability: number
    accused: boolean
  }[]
}

/**
 * Art. 52(5): the look-up's outcome, once per query (event key) — when the leak is traced to a
 * licence, its licensee (`summary.licenseeOrgId`, read by the supervision figures as a leak
 * violation), the licence and the product are its subjects.
 */
export async function recordLookupOutcome(
  identification: Pick<DeliveryIdentification, 'ranked' | 'candidates'>,
  productId: string | null,
  querySeq: number,
  user: Pick<AuthUser, 'id' | 'org'>,
): Promise<number> {
  const accused = identification.ranked[0]?.accused ? identification.ranked[0] : null
  const product = accused?.productId ?? productId
  const entry = await appendLedger({
    action: 'fingerprint.lookup',
    actor: { userId: user.id, ...(user.org ? { orgId: user.org.id } : {}) },
    subjects: [
      ...(accused ? [`licence:${accused.licenceId}`, `org:${accused.licenseeOrgId}`] : []),
      ...(product ? [`product:${product}`] : []),
    ],
    payload: {
      querySeq,
      ranked: identification.ranked
        .slice(0, 10)
        .map((c) => ({ licenceId: c.licenceId, log10: c.log10FalseAccusationProbability })),
    },
    summary: {
      matched: accused !== null,
      ...(accused
        ? {
            licenceId: accused.licenceId,
            licenseeOrgId: accused.licenseeOrgId,
            falseAccusationProbability: accused.falseAccusationProbability,
          }
        : {}),
      candidates: identification.candidates,
      querySeq,
    },
    eventKey: `fingerprint.lookup:${querySeq}`,
  })
  // Art. 45 ¶2, 47: a leak traced to a licence is a security event (and an alert).
  if (accused)
    await recordSecurityEvent({
      kind: 'fingerprint-hit',
      subject: `licence ${accused.licenceId}`,
      orgId: accused.licenseeOrgId,
      userId: user.id,
      detail: `log ${querySeq}; P(false accusation) ${accused.falseAccusationProbability.toExponential(1)}`,
    })
  return entry._id
}

/**
 * Issue 8 / Art. 38: the regulator uploads a leaked file (streamed to a temporary file, never kept),
 * the query is logged first, then the file is traced against the deliveries and the outcome logged
 * (`fingerprint.lookup`, Art. 52(5)).
 */
export async function regulatorFingerprintLookup(
  user: AuthUser,
  request: Request,
): Promise<LookupResult> {
  const boundary = boundaryOf(request.headers.get('Content-Type'))
  if (!boundary || !request.body)
    throw new DomainError('unsupported_media_type', 'error.unsupportedMediaType', 415)
  const dir = await mkdtemp(path.join(tmpdir(), 'gdpde-leak-'))
  try {
    let productId: string | null = null
    let fileName: string | null = null
    let file: string | null = null
    try {
      for await (const part of streamMultipart(
        request.body as unknown as AsyncIterable<Uint8Array>,
        boundary,
        { maxParts: 3 },
      )) {
        if (part.filename === undefined) {
          if (part.name !== 'product')
            throw new DomainError('unknown_field', 'error.unknownField', 400)
          const value = (await readField(part.data, 100)).trim()
          if (value && !isObjectId(value))
            throw new DomainError('bad_product', 'error.licences.badProduct', 400, {
              product: ['error.licences.badProduct'],
            })
          productId = value || null
          continue
        }
        if (part.name !== 'file' || file)
          throw new DomainError('unknown_field', 'error.unknownField', 400)
        const ext = /\.(csv|tsv|txt|xlsx)$/i.exec(part.filename)?.[1]?.toLowerCase()
        if (!ext)
          throw new DomainError('bad_leak_type', 'error.licences.leakType', 415, {
            file: ['error.licences.leakType'],
          })
        fileName = part.filename.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120)
        file = path.join(dir, `leak.${ext}`)
        await pipeline(
          Readable.from(part.data),
          new ByteLimit(MAX_LEAK_BYTES),
          createWriteStream(file, { flags: 'wx' }),
        )
      }
    } catch (error) {
      if (error instanceof MultipartError)
        throw new DomainError('malformed_upload', 'error.licences.badUpload', 400)
      throw error
    }
    if (!file || !fileName)
      throw new DomainError('no_file', 'error.licences.noLeak', 400, {
        file: ['error.licences.noLeak'],
      })
    const query = await appendLedger({
      action: 'regulator.query',
      actor: { userId: user.id, ...(user.org ? { orgId: user.org.id } : {}) },
      subjects: productId ? [`product:${productId}`] : [],
      summary: { view: 'fingerprint', ...(productId ? { product: productId } : {}), fileName },
    })
    let identification: DeliveryIdentification
    try {
      identification = await identifyAgainstDeliveries(file, {
        ...(productId ? { productId } : {}),
      })
    } catch (error) {
      if (error instanceof DomainError) throw error
      throw new DomainError('unreadable_leak', 'error.licences.unreadableLeak', 422)
    }
    await recordLookupOutcome(identification, productId, query._id, user)
    const top = identification.ranked.slice(0, 10)
    // Each candidate names its holder's organisation (a licensee, or a sharing grant's grantee).
    const orgIds = [...new Set(top.map((c) => c.licenseeOrgId))].filter(isObjectId)
    const orgs = orgIds.length
      ? await Organization.find(
          { _id: mongoose.trusted({ $in: orgIds }) },
          { name: 1, uscc: 1 },
        ).lean()
      : []
    const orgById = new Map(
      orgs.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en, uscc: o.uscc }]),
    )
    const titles = await productTitles(top.map((c) => c.productId ?? ''))
    return {
      ...identification,
      fileName,
      productId,
      querySeq: query._id,
      top: top.map((c) => ({
        licenceId: c.licenceId,
        licensee: orgById.get(c.licenseeOrgId) ?? {
          zh: c.licenseeOrgId,
          en: c.licenseeOrgId,
          uscc: '',
        },
        productTitle: c.productId ? (titles.get(c.productId) ?? null) : null,
        matches: c.matches,
        trials: c.trials,
        falseAccusationProbability: c.falseAccusationProbability,
        log10FalseAccusationProbability: c.log10FalseAccusationProbability,
        accused: c.accused,
      })),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
