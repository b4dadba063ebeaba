// Issue 16: a service that changes state asserts its own permission (assertMay), so a job or a new
// route that calls it cannot skip the rule. Each service is called directly — not through its route —
// by a role that lacks the permission, and refused with a 403 before anything changes.
import { beforeAll, describe, expect, it } from 'vitest'
import { LedgerEntry } from '#models/ledger-entry'
import { Licence } from '#models/licence'
import { Order } from '#models/order'
import { User } from '#models/user'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { revokeFromPage } from '~/services/licences/pages.server'
import { listPublicComments } from '~/services/open-data/comments.server'
import { publishOpenCatalogEdition } from '~/services/open-data/yearly-catalog.server'
import { confirmTransfer } from '~/services/orders/payments.server'
import { requestSupervisionReport } from '~/services/supervision/reports.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { seedDemoWorldFromTemplate, useTestDb } from '../setup/db'

useTestDb()

const users: Record<string, AuthUser> = {}

async function refused(run: () => Promise<unknown>) {
  const before = await LedgerEntry.countDocuments({})
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  expect((error as DomainError).status).toBe(403)
  expect(await LedgerEntry.countDocuments({})).toBe(before)
}

describe('services assert their own permission', () => {
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    for (const who of ['authority', 'buyer', 'provider', 'regulator']) {
      const doc = (await User.findOne({ email: `${who}@demo.gd.example` }).lean())!
      users[who] = (await loadAuthUser(String(doc._id), 'session'))!
    }
  })

  it('assertMay names the missing permission and lets a holder through', () => {
    expect(() => assertMay(users.authority!, 'confirm:payment:any')).not.toThrow()
    const error = (() => {
      try {
        assertMay(users.buyer!, 'confirm:payment:any')
      } catch (e) {
        return e as DomainError
      }
    })()
    expect(error).toMatchObject({
      code: 'forbidden',
      status: 403,
      params: { permission: 'confirm:payment:any' },
    })
  })

  it('art38 only the authority confirms a bank transfer, whoever calls the service', async () => {
    const order =
      (await Order.findOne({ method: 'bank_transfer', status: 'awaiting_payment' }).lean()) ??
      (await Order.findOne({}).lean())!
    for (const who of ['buyer', 'provider', 'regulator']) {
      await refused(() =>
        confirmTransfer(users[who]!, {
          intent: 'confirm',
          orderId: String(order._id),
          amount: order.amountFen,
          bankReference: 'X-1',
        } as never),
      )
    }
    expect((await Order.findById(order._id).lean())!.status).toBe(order.status)
  })

  it('art38 only the authority revokes a licence', async () => {
    const licence = (await Licence.findOne({}).lean())!
    for (const who of ['buyer', 'provider', 'regulator'])
      await refused(() => revokeFromPage(users[who]!, String(licence._id), 'not mine to revoke'))
    expect((await Licence.findById(licence._id).lean())!.revokedAt ?? null).toBeNull()
  })

  it('art34 only the authority publishes the yearly open catalog and reads its comments', async () => {
    for (const who of ['buyer', 'regulator']) {
      await refused(() =>
        publishOpenCatalogEdition({
          user: users[who]!,
          year: 2026,
          priorities: { zh: '重点', en: 'Priorities' },
        }),
      )
      await refused(() => listPublicComments(users[who]!, { limit: 10 }))
    }
  })

  it('art48 a supervision report is generated on the authority’s request only', async () => {
    for (const who of ['buyer', 'provider'])
      await refused(() =>
        requestSupervisionReport(users[who]!, { scope: 'all', period: '2026-11' }),
      )
  })
})
