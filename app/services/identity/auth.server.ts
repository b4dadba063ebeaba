// C1 Identity and organizations: registration, the authority's review, login,
// API keys. Every state change is written to the ledger (C11).
import { randomBytes, timingSafeEqual } from 'node:crypto'
import mongoose from 'mongoose'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { ApiKey } from '#models/api-key'
import { Organization, type OrgType } from '#models/organization'
import { OrgReview } from '#models/org-review'
import { User, type Role } from '#models/user'
import { appendLedger } from '~/services/ledger/ledger.server'
import { isDuplicateKey } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { permissionsOf, type Permission } from '~/utils/permissions'
import { getRedis } from '~/utils/redis.server'
import { hashPassword, randomToken, sha256Hex, verifyPassword } from './crypto.server'
import { rotateSession } from './session.server'

export interface AuthUser {
  id: string
  email: string
  displayName: string
  roles: Role[]
  permissions: Set<Permission>
  org?: { id: string; type: OrgType; name: { zh: string; en: string } }
  via: 'session' | 'api-key'
}

export const REGISTRABLE_ORG_TYPES = ['provider', 'buyer'] as const

const ROLE_FOR_ORG: Record<(typeof REGISTRABLE_ORG_TYPES)[number], Role> = {
  provider: 'provider_staff',
  buyer: 'buyer_staff',
}

export interface RegistrationInput {
  orgType: (typeof REGISTRABLE_ORG_TYPES)[number]
  nameZh: string
  nameEn: string
  uscc: string
  displayName: string
  email: string
  password: string
}

/**
 * A provider or buyer registers; it stays `pending` until the authority approves
 * it. A retry after a crash between the two inserts resumes the same registration.
 */
