// Issue 16: a service that changes state asserts its own permission (assertMay), so a job or a new
// route that calls it cannot skip the rule. Each service is called directly — not through its route —
// by a role that lacks the permission, and refused with a 403 before anything changes.
import { beforeAll, describe, expect, it } from 'vitest'
import { LedgerEntry } from '#models/ledger-entry'
import { Licence } from '#models/licence'
import { Order } from '#models/order'
import { CatalogEntry } from '#models/catalog-entry'
import { User } from '#models/user'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { revokeFromPage } from '~/services/licences/pages.server'
import { listPublicComments } from '~/services/open-data/comments.server'
import { publishOpenCatalogEdition } from '~/services/open-data/yearly-catalog.server'
import { confirmTransfer } from '~/services/orders/payments.server'
import { replyToSharingRequest, submitSharingRequest } from '~/services/sharing/requests.server'
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

  it('art22 only agencies ask for shared data, and only their staff reply', async () => {
    const entry = (await CatalogEntry.findOne(
      { listed: true, 'published.sharingType': 'conditional' },
      { published: 1 },
    ).lean())!
    for (const who of ['authority', 'buyer', 'provider', 'regulator']) {
      await refused(() =>
        submitSharingRequest(users[who]!, {
          entryId: String(entry._id),
          scenario: '场景',
          usingUnit: '单位',
          duty: '职责',
          fields: [entry.published!.fields[0]!.name],
          mode: 'api',
          periodEnd: '2099-01-01',
        }),
      )
      // The permission is checked before the request is even looked up.
      await refused(() =>
        replyToSharingRequest(users[who]!, '0123456789abcdef01234567', {
          outcome: 'refused',
          instrument: '《中华人民共和国数据安全法》',
          article: '第二十一条',
          note: '',
        }),
      )
    }
  })
})
