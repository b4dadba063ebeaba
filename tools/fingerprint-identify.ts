// `npm run fingerprint:identify -- leaked.csv --candidates registry.json [--spec spec.json]
//  [--top=10] [--threshold=1e-6] [--json]`
// `npm run fingerprint:identify -- leaked.csv [--product PRODUCT_ID]`: without a registry, the
// candidates are the database's deliveries (every licence that received a fingerprinted copy, of
// that product or of any), each scored under the spec its copy was made with (ADR 021).
// Art. 38: which licence's copy is this leak? Prints the best-matching licences with the
// probability that an innocent licensee would score as well by chance.
//
// registry.json: {"spec": {...fingerprint spec...}, "candidates": ["lic-1", ...]} — candidates
// may also be objects {"licenceId": "...", "licensee": "..."}; --spec overrides the spec. Keys come
// from DATA_ENCRYPTION_KEY (in development, from .data/dev-secrets.json as `npm run dev` made it).
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import mongoose from 'mongoose'
import { z } from 'zod'
import { formatProbability } from '~/lib/binomial'
import {
  DEFAULT_ACCUSATION_THRESHOLD,
  identifyLeak,
} from '~/services/delivery/fingerprint/identify.server'
import { fingerprintKeysFrom } from '~/services/delivery/fingerprint/keys.server'
import { fingerprintSpecSchema } from '~/services/delivery/fingerprint/spec'
import { envSchema } from '~/utils/env.server'
import { isObjectId } from '~/utils/schemas'

const USAGE =
  'usage: fingerprint-identify LEAKED_FILE [--candidates REGISTRY.json [--spec SPEC.json] | --product PRODUCT_ID] [--top=N] [--threshold=P] [--json]'

const registrySchema = z.object({
  spec: z.unknown().optional(),
  candidates: z
    .array(
      z.union([
        z.string().min(1),
        z.object({ licenceId: z.string().min(1), licensee: z.string().optional() }),
      ]),
    )
    .min(1),
})

function masterKey(): Buffer {
  let value = process.env.DATA_ENCRYPTION_KEY
  const devSecrets = path.resolve('.data', 'dev-secrets.json')
  if (!value && process.env.NODE_ENV !== 'production' && existsSync(devSecrets)) {
    value = (JSON.parse(readFileSync(devSecrets, 'utf8')) as { DATA_ENCRYPTION_KEY?: string })
      .DATA_ENCRYPTION_KEY
  }
  const parsed = envSchema.shape.DATA_ENCRYPTION_KEY.safeParse(value)
  if (!parsed.success)
    throw new UsageError(
      'DATA_ENCRYPTION_KEY: set it to the platform key the copies were made with (32 bytes, base64)',
    )
  return Buffer.from(parsed.data, 'base64')
}

