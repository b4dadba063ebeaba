// Revoking a licence (usage policy) — a refunded order's licence stops working (C8; Art. 24,
// 38), and the authority may revoke one. Idempotent step by step (ADR 003): the `revoked` event is
// an insert under `${licenceId}:revoked`, the status a projection of it, the ledger entry carries an
// event key. Readers that decide rights check the event (rights.server.ts), never `status` alone.
import { Licence, LicenceEvent, licenceEventId } from '#models/licence'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { isObjectId } from '~/utils/schemas'

export interface RevokedLicence {
  licenceId: string
  revokedAt: Date
  /** The ledger entry of the revocation (its receipt). */
  ledgerSeq: number
}

/** Art. 24: revokes `licenceId` from now on (or finishes revoking it after a crash); logs it once. */
export async function revokeLicence(
  licenceId: string,
  reason: string,
  actor: { userId?: string; orgId?: string },
): Promise<RevokedLicence> {
  const licence = isObjectId(licenceId) ? await Licence.findById(licenceId).lean() : null
  if (!licence) throw new DomainError('not_found', 'error.orders.notFound', 404)
  const eventId = licenceEventId(licenceId, 'revoked')
  await claim(LicenceEvent, {
    _id: eventId,
    licenceId,
    kind: 'revoked',
    reason,
    actorUserId: actor.userId ?? null,
    actorOrgId: actor.orgId ?? null,
  })
  const event = await LicenceEvent.findById(eventId).lean()
  const revokedAt = event!.at
  await Licence.updateOne({ _id: licence._id }, { $set: { status: 'revoked', revokedAt } })
  const entry = await appendLedger({
    action: 'licence.revoked',
    actor,
    subjects: [
      `licence:${licenceId}`,
      ...(licence.productId ? [`product:${licence.productId}`] : []),
      `${licence.source === 'order' ? 'order' : 'research-request'}:${licence.sourceRef}`,
      `org:${licence.licenseeOrgId}`,
      `org:${licence.licensorOrgId}`,
    ],
    payload: { reason, revokedAt: revokedAt.toISOString() },
    summary: { source: licence.source },
    eventKey: `licence.revoked:${licenceId}`,
  })
  return { licenceId, revokedAt, ledgerSeq: entry._id }
}
