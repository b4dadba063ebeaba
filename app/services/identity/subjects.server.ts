// Who a data subject is (C10; Art. 39, 42): a natural person registers with a resident ID (GB 11643
// checked; stored encrypted, found by its blind index) and confirms it through a step the platform
// records before the portal shows any data about her. The step is pluggable by `method`: here the
// authority's identity desk — an officer checks the ID card in person, enters the number read from
// it, and reads out a one-time code the person then enters; a real-name service would be another
// method that sets the same confirmation.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto'
import { IdentityAttempt, IdentityCheck } from '#models/identity-check'
import { User } from '#models/user'
import { throttleRegistration, type AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { maskResidentId } from './codes'
import { blindIndex, decryptField, encryptField, hashPassword } from './crypto.server'
import { dataKeys } from './keys.server'
import type { SubjectRegistrationInput } from './schemas'

/** A desk code is good for this long, and for this many tries. */
export const DESK_CODE_TTL_MS = 30 * 60_000
export const DESK_CODE_TRIES = 5

function hashCode(userId: string, code: string): string {
  return createHash('sha256').update(`desk-code\0${userId}\0${code}`).digest('hex')
}

/**
 * A natural person registers: e-mail, name, password and resident ID. One account per e-mail and per
 * resident ID (unique indexes decide); when either is taken the answer is the same as for a new
 * registration, so the form tells no one whether a person has an account. The identity is not
 * confirmed yet: nothing about the person is shown until it is.
 */
export async function registerSubject(
  input: SubjectRegistrationInput,
  context: { clientIp?: string } = {},
  now: Date = new Date(),
): Promise<{ status: 'registered'; userId?: string }> {
  // The same limits as an organisation's registration, before the password is hashed.
  await throttleRegistration(context.clientIp)
  await connectDb()
  const keys = dataKeys()
  const email = input.email.trim().toLowerCase()
  const residentIdIndex = blindIndex(input.residentId, keys.index)
  const [byEmail, byId] = await Promise.all([
    User.exists({ email }),
    User.exists({ residentIdIndex }),
  ])
  if (byEmail || byId) return { status: 'registered' }
  const passwordHash = await hashPassword(input.password)
  let user
  try {
    user = await User.create({
      email,
      displayName: input.displayName,
      passwordHash,
      roles: ['data_subject'],
      residentIdEnc: encryptField(input.residentId, keys.field),
      residentIdIndex,
      createdAt: now,
    })
  } catch (error) {
    if (isDuplicateKey(error)) return { status: 'registered' }
    throw error
  }
  const userId = String(user._id)
  await appendLedger({
    action: 'subject.registered',
    actor: { userId },
    subjects: [`user:${userId}`],
    payload: { email, residentIdIndex },
    summary: { confirmed: false },
    eventKey: `subject.registered:${userId}`,
  })
  return { status: 'registered', userId }
}

/** One of the code's five tries, claimed by a unique insert; false when all five are used. */
async function claimTry(userId: string, issuedAt: Date, now: Date): Promise<boolean> {
  for (let n = 1; n <= DESK_CODE_TRIES; n++) {
    try {
      await IdentityAttempt.create({ _id: `${userId}:${issuedAt.getTime()}:${n}`, at: now })
      return true
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }
  return false
}

/**
 * Art. 39: data about a person is shown to her only once her identity is confirmed (by any
 * method). Her subject key (the blind index her records are found by) once it is; null before.
 */
export async function confirmedSubjectKey(user: AuthUser): Promise<string | null> {
  assertMay(user, 'read:subject-data:own')
  await connectDb()
  const doc = await User.findById(user.id, { identityConfirmedAt: 1, residentIdIndex: 1 }).lean()
  return doc?.identityConfirmedAt && doc.residentIdIndex ? doc.residentIdIndex : null
}

/** The same rule where the step cannot go on without it (a copy, a complaint): a 403. */
export async function assertIdentityConfirmed(user: AuthUser): Promise<string> {
  const key = await confirmedSubjectKey(user)
  if (!key) throw new DomainError('identity_unconfirmed', 'error.subject.notConfirmed', 403)
  return key
}

/** The identity desk's list: registered subjects not confirmed yet, newest first. */
export async function pendingSubjects(user: AuthUser) {
  assertMay(user, 'confirm:subject-identity:any')
  await connectDb()
  const users = await User.find(
    { roles: 'data_subject', identityConfirmedAt: null },
    { displayName: 1, email: 1, residentIdEnc: 1, createdAt: 1 },
  )
    .sort({ createdAt: -1 })
    .limit(100)
    .lean()
  return users.map((u) => ({
    id: String(u._id),
    displayName: u.displayName,
    email: u.email,
    residentIdMasked: u.residentIdEnc
      ? maskResidentId(decryptField(u.residentIdEnc, dataKeys().field))
      : '—',
    registeredAt: u.createdAt.toISOString(),
  }))
}

/**
 * Art. 39 (who the subject is), the desk's half: the officer has the person's ID card in hand and
 * enters the number read from it; when it is the account's, a one-time code is issued (shown to the
 * officer once, stored as a hash, good for 30 minutes and five tries) and the issue is logged.
 */
export async function issueDeskCode(
  officer: AuthUser,
  userId: string,
  residentIdOnCard: string,
  now: Date = new Date(),
): Promise<{ code: string; expiresAt: string }> {
  assertMay(officer, 'confirm:subject-identity:any')
  if (!isObjectId(userId)) throw new DomainError('not_found', 'error.subject.notFound', 404)
  await connectDb()
  const user = await User.findById(userId, {
    roles: 1,
    residentIdIndex: 1,
    identityConfirmedAt: 1,
  }).lean()
  if (!user?.roles.includes('data_subject'))
    throw new DomainError('not_found', 'error.subject.notFound', 404)
  if (user.identityConfirmedAt)
    throw new DomainError('already_confirmed', 'error.subject.alreadyConfirmed', 409)
  if (blindIndex(residentIdOnCard, dataKeys().index) !== user.residentIdIndex)
    throw new DomainError('card_mismatch', 'error.subject.cardMismatch', 422, {
      residentId: ['error.subject.cardMismatch'],
    })
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  const expiresAt = new Date(now.getTime() + DESK_CODE_TTL_MS)
  // One open code per person: a new one replaces the last (upsert by the person's id).
  await IdentityCheck.updateOne(
    { _id: userId },
    {
      $set: {
        method: 'desk-code',
        codeHash: hashCode(userId, code),
        issuedAt: now,
        issuedBy: officer.id,
        expiresAt,
      },
    },
    { upsert: true },
  )
  await appendLedger({
    action: 'subject.identity-code-issued',
    actor: { userId: officer.id, orgId: officer.org?.id },
    subjects: [`user:${userId}`],
    payload: { method: 'desk-code', expiresAt: expiresAt.toISOString() },
    summary: { method: 'desk-code' },
  })
  return { code, expiresAt: expiresAt.toISOString() }
}

/**
 * Art. 39 (who the subject is), the person's half: the code the desk read out confirms her identity
 * — within its time, in at most five tries (each try claims one of five numbered slots before the
 * code is compared, so parallel guesses cannot pass the limit); the confirmation is logged.
 */
export async function confirmIdentity(user: AuthUser, code: string, now: Date = new Date()) {
  assertMay(user, 'read:subject-data:own')
  await connectDb()
  const refused = () =>
    new DomainError('bad_code', 'error.subject.badCode', 422, {
      code: ['error.subject.badCode'],
    })
  if (!/^\d{6}$/.test(code)) throw refused()
  const counted = await IdentityCheck.findById(user.id).lean()
  if (!counted || counted.expiresAt <= now) throw refused()
  if (!(await claimTry(user.id, counted.issuedAt, now))) throw refused()
  const expected = Buffer.from(counted.codeHash, 'hex')
  const given = Buffer.from(hashCode(user.id, code), 'hex')
  if (!timingSafeEqual(expected, given)) throw refused()
  // Logged first (by key), then the account, then the code dropped: a crash between two steps
  // leaves the code in place, and the next try with it finishes the same steps once.
  await appendLedger({
    action: 'subject.identity-confirmed',
    actor: { userId: user.id },
    subjects: [`user:${user.id}`],
    payload: { method: counted.method, issuedBy: counted.issuedBy },
    summary: { method: counted.method },
    eventKey: `subject.identity-confirmed:${user.id}`,
  })
  await User.updateOne(
    { _id: user.id, identityConfirmedAt: null },
    { $set: { identityConfirmedAt: now, identityMethod: counted.method } },
  )
  await IdentityCheck.deleteOne({ _id: user.id })
  return { confirmed: true as const }
}
