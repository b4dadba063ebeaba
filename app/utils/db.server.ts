import mongoose from 'mongoose'
import { getEnv } from './env.server'

// One Mongoose connection per process. Filters are sanitized so a `$`-key in
// user input can never become a query operator (NoSQL injection).
mongoose.set('sanitizeFilter', true)
mongoose.set('strictQuery', 'throw')

let connecting: Promise<typeof mongoose> | undefined

export function dbName(): string {
  const env = getEnv()
  if (env.MONGODB_DB) return env.MONGODB_DB
  // Vitest workers each get their own database.
  const pool = process.env.VITEST_POOL_ID
  return env.NODE_ENV === 'test' && pool ? `test_${pool}` : 'gdpde'
}

export async function connectDb(): Promise<typeof mongoose> {
  connecting ??= mongoose
    .connect(getEnv().MONGODB_URI, {
      dbName: dbName(),
      autoIndex: true,
      serverSelectionTimeoutMS: 10_000,
    })
    .catch((error: unknown) => {
      connecting = undefined
      throw error
    })
  return connecting
}

/** Build every model's indexes; unique indexes carry invariants, so they must exist before writes. */
export async function ensureIndexes(): Promise<void> {
  await connectDb()
  for (const model of Object.values(mongoose.models)) await model.init()
}

export async function disconnectDb(): Promise<void> {
  connecting = undefined
  await mongoose.disconnect()
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
}

/**
 * The house's core idiom (ADR 003) when the caller needs nothing back: insert `doc` under a unique
 * index. True when this call inserted it, false when the index already held it (a retry, a lost race).
 */
export async function claim<T>(
  model: mongoose.Model<T>,
  doc: Partial<T> & Record<string, unknown>,
): Promise<boolean> {
  try {
    await model.create(doc)
    return true
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    return false
  }
}

/**
 * The house's core idiom (ADR 003): insert `doc` under a unique index; when the index refuses it,
 * read back the document that holds `key`. `won` says whether this call inserted it.
 */
export async function insertOnce<T>(
  model: mongoose.Model<T>,
  doc: Partial<T> & Record<string, unknown>,
  key: mongoose.QueryFilter<T>,
): Promise<{ doc: mongoose.HydratedDocument<T>; won: boolean }> {
  try {
    return { doc: (await model.create(doc)) as mongoose.HydratedDocument<T>, won: true }
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    const existing = await model.findOne(key)
    if (!existing) throw error
    return { doc: existing, won: false }
  }
}
