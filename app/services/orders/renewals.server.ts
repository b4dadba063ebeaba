// Subscription renewals (C8): a paid renewal invoice extends the order's licence to the end of
// the new period. The extension is a licence event unique per invoice
// (`${licenceId}:extended:${invoiceId}`, ADR 003); the licence's `end` is then moved forward only
// (`$max`), so a replayed or late invoice never shortens it.
import { Licence, LicenceEvent } from '#models/licence'
import { appendLedger } from '~/services/ledger/ledger.server'
import { reinstateAfterExtension } from '~/services/licences/expiry.server'
import { claim } from '~/utils/db.server'

/** Art. 24 (截止時間): the licence runs to `periodEnd` — once per invoice, never backwards. */
export async function extendLicence(
  licenceId: string,
  invoiceId: string,
  periodEnd: Date,
): Promise<void> {
  await claim(LicenceEvent, {
    _id: `${licenceId}:extended:${invoiceId}`,
    licenceId,
    kind: 'extended',
    reason: `invoice:${invoiceId}`,
  })
  await Licence.updateOne({ _id: licenceId }, { $max: { end: periodEnd } })
  // A renewal paid after the expiry sweep ran brings the licence back into force.
  await reinstateAfterExtension(licenceId)
  await appendLedger({
    action: 'licence.extended',
    subjects: [`licence:${licenceId}`],
    payload: { invoiceId, end: periodEnd.toISOString() },
    summary: { end: periodEnd.toISOString() },
    eventKey: `licence.extended:${licenceId}:${invoiceId}`,
  })
}
