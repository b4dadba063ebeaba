// The notification centre: a user reads the notices addressed to them and to their organisation,
// never another organisation's; marking read is confined to one's own; the header counts unread.
import { beforeAll, describe, expect, it } from 'vitest'
import { NotificationModel } from '#models/notification'
import type { AuthUser } from '~/services/identity/auth.server'
import { notify } from '#jobs/processors/notify'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  markNotificationsRead,
  notificationHref,
  notificationsPage,
  unreadCount,
} from './inbox.server'
import { notificationListQuery } from './schemas'

let psb: AuthUser
let amr: AuthUser
let regulator: AuthUser

const query = (q: Record<string, string> = {}) => notificationListQuery.parse(q)

describe('notification centre', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    regulator = await demoUser('regulator@demo.gd.example')
    await NotificationModel.deleteMany({})
    // The notifications job writes them, as in production.
    await notify({
      key: 'n:psb:1',
      orgId: psb.org!.id,
      kind: 'sharing-request.submitted',
      params: {
        requestId: '0123456789abcdef01234567',
        title: '常住人口基本信息',
        dueAt: '2026-12-11T15:59:59.999Z',
      },
    })
    await notify({
      key: 'n:psb:2',
      orgId: psb.org!.id,
      kind: 'catalog.stale',
      params: { entryId: 'abc', code: 'GD-PSB-0001', dueAt: '2026-12-20T00:00:00.000Z' },
    })
    await notify({
      key: 'n:amr:1',
      orgId: amr.org!.id,
      kind: 'sharing-grant.revoked',
      params: { requestId: '0123456789abcdef01234567', title: 'x' },
    })
    await notify({
      key: 'n:kind:1',
      kind: 'ledger.broken',
      params: { seq: 7, reason: 'hash', checked: 10 },
    })
  })

  it('shows the notices of the user’s organisation only, newest first, with a link to their subject', async () => {
    const page = await notificationsPage(psb, query())
    expect(page.items.map((n) => n.kind).sort()).toEqual([
      'catalog.stale',
      'sharing-request.submitted',
    ])
    const submitted = page.items.find((n) => n.kind === 'sharing-request.submitted')!
    expect(submitted).toMatchObject({
      href: '/sharing/requests/0123456789abcdef01234567',
      read: false,
      params: { title: '常住人口基本信息' },
    })
    expect(page.items.find((n) => n.kind === 'catalog.stale')!.params.title).toBe('GD-PSB-0001')
    expect(await unreadCount(psb)).toBe(2)
    // The regulator watches the kind-level notices (a broken chain), not the agencies' own.
    const overseer = await notificationsPage(regulator, query())
    expect(overseer.items.map((n) => n.kind)).toEqual(['ledger.broken'])
    expect(overseer.items[0]!.href).toBe('/regulator/log/7')
  })

  it('marks read only the user’s own notices; another organisation’s id changes nothing', async () => {
    const amrNotice = (await NotificationModel.findOne({ key: 'n:amr:1' }).lean())!
    expect(await markNotificationsRead(psb, { ids: [String(amrNotice._id)] })).toBe(0)
    expect(await unreadCount(amr)).toBe(1)
    const [first] = (await notificationsPage(psb, query())).items
    expect(await markNotificationsRead(psb, { ids: [first!.id] })).toBe(1)
    expect(await unreadCount(psb)).toBe(1)
    expect((await notificationsPage(psb, query({ unread: '1' }))).items).toHaveLength(1)
    expect(await markNotificationsRead(psb, 'all')).toBe(1)
    expect(await unreadCount(psb)).toBe(0)
    expect(await unreadCount(amr)).toBe(1)
  })

  it('links only to well-formed ids', () => {
    expect(notificationHref('licence.expired', { licenceId: '../../etc' })).toBeNull()
    expect(notificationHref('research-request.approved', { requestId: 'a1' })).toBe(
      '/research/requests/a1',
    )
  })
})
