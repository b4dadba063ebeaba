// The documents the exchange issues, sealed on request (C14; Art. 29–30): a licence, a sharing
// approval (grant), a research decision, a supervision report. Each is the document's issued terms
// — never its later status — signed with the exchange's signing key (seal.server.ts), so the file a
// party downloads proves what was issued, and `npm run seal:verify -- FILE` checks it offline.
// Rectification notices and dispute opinions are sealed when issued (their own services).
import { Licence } from '#models/licence'
import { ResearchRequest } from '#models/research-request'
import { grantRequestId, SharingGrant } from '#models/sharing-grant'
import type { AuthUser } from '~/services/identity/auth.server'
import { grantReviewOf } from '~/services/security/confidentiality.server'
import { getSupervisionReport } from '~/services/supervision/reports.server'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import type { Permission } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { sealDocument } from './seal.server'
import type { SealedDocument } from './verify'

export const SEALED_KINDS = [
  'licence',
  'sharing-grant',
  'research-decision',
  'supervision-report',
] as const
export type SealedKind = (typeof SEALED_KINDS)[number]

const notFound = () => new DomainError('not_found', 'error.notFound', 404)

/** A party to the document, the data authority, or (where it reads them all) the regulator. */
function mayRead(user: AuthUser, parties: string[], anyPermission: Permission): boolean {
  const org = user.org
  if (!org) return false
  return parties.includes(org.id) || org.type === 'authority' || user.permissions.has(anyPermission)
}

/** Art. 29–30: the sealed form of one issued document, for those who may read it (else 404). */
export async function sealedIssuedDocument(
  user: AuthUser,
  kind: SealedKind,
  id: string,
): Promise<SealedDocument> {
  await connectDb()
  if (kind === 'supervision-report') {
    if (!user.permissions.has('read:supervision-report:any')) throw notFound()
    const r = await getSupervisionReport(id)
    return sealDocument({
      kind: 'supervision-report',
      ref: `supervision-report:${r.id}`,
      issuerOrgId: r.generatedBy,
      issuedAt: r.generatedAt,
      document: {
        period: r.content.period,
        scope: r.content.scope,
        kind: r.content.kind,
        throughSeq: r.content.throughSeq,
        contentHash: r.contentHash,
      },
    })
  }
  if (!isObjectId(id)) throw notFound()
  if (kind === 'licence') {
    const l = await Licence.findById(id).lean()
    if (!l || !mayRead(user, [l.licenseeOrgId, l.licensorOrgId], 'read:licence:any'))
      throw notFound()
    return sealDocument({
      kind: 'licence',
      ref: `licence:${id}`,
      issuerOrgId: l.licensorOrgId,
      issuedAt: l.createdAt.toISOString(),
      document: {
        licenseeOrgId: l.licenseeOrgId,
        licensorOrgId: l.licensorOrgId,
        productId: l.productId,
        versionId: l.versionId,
        catalogEntryId: l.catalogEntryId,
        purpose: l.purpose,
        scenario: l.scenario,
        permittedFields: [...l.permittedFields],
        deliveryMode: l.deliveryMode,
        start: l.start.toISOString(),
        end: l.end.toISOString(),
        derivationAllowed: l.derivationAllowed,
        redistribution: l.redistribution,
        researchOnly: l.researchOnly,
        commercialUse: l.commercialUse,
        usageReport: l.usageReport,
        source: l.source,
        sourceRef: l.sourceRef,
      },
    })
  }
  if (kind === 'sharing-grant') {
    const g = await SharingGrant.findById(id).lean()
    if (!g || !mayRead(user, [g.grantorOrgId, g.granteeOrgId], 'read:ledger:any')) throw notFound()
    // Art. 46: important data's approval names the confidentiality review it was issued after.
    const requestId = grantRequestId(g.sourceRef)
    const review = requestId ? await grantReviewOf(requestId) : null
    return sealDocument({
      kind: 'sharing-approval',
      ref: `sharing-grant:${id}`,
      issuerOrgId: g.grantorOrgId,
      issuedAt: g.approvedAt.toISOString(),
      document: {
        catalogEntryId: g.catalogEntryId,
        grantorOrgId: g.grantorOrgId,
        granteeOrgId: g.granteeOrgId,
        kind: g.kind,
        scenario: g.scenario,
        fields: [...g.fields],
        mode: g.mode,
        start: g.start.toISOString(),
        end: g.end.toISOString(),
        sourceRef: g.sourceRef,
        ...(review && {
          confidentialityReview: {
            outcome: review.outcome,
            at: review.at,
            reviewerUserId: review.reviewerUserId,
            loggedSeq: review.loggedSeq,
          },
        }),
      },
    })
  }
  const r = await ResearchRequest.findById(id).lean()
  if (!r?.decision || !mayRead(user, [r.requesterOrgId, r.ownerOrgId], 'read:ledger:any'))
    throw notFound()
  return sealDocument({
    kind: 'research-decision',
    ref: `research-request:${id}`,
    issuerOrgId: r.decision.decidedByOrgId,
    issuedAt: r.decision.decidedAt.toISOString(),
    document: {
      requesterOrgId: r.requesterOrgId,
      ownerOrgId: r.ownerOrgId,
      subjectKind: r.subjectKind,
      productId: r.productId,
      catalogEntryId: r.catalogEntryId,
      purpose: r.purpose,
      project: { name: r.project.name, number: r.project.number },
      outcome: r.decision.outcome,
      fields: [...r.decision.fields],
      end: r.decision.end?.toISOString() ?? null,
      reasons: r.decision.reasons,
      licenceId: r.decision.licenceId,
    },
  })
}
