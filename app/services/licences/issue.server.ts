// Issuing a licence (usage policy) — the one path by which a paid order (issue 6, Art. 38) or an
// approved research request (Art. 26) becomes a right to use data. Both callers land here so the
// licence, its `issued` event, its ledger entry and its delivery job are made the same way.
//
// Idempotent step by step (ADR 003): the licence is an insert under the unique `sourceRef` (one
// licence per order / request), the event an insert under `${licenceId}:issued`, the ledger entry
// carries an event key, and the delivery job a job id. A caller that crashed half-way calls again
// and the remaining steps happen once.
import { Licence, LicenceEvent, licenceEventId, type LicenceDoc } from '#models/licence'
import type { LicenceTemplate } from '#models/product'
import { enqueue } from '../../../jobs/queues'
import { appendLedger } from '~/services/ledger/ledger.server'
import type { DeliveryMode } from '~/vocab/products'
import { claim, isDuplicateKey } from '~/utils/db.server'

const DAY_MS = 24 * 3600 * 1000

export interface LicenceTerms {
  purpose: string
  scenario: string
  /** Minimal authorization (Art. 24): empty = every field. */
  permittedFields: string[]
  deliveryMode: DeliveryMode
  start: Date
  end: Date
  derivationAllowed: boolean
  redistribution: boolean
  researchOnly: boolean
  commercialUse: boolean
  usageReport: LicenceTemplate['usageReport']
}

export interface IssueLicenceInput {
  source: 'order' | 'research-grant'
  /** The order id or research request id: one licence per source, however often this is called. */
  sourceRef: string
  licenseeOrgId: string
  licensorOrgId: string
  productId: string | null
  /** null = every version of the product. */
  versionId: string | null
  catalogEntryId: string | null
  pricePlanKey: string | null
  /** Art. 38: the API call quota bought (a per-call plan's `callsQuota` at order time); null/absent = none. */
  callsQuota?: number | null
  terms: LicenceTerms
  actor: { userId?: string; orgId?: string }
}

export interface IssuedLicence {
  licenceId: string
  licence: LicenceDoc
  /** The ledger entry of the issue (its receipt: index + inclusion proof, C11). */
  ledgerSeq: number
}

/**
 * Art. 24: the terms a product's licence template gives from `start` — purpose and scenario in the
 * buyer's wording when given, the template's otherwise; the template's minimal field set unless
 * the caller narrows it further.
 */
export function termsFromTemplate(
  template: LicenceTemplate,
  start: Date,
  overrides: Partial<LicenceTerms> = {},
): LicenceTerms {
  return {
    purpose: template.purpose.zh || template.purpose.en,
    scenario: template.scenario.zh || template.scenario.en,
    permittedFields: [...(template.permittedFields ?? [])],
    deliveryMode: template.deliveryMode,
    start,
    end: new Date(start.getTime() + template.durationDays * DAY_MS),
    derivationAllowed: template.derivationAllowed,
    redistribution: template.redistribution ?? false,
    researchOnly: template.researchOnly ?? false,
    commercialUse: template.commercialUse ?? true,
    usageReport: template.usageReport ?? 'none',
    ...overrides,
  }
}

/** The delivery job's id for a licence: one delivery job per licence (BullMQ ignores a second add). */
export function deliveryJobId(licenceId: string): string {
  return `delivery-${licenceId}`
}

/**
 * Art. 24, 26, 38: issue the licence for `sourceRef` (or finish issuing it after a crash), log it,
 * and ask for its delivery. Redistribution is forbidden unless the terms say otherwise.
 */
export async function issueLicence(input: IssueLicenceInput): Promise<IssuedLicence> {
  let licence = await Licence.findOne({ sourceRef: input.sourceRef }).lean()
  if (!licence) {
    try {
      const created = await Licence.create({
        licenseeOrgId: input.licenseeOrgId,
        licensorOrgId: input.licensorOrgId,
        productId: input.productId,
        versionId: input.versionId,
        catalogEntryId: input.catalogEntryId,
        ...input.terms,
        source: input.source,
        sourceRef: input.sourceRef,
        pricePlanKey: input.pricePlanKey,
        callsQuota: input.callsQuota ?? null,
        status: 'active',
      })
      licence = created.toObject()
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      licence = await Licence.findOne({ sourceRef: input.sourceRef }).lean()
      if (!licence) throw error
    }
  }
  const licenceId = String(licence._id)
  await claim(LicenceEvent, {
    _id: licenceEventId(licenceId, 'issued'),
    licenceId,
    kind: 'issued',
    reason: `${licence.source}:${licence.sourceRef}`,
    actorUserId: input.actor.userId ?? null,
    actorOrgId: input.actor.orgId ?? null,
  })
  const entry = await appendLedger({
    action: 'licence.issued',
    actor: input.actor,
    subjects: [
      `licence:${licenceId}`,
      ...(licence.productId ? [`product:${licence.productId}`] : []),
      ...(licence.catalogEntryId ? [`catalog-entry:${licence.catalogEntryId}`] : []),
      `${licence.source === 'order' ? 'order' : 'research-request'}:${licence.sourceRef}`,
      `org:${licence.licenseeOrgId}`,
      `org:${licence.licensorOrgId}`,
    ],
    payload: { terms: input.terms, sourceRef: input.sourceRef },
    summary: {
      source: licence.source,
      deliveryMode: licence.deliveryMode,
      derivation: licence.derivationAllowed,
      researchOnly: licence.researchOnly,
    },
    eventKey: `licence.issued:${licenceId}`,
  })
  await enqueue('delivery', { licenceId }, { jobId: deliveryJobId(licenceId) })
  return { licenceId, licence: licence as LicenceDoc, ledgerSeq: entry._id }
}
