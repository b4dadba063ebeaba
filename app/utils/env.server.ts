import { z } from 'zod'

// Every environment variable the processes read, parsed once at start-up.
// A wrong value stops the process with a message naming the variable.
const base64Key = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    // Session cookies carry `Secure` in production unless this says otherwise (plain-http intranets).
    COOKIE_SECURE: z.enum(['true', 'false']).optional(),
    APP_ORIGIN: z.url().optional(),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI'),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/)
      .optional(),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URI'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      .default('gdpde'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
    DATA_ENCRYPTION_KEY: base64Key,
    // Issue 19 (key rotation): earlier master keys, comma-separated, still accepted for unwrapping
    // stored blobs' keys until `npm run storage:rekey` has re-wrapped them under the current one.
    DATA_ENCRYPTION_KEY_PREVIOUS: z
      .string()
      .refine(
        (s) => s.split(',').every((k) => Buffer.from(k, 'base64').length === 32),
        'must be 32-byte base64 keys, comma-separated',
      )
      .optional(),
    // Art. 45 ¶1: the cipher of blobs stored from now on (SM4 where the national algorithms are required).
    STORAGE_CIPHER: z.enum(['aes-256-gcm', 'sm4']).default('aes-256-gcm'),
    LEDGER_HASH: z.enum(['sha256', 'sm3']).default('sha256'),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    STRIPE_SECRET_KEY: z.string().startsWith('sk_').optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
    STRIPE_API_URL: z.url().optional(),
    // C8: the platform's application fee on Stripe Connect destination charges, in basis points (500 = 5%).
    PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(5000).default(500),
    // C7: the content-addressed file store (product files) and the largest upload it takes.
    STORAGE_DIR: z.string().min(1).default('.data/files'),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(4 * 1024 ** 3),
    // Issue 14: what one organisation's product files may occupy, and how long an unreferenced blob
    // (an upload refused after it was stored, a removed draft file) stays before the sweep removes it.
    ORG_STORAGE_QUOTA_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(100 * 1024 ** 3),
    BLOB_GRACE_HOURS: z.coerce.number().int().min(1).default(48),
    // Issue 19 (Art. 45 ¶1): where backups go (an encrypted repository), a second copy kept
    // elsewhere (another disk or a mounted off-site volume), and how many nightly backups are kept.
    BACKUP_DIR: z.string().min(1).default('.data/backups'),
    BACKUP_MIRROR_DIR: z.string().min(1).optional(),
    BACKUP_KEEP: z.coerce.number().int().min(1).max(3650).default(14),
    // C8: the HMAC key of signed, expiring download links. Required in production; elsewhere a
    // fixed development key is used when unset (linkKey in app/services/delivery/links.server.ts).
    DELIVERY_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // Issue 14: scrypt cost as log2(N); 17 is OWASP's minimum and the floor in production.
    PASSWORD_SCRYPT_LOG2N: z.coerce.number().int().min(12).max(20).default(17),
    // C5 (Art. 23 ¶3): verifications an agency may make on one entry, per minute and per day.
    VERIFY_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
    VERIFY_PER_DAY: z.coerce.number().int().min(1).max(100_000_000).default(20_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.PASSWORD_SCRYPT_LOG2N < 17) {
      ctx.addIssue({
        code: 'custom',
        path: ['PASSWORD_SCRYPT_LOG2N'],
        message: 'must be at least 17 in production',
      })
    }
    if (env.NODE_ENV === 'production' && !env.DELIVERY_LINK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['DELIVERY_LINK_SECRET'],
        message: 'is required in production',
      })
    }
  })

export type Env = z.infer<typeof envSchema>

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  )
  const result = envSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`)
  }
  return result.data
}

let cached: Env | undefined

export function getEnv(): Env {
  cached ??= parseEnv(process.env)
  return cached
}

/** For process entry points: parse or exit naming the bad variable. */
export function requireEnvOrExit(): Env {
  try {
    return getEnv()
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
