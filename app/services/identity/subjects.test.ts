// Who a data subject is (C10; Art. 39): a person registers with her resident ID and sees nothing
// about her until the authority's identity desk has confirmed it.
import { beforeAll, describe, expect, it } from 'vitest'
import { LedgerEntry } from '#models/ledger-entry'
import { User } from '#models/user'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { subjectHome } from '~/services/identity/home.server'
import { requestSubjectCopy } from '~/services/subjects/copies.server'
import { refusal } from '../../../tests/fixtures/errors'
import { formRequest, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { makeResidentId } from './codes'
import { decryptField } from './crypto.server'
import { dataKeys } from './keys.server'
import { confirmIdentity, issueDeskCode, registerSubject } from './subjects.server'

let desk: AuthUser
let n = 0
/** A new person: a valid resident ID of her own, and her account once registered. */
async function newPerson() {
  n++
  const residentId = makeResidentId(`44010619850101${String(100 + n).padStart(3, '0')}`)
  const email = `person${n}@example.cn`
  const { userId } = await registerSubject({
    displayName: `市民${n}`,
    residentId,
    email,
    password: 'a long enough password',
  })
  return { residentId, email, user: (await loadAuthUser(userId!, 'session'))! }
}

describe('who a data subject is (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    desk = await demoUser('authority@demo.gd.example')
  })

  it('art39 a person registers with her resident ID and sees nothing about her until the desk confirms it', async () => {
    const { residentId, user } = await newPerson()
    expect(user.roles).toEqual(['data_subject'])
    const stored = (await User.findById(user.id).lean())!
    expect(decryptField(stored.residentIdEnc!, dataKeys().field)).toBe(residentId)
    expect(stored.identityConfirmedAt).toBeNull()

    const before = await subjectHome(user)
    expect(before).toMatchObject({ identityConfirmed: false, holdings: [], uses: { total: 0 } })
    expect((await refusal(() => requestSubjectCopy(user))).code).toBe('identity_unconfirmed')

    // The desk checks the card: a number that is not hers gives no code.
    const wrong = await refusal(() =>
      issueDeskCode(desk, user.id, makeResidentId('44010619850101999')),
    )
    expect(wrong).toMatchObject({ status: 422, code: 'card_mismatch' })
    const { code } = await issueDeskCode(desk, user.id, residentId)
    expect(code).toMatch(/^\d{6}$/)
    const bad = code === '000000' ? '000001' : '000000'
    expect((await refusal(() => confirmIdentity(user, bad))).code).toBe('bad_code')
    expect(await confirmIdentity(user, code)).toEqual({ confirmed: true })

    expect(await subjectHome(user)).toMatchObject({ identityConfirmed: true })
    expect(await requestSubjectCopy(user)).toMatchObject({ status: 'queued' })
    const logged = await LedgerEntry.find({ subjects: `user:${user.id}` }).lean()
    expect(logged.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'subject.registered',
        'subject.identity-code-issued',
        'subject.identity-confirmed',
      ]),
    )
    // Confirmed once: the desk has nothing more to do for her.
    expect((await refusal(() => issueDeskCode(desk, user.id, residentId))).code).toBe(
      'already_confirmed',
    )
  })

  it('art39 a code allows five tries, however many are made at once; a new code starts again', async () => {
    const { residentId, user } = await newPerson()
    const first = await issueDeskCode(desk, user.id, residentId)
    const wrong = first.code === '123456' ? '654321' : '123456'
    const tries = await Promise.allSettled(
      Array.from({ length: 12 }, () => confirmIdentity(user, wrong)),
    )
    expect(tries.every((t) => t.status === 'rejected')).toBe(true)
    // The right code after five tries is refused too.
    expect((await refusal(() => confirmIdentity(user, first.code))).code).toBe('bad_code')
    const second = await issueDeskCode(desk, user.id, residentId)
    expect(await confirmIdentity(user, second.code)).toEqual({ confirmed: true })
  })

  it('art39 registering tells no one whether an e-mail or a resident ID already has an account', async () => {
    const zhang = (await User.findOne({ email: 'zhangwei@demo.gd.example' }).lean())!
    const hisId = decryptField(zhang.residentIdEnc!, dataKeys().field)
    const count = await User.countDocuments({})
    const sameId = await registerSubject({
      displayName: '冒名者',
      residentId: hisId,
      email: 'someone-else@example.cn',
      password: 'a long enough password',
    })
    const sameEmail = await registerSubject({
      displayName: '张伟',
      residentId: makeResidentId('44010619850101888'),
      email: 'zhangwei@demo.gd.example',
      password: 'a long enough password',
    })
    expect(sameId).toEqual({ status: 'registered' })
    expect(sameEmail).toEqual({ status: 'registered' })
    expect(await User.countDocuments({})).toBe(count)
  })

  it('art39 only the authority’s desk issues codes; the form refuses a bad ID in the user’s language', async () => {
    const { residentId, user } = await newPerson()
    const agency = await demoUser('psb@demo.gd.example')
    expect((await refusal(() => issueDeskCode(agency, user.id, residentId))).status).toBe(403)
    expect((await refusal(() => issueDeskCode(desk, 'nope', residentId))).status).toBe(404)

    const { action } = await import('~/routes/register_.subject')
    const response = await settle(() =>
      action({
        request: formRequest('/register/subject', {
          displayName: '市民',
          residentId: '440106198501011234',
          email: 'new-person@example.cn',
          password: 'a long enough password',
        }),
        params: {},
        context: {},
      }),
    )
    expect(response.status).toBe(400)
    expect(JSON.stringify(await response.json())).toContain('校验码')
    expect(await User.exists({ email: 'new-person@example.cn' })).toBeNull()
    const ok = await settle(() =>
      action({
        request: formRequest('/register/subject', {
          displayName: '市民',
          residentId: makeResidentId('44010619850101777'),
          email: 'new-person@example.cn',
          password: 'a long enough password',
        }),
        params: {},
        context: {},
      }),
    )
    expect(ok.status).toBe(302)
    expect(ok.headers.get('Location')).toBe('/register/subject?done=1')
  })
})
