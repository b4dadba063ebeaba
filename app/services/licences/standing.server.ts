// A licence's standing at the moment of use (issue 6 "Enforcement"): downloads, API calls and the
// licence page decide from the licence's dates and its revocation event, never from the `status`
// projection alone (the expiry job may not have run yet; a revocation is an event first).
import { Licence, LicenceEvent, licenceEventId, type LicenceDoc } from '#models/licence'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { isObjectId } from '~/utils/schemas'

export type Standing = 'active' | 'not_started' | 'expired' | 'revoked'

export async function findLicence(licenceId: string): Promise<LicenceDoc | null> {
  if (!isObjectId(licenceId)) return null
  await connectDb()
  return (await Licence.findById(licenceId).lean()) as LicenceDoc | null
}

/**
 * Art. 38: a licence is in force for start ≤ T < end unless revoked. Pure: `revoked` says whether a
 * revocation is recorded (its event or `revokedAt`); the licence list decides for many at once.
 */
export function standingFrom(
  licence: Pick<LicenceDoc, 'start' | 'end' | 'revokedAt'>,
  revoked: boolean,
  at: Date,
): Standing {
  if (revoked || licence.revokedAt) return 'revoked'
  if (at < licence.start) return 'not_started'
  if (at >= licence.end) return 'expired'
  return 'active'
}

/** Art. 38: the licence's standing at `at` — revoked (an event), else from start and end. */
export async function standingAt(
  licence: Pick<LicenceDoc, '_id' | 'start' | 'end' | 'revokedAt'>,
  at: Date,
): Promise<Standing> {
  const revoked =
    Boolean(licence.revokedAt) ||
    Boolean(await LicenceEvent.exists({ _id: licenceEventId(String(licence._id), 'revoked') }))
  return standingFrom(licence, revoked, at)
}

/**
 * Art. 38: refuses use of a licence that is not in force at `at` — revoked (403), expired (410;
 * `expiredStatus` lets the data API answer 403 as its contract says) or not yet started (403).
 */
export async function requireLicenceInForce(
  licence: LicenceDoc,
  at: Date,
  expiredStatus: 403 | 410 = 410,
): Promise<void> {
  const standing = await standingAt(licence, at)
  if (standing === 'revoked')
    throw new DomainError('licence_revoked', 'error.licences.revoked', 403)
  if (standing === 'expired')
    throw new DomainError('licence_expired', 'error.licences.expired', expiredStatus)
  if (standing === 'not_started')
    throw new DomainError('licence_not_started', 'error.licences.notStarted', 403)
}
