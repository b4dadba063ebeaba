// Licences end on time (issue 6 "Enforcement"; Art. 24, 38): the `licence-sweeps` job expires every
// licence whose end (截止時間) has passed and tells both sides. Downloads and API calls already
// stop at the end by themselves (standing.server.ts decides from the dates); the sweep makes it a
// recorded event. Idempotent step by step (ADR 003): the `expired` event is an insert under
// `${licenceId}:expired:${end ISO}`, the ledger entry carries the same end in its event key and each
// notification an idempotency key — a rerun or an overlapping run changes nothing. The `status`
// projection is written last, so a run that crashed half-way is picked up again.
//
// Keyed by the end that passed: a subscription renewal may move the end forward after the licence
// expired (Art. 24: the licence runs to the new end); the status is then recomputed from the events
// and dates (`reinstateAfterExtension`), and a later real expiry is recorded as its own event.
import mongoose from 'mongoose'
import { Licence, LicenceEvent, licenceEventId } from '#models/licence'
import { enqueue } from '#jobs/queues'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, connectDb } from '~/utils/db.server'
import { standingFrom } from './standing.server'
import { isObjectId } from '~/utils/schemas'

const BATCH = 500

export interface ExpirySweepResult {
  expired: number
  licenceIds: string[]
  /** Expired licences whose end a renewal moved forward: active again. */
  reinstated: number
}

/** Art. 24, 38: expires licences whose end is at or before `now`; notifies licensee and licensor. */
export async function expireDueLicences(now = new Date()): Promise<ExpirySweepResult> {
  await connectDb()
  const due = await Licence.find({ status: 'active', end: mongoose.trusted({ $lte: now }) })
    .sort({ end: 1 })
    .limit(BATCH)
    .lean()
  const licenceIds: string[] = []
  for (const licence of due) {
    const licenceId = String(licence._id)
    // A licence revoked meanwhile stays revoked (the revocation wins; its status is the revoke's).
    if (await LicenceEvent.exists({ _id: licenceEventId(licenceId, 'revoked') })) continue
    const endIso = licence.end.toISOString()
    await claim(LicenceEvent, {
      _id: licenceEventId(licenceId, 'expired', endIso),
      licenceId,
      kind: 'expired',
      reason: 'end reached',
      at: licence.end,
    })
    await appendLedger({
      action: 'licence.expired',
      subjects: [
        `licence:${licenceId}`,
        ...(licence.productId ? [`product:${licence.productId}`] : []),
        ...(licence.catalogEntryId ? [`catalog-entry:${licence.catalogEntryId}`] : []),
        `org:${licence.licenseeOrgId}`,
        `org:${licence.licensorOrgId}`,
      ],
      payload: { end: endIso },
      summary: { source: licence.source, end: endIso },
      eventKey: `licence.expired:${licenceId}:${endIso}`,
    })
    for (const [orgId, side] of [
      [licence.licenseeOrgId, 'licensee'],
      [licence.licensorOrgId, 'licensor'],
    ] as const) {
      await enqueue('notifications', {
        key: `licence-expired:${licenceId}:${endIso}:${side}`,
        orgId,
        kind: 'licence.expired',
        params: { licenceId, side, end: endIso },
      })
    }
    // Only for the end that passed: a renewal that moved it meanwhile keeps the licence active.
    await Licence.updateOne(
      { _id: licence._id, status: 'active', end: licence.end },
      { $set: { status: 'expired' } },
    )
    licenceIds.push(licenceId)
  }
  const reinstated = await reinstateExtendedLicences(now)
  return { expired: licenceIds.length, licenceIds, reinstated }
}

/**
 * Art. 24 (截止時間), 38: the status projection recomputed from the licence's events and dates —
 * revoked if a revocation is recorded, else active before its (possibly extended) end, expired
 * after. Call it after a renewal moved the end (`$max`); idempotent.
 */
export async function reinstateAfterExtension(
  licenceId: string,
  now = new Date(),
): Promise<'active' | 'expired' | 'revoked' | null> {
  await connectDb()
  if (!isObjectId(licenceId)) return null
  const licence = await Licence.findById(licenceId).lean()
  if (!licence) return null
  const revoked = Boolean(await LicenceEvent.exists({ _id: licenceEventId(licenceId, 'revoked') }))
  const standing = standingFrom(licence, revoked, now)
  if (standing === 'revoked') return 'revoked'
  // Before its end (or its start) a licence is active; the sweep records the next expiry itself.
  if (standing !== 'expired' && licence.status === 'expired') {
    await Licence.updateOne(
      { _id: licence._id, status: 'expired', end: licence.end },
      { $set: { status: 'active' } },
    )
  }
  return standing === 'expired' ? 'expired' : 'active'
}

/** The sweep's half of the same rule: expired licences whose end now lies ahead are active again. */
async function reinstateExtendedLicences(now: Date): Promise<number> {
  const extended = await Licence.find(
    { status: 'expired', end: mongoose.trusted({ $gt: now }) },
    { _id: 1 },
  )
    .limit(BATCH)
    .lean()
  let reinstated = 0
  for (const l of extended) {
    if ((await reinstateAfterExtension(String(l._id), now)) === 'active') reinstated++
  }
  return reinstated
}
