// C1 Identity and organizations: registration, the authority's review, login,
// API keys. Every state change is written to the ledger (C11).
import { randomBytes, timingSafeEqual } from 'node:crypto'
import mongoose from 'mongoose'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { ApiKey } from '#models/api-key'
import { Organization, type OrganizationDoc, type OrgType } from '#models/organization'
import { OrgReview } from '#models/org-review'
import { User, type Role } from '#models/user'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, isDuplicateKey } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { recordSecurityEvent } from '~/services/security/events.server'
import { DomainError } from '~/utils/errors'
import { permissionsOf, type Permission } from '~/utils/permissions'
import { getRedis } from '~/utils/redis.server'
import { enqueue } from '#jobs/queues'
import { hashPassword, needsRehash, randomToken, sha256Hex, verifyPassword } from './crypto.server'
import { rotateSession } from './session.server'
import { cursorPageOf } from '~/utils/listing.server'

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

let registrationLimiters: { perSource: RateLimiterRedis; global: RateLimiterRedis } | undefined

/** Registrations accepted per client address and, over all addresses, per hour. */
export const REGISTRATIONS_PER_SOURCE_PER_HOUR = 10
export const REGISTRATIONS_PER_HOUR = 300

/**
 * Each registration creates an organization, a user and a log entry: a flood from one address, or
 * from many, is refused with 429 before any of them (and before the password is hashed).
 */
export async function throttleRegistration(clientIp: string | undefined): Promise<void> {
  const prefix = `${getEnv().QUEUE_PREFIX}:register`
  registrationLimiters ??= {
    perSource: new RateLimiterRedis({
      storeClient: getRedis(),
      keyPrefix: `${prefix}:ip`,
      points: REGISTRATIONS_PER_SOURCE_PER_HOUR,
      duration: 3600,
    }),
    global: new RateLimiterRedis({
      storeClient: getRedis(),
      keyPrefix: `${prefix}:all`,
      points: REGISTRATIONS_PER_HOUR,
      duration: 3600,
    }),
  }
  try {
    if (clientIp) await registrationLimiters.perSource.consume(clientIp)
    await registrationLimiters.global.consume('all')
  } catch (refusal) {
    if (refusal instanceof Error) throw refusal
    const seconds = Math.ceil((refusal as { msBeforeNext: number }).msBeforeNext / 1000)
    throw new DomainError('too_many_registrations', 'error.tooManyRegistrations', 429, undefined, {
      seconds,
    })
  }
}

/** The ids are for the caller's own use; what the registrant is shown is the status alone. */
export type RegistrationReceipt = { status: 'pending'; orgId?: string; userId?: string }

/**
 * A provider or buyer registers; it stays `pending` until the authority approves it. A retry
 * after a crash between the two inserts resumes the same registration. The answer is the same
 * whether or not the e-mail already has an account (no enumeration): its holder is told instead.
 */
export async function registerOrganization(
  input: RegistrationInput,
  context: { clientIp?: string } = {},
): Promise<RegistrationReceipt> {
  await throttleRegistration(context.clientIp)
  const email = input.email.trim().toLowerCase()
  // Cheap refusals before the costly hash; the unique indexes still decide under a race.
  const [orgWithCode, account] = await Promise.all([
    Organization.findOne({ uscc: input.uscc }).lean(),
    User.findOne({ email }).lean(),
  ])
  const resuming = orgWithCode?.status === 'pending' && orgWithCode.contactEmail === email
  // A credit code is public (the national enterprise credit register): saying it is taken reveals nothing.
  if (orgWithCode && !resuming)
    throw new DomainError('uscc_taken', 'error.usccTaken', 409, { uscc: ['error.usccTaken'] })
  if (account && !(resuming && String(account.orgId) === String(orgWithCode._id))) {
    await tellAccountHolder(String(account._id), account.orgId ? String(account.orgId) : undefined)
    return { status: 'pending' }
  }
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
    const existing = await Organization.findOne({ uscc: input.uscc })
    if (existing?.status !== 'pending' || existing.contactEmail !== email) {
      throw new DomainError('uscc_taken', 'error.usccTaken', 409, { uscc: ['error.usccTaken'] })
    }
    // A retry of the same registration (same code, same e-mail, still pending) resumes it.
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
      // Lost a race for the e-mail: an organization this call created has no user; remove it.
      if (createdOrg) await Organization.deleteOne({ _id: org._id, status: 'pending' })
      const holder = await User.findOne({ email }).lean()
      if (holder)
        await tellAccountHolder(String(holder._id), holder.orgId ? String(holder.orgId) : undefined)
      return { status: 'pending' }
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
  return { status: 'pending', orgId: String(org._id), userId: String(user._id) }
}