class UsageError extends Error {}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`)
  }
}

export async function main(argv: string[]): Promise<number> {
  const files: string[] = []
  let registryFile: string | undefined
  let productId: string | undefined
  let specFile: string | undefined
  let top = 10
  let threshold = DEFAULT_ACCUSATION_THRESHOLD
  let json = false
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!
      const [flag, inline] = a.startsWith('--')
        ? (a.split(/=(.*)/s) as [string, string | undefined])
        : [a, undefined]
      const value = () => inline ?? argv[++i] ?? ''
      if (flag === '--candidates') registryFile = value()
      else if (flag === '--spec') specFile = value()
      else if (flag === '--product') productId = value()
      else if (flag === '--top') top = Math.max(1, Number(value()) || 10)
      else if (flag === '--threshold') threshold = Number(value())
      else if (flag === '--json') json = true
      else if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}`)
      else files.push(a)
    }
    if (files.length !== 1) throw new UsageError('give exactly one leaked file')
    if (!(threshold > 0 && threshold < 1))
      throw new UsageError('--threshold must be a probability between 0 and 1')
    if (!registryFile) return await fromDatabase(files[0]!, { productId, top, threshold, json })
    const registry = registrySchema.safeParse(readJson(registryFile, 'registry'))
    if (!registry.success)
      throw new UsageError(
        `registry ${registryFile}: ${registry.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      )
    const specSource = specFile ? readJson(specFile, 'spec') : registry.data.spec
    const spec = fingerprintSpecSchema.safeParse(specSource)
    if (!spec.success)
      throw new UsageError(
        `fingerprint spec: ${spec.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      )
    const licensee = new Map<string, string | undefined>()
    for (const c of registry.data.candidates) {
      if (typeof c === 'string') licensee.set(c, undefined)
      else licensee.set(c.licenceId, c.licensee)
    }
    const keys = fingerprintKeysFrom(masterKey())
    const started = performance.now()
    const result = await identifyLeak({
      file: files[0]!,
      spec: spec.data,
      candidates: [...licensee.keys()],
      keys,
      threshold,
    })
    const ms = performance.now() - started
    const best = result.ranked.slice(0, top)
    if (json) {
      console.log(
        JSON.stringify(
          {
            leak: result.leak,
            candidates: result.ranked.length,
            ranked: best.map((c) => ({ ...c, licensee: licensee.get(c.licenceId) })),
          },
          null,
          2,
        ),
      )
    } else {
      const l = result.leak
      console.log(
        `${files[0]}: ${l.format ?? '?'} ${l.encoding ?? ''}, ${l.rows} rows, ${l.n} marked positions (id ${l.byFamily[0]}, rest ${l.byFamily[1]}), ` +
          `${result.ranked.length} candidate licences, ${ms.toFixed(0)} ms`,
      )
      if (l.missingColumns.length)
        console.log(`columns missing from the leak: ${l.missingColumns.join(', ')}`)
      console.log(
        'rank  licence                                agree/positions   rate    P(an innocent scores this well)',
      )
      best.forEach((c, i) => {
        const fa = formatProbability({
          p: c.falseAccusationProbability,
          log10: c.log10FalseAccusationProbability,
        })
        const who = licensee.get(c.licenceId)
        console.log(
          `${String(i + 1).padStart(4)}  ${(c.licenceId + (who ? ` (${who})` : '')).padEnd(38)} ${`${c.matches}/${c.trials}`.padStart(15)}  ` +
            `${c.trials ? ((100 * c.matches) / c.trials).toFixed(1) : '-'}%`.padStart(7) +
            `   ${fa}${c.accused ? '  ← traced' : ''}`,
        )
      })
      const first = result.ranked[0]
      if (first)
        console.log(
          `per column (${first.licenceId}): ${first.columns.map((c) => `${c.name} ${c.matches}/${c.trials}`).join(', ')}`,
        )
      const accused = result.ranked.filter((c) => c.accused)
      console.log(
        accused.length
          ? `traced to ${accused.map((c) => c.licenceId).join(', ')} (false-accusation probability ≤ ${threshold})`
          : `no licence is traced at false-accusation probability ≤ ${threshold}`,
      )
    }
    return result.ranked.some((c) => c.accused) ? 0 : 3
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`)
      return 2
    }
    throw error
  }
}

/** Candidates from the database's deliveries (each with the spec its copy was made with). */
async function fromDatabase(
  file: string,
  o: { productId?: string; top: number; threshold: number; json: boolean },
): Promise<number> {
  if (o.productId !== undefined && !isObjectId(o.productId))
    throw new UsageError('--product must be a product id (24 hex digits)')
  if (!process.env.MONGODB_URI) {
    throw new UsageError(
      'without --candidates the candidates come from the database: set MONGODB_URI (and MONGODB_DB) to the platform database',
    )
  }
  const master = masterKey()
  // The look-up reads the database only; the app's other settings are not used here.
  process.env.DATA_ENCRYPTION_KEY = master.toString('base64')
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379'
  process.env.SESSION_SECRET ??= randomBytes(32).toString('hex')
  const { connectDb, disconnectDb } = await import('~/utils/db.server')
  const { identifyAgainstDeliveries } = await import('~/services/delivery/lookup.server')
  const { Organization } = await import('#models/organization')
  await connectDb()
  try {
    const keys = fingerprintKeysFrom(master)
    const started = performance.now()
    const result = await identifyAgainstDeliveries(file, {
      ...(o.productId ? { productId: o.productId } : {}),
      threshold: o.threshold,
      keys,
    })
    const ms = performance.now() - started
    const best = result.ranked.slice(0, o.top)
    const orgIds = [...new Set(best.map((c) => c.licenseeOrgId))]
    const orgs = orgIds.length
      ? await Organization.find({ _id: mongoose.trusted({ $in: orgIds }) }, { name: 1 }).lean()
      : []
    const name = new Map(orgs.map((org) => [String(org._id), org.name.zh]))
    const who = (c: { licenseeOrgId: string }) => name.get(c.licenseeOrgId) ?? c.licenseeOrgId
    if (o.json) {
      console.log(
        JSON.stringify(
          { ...result, ranked: best.map((c) => ({ ...c, licensee: who(c) })) },
          null,
          2,
        ),
      )
    } else {
      console.log(
        `${file}: ${result.rows} rows, ${result.positions} marked positions, ${result.candidates} candidate licences from the database (${result.specs} specs), ${ms.toFixed(0)} ms`,
      )
      console.log(
        'rank  licence                    licensee                         agree/positions   P(an innocent scores this well)',
      )
      best.forEach((c, i) => {
        const fa = formatProbability({
          p: c.falseAccusationProbability,
          log10: c.log10FalseAccusationProbability,
        })
        console.log(
          `${String(i + 1).padStart(4)}  ${c.licenceId}  ${who(c).padEnd(30)} ${`${c.matches}/${c.trials}`.padStart(15)}   ${fa}${c.accused ? '  ← traced' : ''}`,
        )
      })
      const accused = result.ranked.filter((c) => c.accused)
      console.log(
        accused.length
          ? `traced to ${accused.map((c) => `${c.licenceId} (${who(c)})`).join(', ')} (false-accusation probability ≤ ${o.threshold})`
          : `no licence is traced at false-accusation probability ≤ ${o.threshold}`,
      )
    }
    return result.ranked.some((c) => c.accused) ? 0 : 3
  } finally {
    await disconnectDb()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exitCode = 1
    },
  )
}