export async function registerOrganization(input: RegistrationInput) {
  const email = input.email.trim().toLowerCase()
  const passwordHash = await hashPassword(input.password)
  let createdOrg = true
  const org = await Organization.create({
    type: input.orgType,
    name: { zh: input.nameZh, en: input.nameEn },
    uscc: input.uscc,
    status: 'pending',
    contactEmail: email,
  }).catch(async (error: unknown) => {
    if (!isDuplicateKey(error)) throw error
    // A retry of the same registration (same code, same e-mail, still pending) resumes it.
    const existing = await Organization.findOne({ uscc: input.uscc })
    if (existing?.status !== 'pending' || existing.contactEmail !== email) {
      throw new DomainError('uscc_taken', 'error.usccTaken', 409, { uscc: ['error.usccTaken'] })
    }
    createdOrg = false
    return existing
  })
  let user
  try {
    user = await User.create({
      email,
      displayName: input.displayName,
      passwordHash,
      orgId: org._id,
      roles: [ROLE_FOR_ORG[input.orgType]],
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    user = await User.findOne({ email, orgId: org._id })
    if (!user) {
      if (createdOrg) await Organization.deleteOne({ _id: org._id, status: 'pending' })
      throw new DomainError('email_taken', 'error.emailTaken', 409, { email: ['error.emailTaken'] })
    }
  }
  await appendLedger({
    action: 'org.registered',
    actor: { userId: String(user._id), orgId: String(org._id) },
    subjects: [`org:${org._id}`, `user:${user._id}`],
    payload: { type: org.type, uscc: org.uscc, name: org.name, email },
    summary: { type: org.type },
    eventKey: `org.registered:${org._id}`,
  })
  return { orgId: String(org._id), userId: String(user._id) }
}

/**
 * The authority approves or returns a pending registration. The decision is a
 * claim under the organization's id, so it is taken once even if two reviewers
 * act at once; the org's status is a projection of it.
 */
export async function reviewRegistration(input: {
  orgId: string
  decision: 'approved' | 'rejected'
  reason?: string
  reviewer: AuthUser
}) {
  if (!mongoose.isValidObjectId(input.orgId)) {
    throw new DomainError('not_found', 'error.notFound', 404)
  }
  const org = await Organization.findById(input.orgId)
  if (!org) throw new DomainError('not_found', 'error.notFound', 404)
  let decided = true
  try {
    await OrgReview.create({
      _id: org._id,
      decision: input.decision,
      reason: input.reason,
      reviewerUserId: input.reviewer.id,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    decided = false
  }
  // The claim is the decision; the log entry and the org's status follow from it and are
  // repeated (idempotently) by any later attempt, so a crash between them leaves nothing half-done.
  const review = await OrgReview.findById(org._id).lean()
  if (!review) throw new Error(`review claim for ${org._id} vanished`)
  await appendLedger({
    action: review.decision === 'approved' ? 'org.approved' : 'org.rejected',
    actor: { userId: review.reviewerUserId, orgId: input.reviewer.org?.id },
    subjects: [`org:${org._id}`],
    payload: { decision: review.decision, reason: review.reason ?? '' },
    summary: { decision: review.decision },
    eventKey: `org.reviewed:${org._id}`,
  })
  await Organization.updateOne({ _id: org._id }, { status: review.decision })
  if (!decided) throw new DomainError('already_reviewed', 'error.alreadyReviewed', 409)
}

export async function pendingRegistrations() {
  return Organization.find({ status: 'pending' }).sort({ createdAt: 1 }).limit(200).lean()
}

let limiter: RateLimiterRedis | undefined

const LOGIN_FAILURES_ALLOWED = 10

// Failed logins per e-mail and per client address: 10 per 15 minutes.
function loginLimiter() {
  limiter ??= new RateLimiterRedis({
    storeClient: getRedis(),
    keyPrefix: `${getEnv().QUEUE_PREFIX}:login`,
    points: LOGIN_FAILURES_ALLOWED,
    duration: 15 * 60,
  })
  return limiter
}

let dummyHash: Promise<string> | undefined

export async function login(
  request: Request,
  input: { email: string; password: string; clientIp?: string },
): Promise<{ user: AuthUser; setCookie: string }> {
  const email = input.email.trim().toLowerCase()
  const keys = [`email:${email}`, ...(input.clientIp ? [`ip:${input.clientIp}`] : [])]
  // Only failures count, so a busy office behind one address is not locked out by its own logins.
  for (const key of keys) {
    const seen = await loginLimiter().get(key)
    if (seen && seen.consumedPoints >= LOGIN_FAILURES_ALLOWED) {
      const seconds = Math.ceil(seen.msBeforeNext / 1000)
      throw new DomainError('too_many_attempts', 'error.tooManyAttempts', 429, undefined, {
        seconds,
      })
    }
  }
  const user = await User.findOne({ email }).lean()
  // Spend the same time on unknown e-mails so timing does not reveal accounts.
  dummyHash ??= hashPassword(randomToken())
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash))
  if (!user || !ok) {
    await Promise.all(keys.map((key) => loginLimiter().penalty(key)))
    throw new DomainError('invalid_credentials', 'error.invalidCredentials', 401)
  }
  if (user.orgId) {
    const org = await Organization.findById(user.orgId).lean()
    if (org?.status === 'pending') throw new DomainError('org_pending', 'error.orgPending', 403)
    if (org?.status !== 'approved') throw new DomainError('org_rejected', 'error.orgRejected', 403)
  }
  await loginLimiter().delete(`email:${email}`)
  const setCookie = await rotateSession(request, String(user._id))
  const authUser = await loadAuthUser(String(user._id), 'session')
  if (!authUser) throw new DomainError('invalid_credentials', 'error.invalidCredentials', 401)
  return { user: authUser, setCookie }
}

/** The user behind a session or key, or undefined when the account may not act (org not approved). */
export async function loadAuthUser(userId: string, via: AuthUser['via']): Promise<AuthUser | undefined> {
  const user = await User.findById(userId).lean()
  if (!user) return undefined
  let org: AuthUser['org']
  if (user.orgId) {
    const found = await Organization.findById(user.orgId).lean()
    if (!found || found.status !== 'approved') return undefined
    org = { id: String(found._id), type: found.type, name: { zh: found.name.zh, en: found.name.en } }
  }
  const roles = user.roles as Role[]
  return {
    id: String(user._id),
    email: user.email,
    displayName: user.displayName,
    roles,
    permissions: permissionsOf(roles),
    org,
    via,
  }
}

const API_KEY_PATTERN = /^gdpde_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

/** Creates an API key; the full key is returned once and only its hash is kept. */
export async function createApiKey(owner: AuthUser, name: string) {
  const id = randomBytes(8).toString('hex')
  const secret = randomToken(32)
  await ApiKey.create({ _id: id, secretHash: sha256Hex(secret), userId: owner.id, orgId: owner.org?.id, name })
  await appendLedger({
    action: 'apikey.created',
    actor: { userId: owner.id, orgId: owner.org?.id },
    subjects: [`apikey:${id}`, `user:${owner.id}`],
    payload: { name },
  })
  return { id, key: `gdpde_${id}_${secret}` }
}

export async function listApiKeys(owner: AuthUser) {
  return ApiKey.find({ userId: owner.id }).select({ secretHash: 0 }).sort({ createdAt: -1 }).lean()
}

export async function revokeApiKey(owner: AuthUser, id: string) {
  const result = await ApiKey.updateOne(
    { _id: id, userId: owner.id, revokedAt: mongoose.trusted({ $exists: false }) },
    { revokedAt: new Date() },
  )
  if (result.matchedCount === 0) throw new DomainError('not_found', 'error.notFound', 404)
  await appendLedger({
    action: 'apikey.revoked',
    actor: { userId: owner.id, orgId: owner.org?.id },
    subjects: [`apikey:${id}`, `user:${owner.id}`],
    payload: { id },
  })
}

export async function authenticateApiKey(key: string): Promise<AuthUser | undefined> {
  const match = API_KEY_PATTERN.exec(key)
  if (!match) return undefined
  const stored = await ApiKey.findById(match[1]).lean()
  if (!stored || stored.revokedAt) return undefined
  const given = Buffer.from(sha256Hex(match[2]!), 'hex')
  if (!timingSafeEqual(given, Buffer.from(stored.secretHash, 'hex'))) return undefined
  return loadAuthUser(String(stored.userId), 'api-key')
}
