// Issued documents sealed on request (C14; Art. 29–30): licences, sharing approvals, research
// decisions — for their parties, the authority and the regulator only; checked offline.
import { beforeAll, describe, expect, it } from 'vitest'
import { Licence } from '#models/licence'
import { ResearchRequest } from '#models/research-request'
import { SharingGrant } from '#models/sharing-grant'
import { User } from '#models/user'
import { loader as sealRoute } from '~/routes/seals.$kind.$id'
import { BASE, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { decideResearchRequest } from '~/services/research/decisions.server'
import { sealedIssuedDocument } from './documents.server'
import { verifySeal } from './verify'

async function someoneOf(orgId: string) {
  const u = (await User.findOne({ orgId }).lean())!
  return demoUser(u.email)
}

describe('sealed issued documents (Art. 29–30)', () => {
  useTestDb()
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
  })

  it('art29 art30 a licence, a sharing approval and a research decision carry the exchange’s seal for their parties; one altered byte fails; others get 404', async () => {
    const licence = (await Licence.findOne({}).lean())!
    const grant = (await SharingGrant.findOne({}).lean())!
    // A decided research request (decided here when the demo world holds none).
    let research = (await ResearchRequest.find({}).lean()).find((r) => r.decision)
    if (!research) {
      const pending = (await ResearchRequest.findOne({ status: 'pending' }).lean())!
      await decideResearchRequest(await someoneOf(pending.ownerOrgId), String(pending._id), {
        intent: 'refuse',
        reasons: '研究方案未说明数据销毁方式。',
      })
      research = (await ResearchRequest.findById(pending._id).lean())!
    }
    const cases = [
      { kind: 'licence' as const, id: String(licence._id), party: licence.licenseeOrgId },
      { kind: 'sharing-grant' as const, id: String(grant._id), party: grant.granteeOrgId },
      {
        kind: 'research-decision' as const,
        id: String(research._id),
        party: research.requesterOrgId,
      },
    ]
    const stranger = await demoUser('lina@demo.gd.example')
    const regulator = await demoUser('regulator@demo.gd.example')
    for (const c of cases) {
      const party = await someoneOf(c.party)
      const sealed = await sealedIssuedDocument(party, c.kind, c.id)
      expect(verifySeal(sealed), c.kind).toMatchObject({ ok: true })
      expect(sealed.ref).toContain(c.id)
      // Sealed again later: the same document (its issued terms, not its status).
      const again = await sealedIssuedDocument(regulator, c.kind, c.id)
      expect(again.document).toEqual(sealed.document)
      // One byte of the document altered: the seal fails.
      const text = JSON.stringify(sealed)
      const altered = JSON.parse(
        text
          .replace(/"scenario":"(.)/, '"scenario":"X$1')
          .replace(/"purpose":"(.)/, '"purpose":"X$1'),
      ) as unknown
      expect(verifySeal(altered).ok, c.kind).toBe(false)
      expect(await refusal(() => sealedIssuedDocument(stranger, c.kind, c.id))).toMatchObject({
        status: 404,
      })
    }
    // Through the route: a download for the licensee, a 404 for someone who is not a party.
    const licensee = (await User.findOne({ orgId: licence.licenseeOrgId }).lean())!
    const get = async (email: string) =>
      settle(async () =>
        sealRoute({
          request: new Request(`${BASE}/seals/licence/${String(licence._id)}`, {
            headers: { Cookie: await sessionCookieFor(email) },
          }),
          params: { kind: 'licence', id: String(licence._id) },
          context: {},
        }),
      )
    const ok = await get(licensee.email)
    expect(ok.status).toBe(200)
    expect(verifySeal(await ok.json())).toMatchObject({ ok: true })
    expect((await get('lina@demo.gd.example')).status).toBe(404)
  })
})