/** Someone registered with an e-mail that has an account: one notice a day to that account. */
async function tellAccountHolder(userId: string, orgId: string | undefined): Promise<void> {
  const day = new Date().toISOString().slice(0, 10)
  await enqueue('notifications', {
    key: `registration-attempt:${userId}:${day}`,
    userId,
    ...(orgId ? { orgId } : {}),
    kind: 'account.registration-attempt',
    params: { day },
  })
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
  const decided = await claim(OrgReview, {
    _id: org._id,
    decision: input.decision,
    reason: input.reason,
    reviewerUserId: input.reviewer.id,
  })
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

export const PENDING_PAGE_SIZE = 50

/** Pending registrations, oldest first, a page at a time after `after` (an org id), with the total. */
export async function pendingRegistrations(after?: string) {
  // (The cursor written by hand here was an operator object that sanitizeFilter turned into an
  // equality, so a second page was always empty; cursorPageOf marks its operator trusted.)
  const { items, nextAfter, total } = await cursorPageOf(
    Organization,
    { status: 'pending' },
    { after, limit: PENDING_PAGE_SIZE },
  )
  return { page: items as OrganizationDoc[], total, nextAfter }
}

/**
 * Failed logins allowed in 15 minutes: per account and source address (so a stranger cannot lock
 * someone out from elsewhere), per source (password spraying across accounts), and per account
 * from everywhere (a distributed guess; high, so it rarely bites a real user).
 */
const LOGIN_LIMITS = { accountAtSource: 10, source: 100, account: 300 } as const
type LoginScope = keyof typeof LOGIN_LIMITS

let loginLimiters: Record<LoginScope, RateLimiterRedis> | undefined

function loginLimiter(scope: LoginScope) {
  loginLimiters ??= Object.fromEntries(
    (Object.keys(LOGIN_LIMITS) as LoginScope[]).map((name) => [
      name,
      new RateLimiterRedis({
        storeClient: getRedis(),
        keyPrefix: `${getEnv().QUEUE_PREFIX}:login:${name}`,
        points: LOGIN_LIMITS[name],
        duration: 15 * 60,
      }),
    ]),
  ) as Record<LoginScope, RateLimiterRedis>
  return loginLimiters[scope]
}

let lockoutCounter: RateLimiterRedis | undefined

/** Lockouts of one key in the last day: each doubles the next one (15 min, 30 min, 1 h … at most a day). */
function lockouts() {
  lockoutCounter ??= new RateLimiterRedis({
    storeClient: getRedis(),
    keyPrefix: `${getEnv().QUEUE_PREFIX}:login:lockouts`,
    points: 1_000_000,
    duration: 24 * 3600,
  })
  return lockoutCounter
}

/** Counts a failed login under `key`; the failure that reaches the limit starts a lockout with backoff. */
async function countFailure(scope: LoginScope, key: string): Promise<void> {
  const res = await loginLimiter(scope).penalty(key)
  if (res.consumedPoints !== LOGIN_LIMITS[scope]) return
  const n = (await lockouts().penalty(`${scope}:${key}`)).consumedPoints
  const seconds = Math.min(15 * 60 * 2 ** (n - 1), 24 * 3600)
  await loginLimiter(scope).block(key, seconds)
  // Art. 45 ¶2: a lock-out is a security event (and an alert).
  await recordSecurityEvent({
    kind: 'lockout',
    subject: `${scope}:${key}`,
    detail: `${LOGIN_LIMITS[scope]} failures; locked ${Math.round(seconds / 60)} min`,
  })
}

function loginKeys(email: string, clientIp: string | undefined): [LoginScope, string][] {
  const source = clientIp ?? 'unknown'
  return [
    ['accountAtSource', `${email}|${source}`],
    ...(clientIp ? [['source', clientIp] as [LoginScope, string]] : []),
    ['account', email],
  ]
}

let dummyHash: Promise<string> | undefined

export async function login(
  request: Request,
  input: { email: string; password: string; clientIp?: string },
): Promise<{ user: AuthUser; setCookie: string }> {
  const email = input.email.trim().toLowerCase()
  const keys = loginKeys(email, input.clientIp)
  // Only failures count, so a busy office behind one address is not locked out by its own logins.
  for (const [scope, key] of keys) {
    const seen = await loginLimiter(scope).get(key)
    if (seen && seen.consumedPoints >= LOGIN_LIMITS[scope]) {
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
    await recordSecurityEvent({
      kind: 'login-failed',
      subject: email,
      userId: user ? String(user._id) : null,
      orgId: user?.orgId ? String(user.orgId) : null,
      detail: input.clientIp ?? '',
    })
    await Promise.all(keys.map(([scope, key]) => countFailure(scope, key)))
    throw new DomainError('invalid_credentials', 'error.invalidCredentials', 401)
  }
  if (user.orgId) {
    const org = await Organization.findById(user.orgId).lean()
    if (org?.status === 'pending') throw new DomainError('org_pending', 'error.orgPending', 403)
    if (org?.status !== 'approved') throw new DomainError('org_rejected', 'error.orgRejected', 403)
  }
  await loginLimiter('accountAtSource').delete(keys[0]![1])
  // A hash made at an older, lower cost is replaced now that the password is known (once: the
  // update matches the old hash only).
  if (needsRehash(user.passwordHash)) {
    await User.updateOne(
      { _id: user._id, passwordHash: user.passwordHash },
      { $set: { passwordHash: await hashPassword(input.password) } },
    )
  }
  const setCookie = await rotateSession(request, String(user._id))
  const authUser = await loadAuthUser(String(user._id), 'session')
  if (!authUser) throw new DomainError('invalid_credentials', 'error.invalidCredentials', 401)
  return { user: authUser, setCookie }
}

/** The user behind a session or key, or undefined when the account may not act (org not approved). */
export async function loadAuthUser(
  userId: string,
  via: AuthUser['via'],
): Promise<AuthUser | undefined> {
  const user = await User.findById(userId).lean()
  if (!user) return undefined
  let org: AuthUser['org']
  if (user.orgId) {
    const found = await Organization.findById(user.orgId).lean()
    if (!found || found.status !== 'approved') return undefined
    org = {
      id: String(found._id),
      type: found.type,
      name: { zh: found.name.zh, en: found.name.en },
    }
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
/** How long a new API key works, in days (a key that never expires outlives the person who holds it). */
export const API_KEY_DAYS = 365

export async function createApiKey(owner: AuthUser, name: string, now = new Date()) {
  const id = randomBytes(8).toString('hex')
  const secret = randomToken(32)
  const expiresAt = new Date(now.getTime() + API_KEY_DAYS * 86_400_000)
  await ApiKey.create({
    _id: id,
    secretHash: sha256Hex(secret),
    userId: owner.id,
    orgId: owner.org?.id,
    name,
    createdAt: now,
    expiresAt,
  })
  await appendLedger({
    action: 'apikey.created',
    actor: { userId: owner.id, orgId: owner.org?.id },
    subjects: [`apikey:${id}`, `user:${owner.id}`],
    payload: { name, expiresAt: expiresAt.toISOString() },
  })
  return { id, key: `gdpde_${id}_${secret}`, expiresAt }
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
  forgetApiKey(id)
  await appendLedger({
    action: 'apikey.revoked',
    actor: { userId: owner.id, orgId: owner.org?.id },
    subjects: [`apikey:${id}`, `user:${owner.id}`],
    payload: { id },
  })
}

/**
 * Keys this process verified in the last few seconds (ADR 030): a program calling the API many
 * times a second is not looked up in the database on every call. Revoking a key drops it here at
 * once; another process stops accepting it within API_KEY_CACHE_MS. Bounded: the oldest go first.
 */
export const API_KEY_CACHE_MS = 15_000
const API_KEY_CACHE_MAX = 10_000
const verifiedKeys = new Map<
  string,
  { keyId: string; user: AuthUser; until: number; expiresAt: number }
>()

function forgetApiKey(keyId: string) {
  for (const [token, entry] of verifiedKeys) if (entry.keyId === keyId) verifiedKeys.delete(token)
}

export async function authenticateApiKey(
  key: string,
  now = new Date(),
): Promise<AuthUser | undefined> {
  const match = API_KEY_PATTERN.exec(key)
  if (!match) return undefined
  const token = sha256Hex(key)
  const cached = verifiedKeys.get(token)
  if (cached && cached.until > Date.now() && cached.expiresAt > now.getTime()) return cached.user
  if (cached) verifiedKeys.delete(token)
  const user = await verifyApiKey(match, now)
  if (user) {
    if (verifiedKeys.size >= API_KEY_CACHE_MAX)
      verifiedKeys.delete(verifiedKeys.keys().next().value!)
    verifiedKeys.set(token, { ...user, keyId: match[1]!, until: Date.now() + API_KEY_CACHE_MS })
  }
  return user?.user
}

async function verifyApiKey(
  match: RegExpExecArray,
  now: Date,
): Promise<{ user: AuthUser; expiresAt: number } | undefined> {
  const stored = await ApiKey.findById(match[1]).lean()
  if (!stored || stored.revokedAt) return undefined
  const expiresAt =
    stored.expiresAt ?? new Date(stored.createdAt.getTime() + API_KEY_DAYS * 86_400_000)
  if (expiresAt.getTime() <= now.getTime()) return undefined
  const given = Buffer.from(sha256Hex(match[2]!), 'hex')
  if (!timingSafeEqual(given, Buffer.from(stored.secretHash, 'hex'))) return undefined
  const user = await loadAuthUser(String(stored.userId), 'api-key')
  return user ? { user, expiresAt: expiresAt.getTime() } : undefined
}
