// Grading decides who sees (issue 19; Art. 9, 45): an important entry's details reach only the
// organisations with a need, from every door; core data never leaves its source and the authority.
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { SharingGrant } from '#models/sharing-grant'
import { loader as entryPage } from '~/routes/catalog.$entryId._index'
import { loader as versionPage } from '~/routes/catalog.$entryId.versions.$version'
import { loader as apiEntry } from '~/routes/api.v1.catalog.entries.$entryId'
import { exportEntry } from '~/services/catalog/dcat.server'
import {
  getEntryDetailsForUser,
  getEntryForIndex,
  getEntryForUser,
  listPublishedEntries,
} from '~/services/catalog/entries.server'
import { raiseQualityIssue } from '~/services/catalog/quality.server'
import { packageShow } from '~/services/open-data/ckan.server'
import { BASE, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser, seededEntryId } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { refusal } from '../../../tests/fixtures/errors'

describe('grading decides who sees (Art. 9, 45)', () => {
  useTestDb()
  let important = ''
  let core = ''
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    important = await seededEntryId('psb', '0001')
    const c = (await CatalogEntry.findOne({ 'content.grade.tier': 'core' }, { _id: 1 }).lean())!
    core = String(c._id)
  })

  it('art9 art45 an important entry shows its fields only to the source, the authority and a grant holder — from every door', async () => {
    const entry = (await CatalogEntry.findById(important).lean())!
    expect(entry.published?.grade.tier).toBe('important')
    expect(entry.listed).toBe(true)
    const fieldName = entry.published!.fields[0]!.name
    const [owner, authority, outsider, grantee, company] = await Promise.all([
      demoUser('psb@demo.gd.example'),
      demoUser('authority@demo.gd.example'),
      demoUser('nr@demo.gd.example'),
      demoUser('amr@demo.gd.example'),
      demoUser('buyer@demo.gd.example'),
    ])
    // The grantee's need: a grant in force for this entry (and none for the outsider).
    await SharingGrant.deleteMany({
      catalogEntryId: important,
      granteeOrgId: outsider.org!.id,
    })
    await SharingGrant.create({
      catalogEntryId: important,
      grantorOrgId: entry.orgId,
      granteeOrgId: grantee.org!.id,
      kind: 'sharing',
      scenario: '测试：履行法定职责',
      start: new Date(Date.now() - 86_400_000),
      end: new Date(Date.now() + 86_400_000),
      approvedAt: new Date(),
      approvedBy: 'test',
      sourceRef: `grading-test:${Date.now()}`,
    })

    await expect(
      raiseQualityIssue({
        user: grantee,
        entryId: important,
        kind: 'outdated',
        description: '户籍地址更新不及时',
      }),
    ).resolves.toMatchObject({ id: expect.any(String) })
    for (const user of [owner, authority, grantee]) {
      const { entry: view, restricted } = await getEntryForUser(user, important)
      expect(restricted, user.email).toBe(false)
      expect(view.published!.fields.map((f) => f.name)).toContain(fieldName)
      await expect(getEntryDetailsForUser(user, important)).resolves.toBeDefined()
    }
    for (const user of [outsider, company]) {
      const { entry: view, restricted } = await getEntryForUser(user, important)
      expect(restricted, user.email).toBe(true)
      expect(view.content.fields).toEqual([])
      expect(view.published!.fields).toEqual([])
      expect(view.published!.description).toEqual({ zh: '', en: '' })
      // The card still says what it is and how to ask for it.
      expect(view.published!.title.zh).not.toBe('')
      expect(view.published!.sharingConditions).not.toBe('')
      expect(await refusal(() => getEntryDetailsForUser(user, important))).toMatchObject({
        status: 403,
        code: 'grade_restricted',
      })
      // Nor does a card-only reader raise quality issues on data it cannot see (Art. 17).
      expect(
        await refusal(() =>
          raiseQualityIssue({
            user,
            entryId: important,
            kind: 'missing',
            description: '缺少字段说明',
          }),
        ),
      ).toMatchObject({ status: 403, code: 'grade_restricted' })
      // The browse list shows the card.
      let after: string | undefined
      let found = false
      do {
        const page = await listPublishedEntries(user, { after, limit: 50 })
        for (const item of page.items)
          if (item.id === important) {
            found = true
            expect(item.published!.fields).toEqual([])
          }
        after = page.nextAfter ?? undefined
      } while (after)
      expect(found).toBe(true)
    }

    // The index that feeds search, the open portal, CKAN and DCAT carries the card only.
    expect((await getEntryForIndex(important))!.content.fields).toEqual([])
    expect(JSON.stringify(await exportEntry(important, 'listed'))).not.toContain(fieldName)
    const ckan = await packageShow({ id: important }, 'listed', BASE).catch((e: unknown) => e)
    expect(JSON.stringify(ckan)).not.toContain(fieldName)

    // Pages and the API, with a session each.
    const page = async (email: string) => {
      const cookie = await sessionCookieFor(email)
      const res = await settle(() =>
        entryPage({
          request: new Request(`${BASE}/catalog/${important}`, { headers: { Cookie: cookie } }),
          params: { entryId: important },
          context: {},
        }),
      )
      return { status: res.status, text: await res.text() }
    }
    const seen = await page('nr@demo.gd.example')
    expect(seen.status).toBe(200)
    expect(seen.text).not.toContain(`"${fieldName}"`)
    expect(seen.text).toContain('"restricted":true')
    expect((await page('amr@demo.gd.example')).text).toContain(`"${fieldName}"`)
    const nrCookie = await sessionCookieFor('nr@demo.gd.example')
    const api = await settle(() =>
      apiEntry({
        request: new Request(`${BASE}/api/v1/catalog/entries/${important}`, {
          headers: { Cookie: nrCookie },
        }),
        params: { entryId: important },
        context: {},
      }),
    )
    expect(await api.text()).not.toContain(`"${fieldName}"`)
    const version = await settle(() =>
      versionPage({
        request: new Request(`${BASE}/catalog/${important}/versions/1`, {
          headers: { Cookie: nrCookie },
        }),
        params: { entryId: important, version: '1' },
        context: {},
      }),
    )
    expect(version.status).toBe(403)
  })

  it('art9 art45 core data never leaves its source and the authority', async () => {
    const entry = (await CatalogEntry.findById(core).lean())!
    expect(entry.listed).toBe(false)
    const [owner, authority, outsider] = await Promise.all([
      (async () => {
        const { User } = await import('#models/user')
        const u = (await User.findOne({ orgId: entry.orgId }).lean())!
        return demoUser(u.email)
      })(),
      demoUser('authority@demo.gd.example'),
      demoUser('buyer@demo.gd.example'),
    ])
    expect((await getEntryForUser(owner, core)).restricted).toBe(false)
    expect((await getEntryForUser(authority, core)).restricted).toBe(false)
    expect(await refusal(() => getEntryForUser(outsider, core))).toMatchObject({ status: 404 })
    expect(await getEntryForIndex(core)).toBeNull()
    expect(await refusal(() => exportEntry(core, 'listed'))).toMatchObject({ status: 404 })
  })
})
