// A production exchange's first account: the data authority's administrator, created from
// credentials the operator supplies (environment or prompt), never from the demo seed with its
// published password. Idempotent: running it again with the same e-mail changes nothing.
import { z } from 'zod'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import { appendLedger } from '~/services/ledger/ledger.server'
import { insertOnce } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { hashPassword } from './crypto.server'
import { usccField } from './schemas'

/** Why a password is too weak for the authority's administrator, or undefined when it will do. */
export function weakPasswordReason(password: string, email: string): string | undefined {
  if (password.length < 14) return 'at least 14 characters'
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) =>
    re.test(password),
  ).length
  if (password.length < 20 && classes < 3)
    return 'three of: lower case, upper case, digits, symbols (or 20+ characters)'
  if (new Set(password).size < 6) return 'more distinct characters'
  const lower = password.toLowerCase()
  const local = email.split('@')[0]!.toLowerCase()
  if (['password', 'demo-password', '12345678', 'qwerty'].some((w) => lower.includes(w)))
    return 'no common words or sequences'
  if (local.length >= 4 && lower.includes(local)) return 'not containing the e-mail address'
  return undefined
}

export const bootstrapInput = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email().max(200)),
  password: z.string().max(1024),
  displayName: z.string().trim().min(1).max(100).default('Administrator'),
  orgNameZh: z.string().trim().min(2).max(100).default('广东省政务服务数据管理局'),
  orgNameEn: z
    .string()
    .trim()
    .min(2)
    .max(200)
    .default('Guangdong Government Service and Data Administration'),
  uscc: usccField,
})
export type BootstrapInput = z.input<typeof bootstrapInput>

export async function bootstrapAuthority(raw: BootstrapInput) {
  const parsed = bootstrapInput.safeParse(raw)
  if (!parsed.success) {
    throw new DomainError('invalid_input', 'error.badRequest', 400, {
      _form: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    })
  }
  const input = parsed.data
  const weak = weakPasswordReason(input.password, input.email)
  if (weak)
    throw new DomainError(
      'weak_password',
      'error.weakPassword',
      400,
      { password: [weak] },
      { reason: weak },
    )
  const org = await insertOnce(
    Organization,
    {
      type: 'authority',
      name: { zh: input.orgNameZh, en: input.orgNameEn },
      uscc: input.uscc,
      level: 'province',
      regionCode: '440000',
      status: 'approved',
    },
    { uscc: input.uscc },
  )
  if (org.doc.type !== 'authority') throw new DomainError('uscc_taken', 'error.usccTaken', 409)
  await appendLedger({
    action: 'org.created',
    subjects: [`org:${org.doc._id}`],
    payload: {
      type: 'authority',
      uscc: input.uscc,
      name: { zh: input.orgNameZh, en: input.orgNameEn },
    },
    summary: { type: 'authority', source: 'bootstrap' },
    eventKey: `org.created:${org.doc._id}`,
  })
  const user = await insertOnce(
    User,
    {
      email: input.email,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      orgId: org.doc._id,
      roles: ['authority_admin'],
    },
    { email: input.email },
  )
  if (!user.doc.roles.includes('authority_admin'))
    throw new DomainError('email_taken', 'error.emailTaken', 409)
  await appendLedger({
    action: 'user.created',
    actor: { orgId: String(org.doc._id) },
    subjects: [`user:${user.doc._id}`, `org:${org.doc._id}`],
    payload: { email: input.email, role: 'authority_admin' },
    summary: { role: 'authority_admin', source: 'bootstrap' },
    eventKey: `user.created:${user.doc._id}`,
  })
  return { orgId: String(org.doc._id), userId: String(user.doc._id), created: user.won }
}
