// Stripe Connect (C8; ADR 020): a provider links a connected account so that card payments
// for its products reach it as destination charges. One account per organisation: the account is
// created under the idempotency key `org:<id>:connect-account` and recorded under `_id` = org id.
import { PayoutAccount } from '#models/payout-account'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { idempotencyKey, stripeCall, stripeEnabled } from './stripe.server'

export async function payoutAccountOf(orgId: string) {
  return PayoutAccount.findById(orgId).lean()
}

/**
 * Art. 37, 38: links (or resumes linking) the caller's organisation's connected account and returns
 * Stripe's onboarding link.
 */
export async function linkPayoutAccount(
  user: AuthUser,
  origin: string,
): Promise<{ url: string; accountId: string }> {
  if (!user.org) throw new DomainError('no_org', 'error.forbidden', 403)
  if (!stripeEnabled())
    throw new DomainError('stripe_unavailable', 'error.orders.stripeUnavailable', 409)
  const orgId = user.org.id
  let account = await PayoutAccount.findById(orgId).lean()
  if (!account) {
    const created = await stripeCall((stripe) =>
      stripe.accounts.create(
        { type: 'express', metadata: { orgId }, capabilities: { transfers: { requested: true } } },
        { idempotencyKey: idempotencyKey('org', orgId, 'connect-account') },
      ),
    )
    try {
      await PayoutAccount.create({
        _id: orgId,
        stripeAccountId: created.id,
        createdByUserId: user.id,
      })
      const entry = await appendLedger({
        action: 'payout-account.linked',
        actor: { userId: user.id, orgId },
        subjects: [`org:${orgId}`],
        payload: { stripeAccountId: created.id },
        summary: { provider: 'stripe' },
        eventKey: `payout-account.linked:${orgId}`,
      })
      await PayoutAccount.updateOne({ _id: orgId }, { $set: { ledgerSeq: entry._id } })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
    account = await PayoutAccount.findById(orgId).lean()
  }
  const stripeAccountId = account!.stripeAccountId
  const link = await stripeCall((stripe) =>
    stripe.accountLinks.create({
      account: stripeAccountId,
      type: 'account_onboarding',
      refresh_url: `${origin}/provider/payouts`,
      return_url: `${origin}/provider/payouts?linked=1`,
    }),
  )
  return { url: link.url, accountId: account!.stripeAccountId }
}
