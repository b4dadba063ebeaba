// Desensitization methods (C9; GB/T 37964): masking, generalization, keyed
// pseudonymization, suppression and record-level removal, chosen per column by a profile.
// Applying a profile streams the input to a UTF-8 CSV and returns its provenance
// {input hash, profile, output hash}, so the released file can be traced to what it came from.
import { createHash, createHmac, hkdfSync } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import canonicalize from 'canonicalize'
import { getEnv } from '~/utils/env.server'
import { addressTo, ageBand, dateTo } from './generalize'
import { CLASS_KEY_SEPARATOR } from './kanon'
import { resolveLimits, ScanInputError, type ScanLimits } from './limits'
import type { MethodSpec, Profile } from './schemas'
import { readTable, type TableInput } from './table.server'

/**
 * The keyed-pseudonym key for one product: HKDF-SHA256 from the platform's DATA_ENCRYPTION_KEY,
 * labelled like the identity keys (keys.server.ts). Stable per product, so joins across that
 * product's files still work; different per product, so two products cannot be joined on it;
 * and not reversible without the platform key.
 */
export function pseudonymKey(productRef: string, master?: Buffer): Buffer {
  const secret = master ?? Buffer.from(getEnv().DATA_ENCRYPTION_KEY, 'base64')
  return Buffer.from(
    hkdfSync('sha256', secret, Buffer.alloc(0), `gdpde:desensitize-pseudonym:v1:${productRef}`, 32),
  )
}

/** Keeps `keepHead` and `keepTail` characters (code points, so CJK counts right) and masks the rest. */
export function mask(value: string, keepHead = 0, keepTail = 0, maskChar = '*'): string {
  const chars = Array.from(value)
  const n = chars.length
  if (n === 0) return value
  if (keepHead + keepTail >= n) return maskChar.repeat(n)
  return (
    chars.slice(0, keepHead).join('') +
    maskChar.repeat(n - keepHead - keepTail) +
    (keepTail ? chars.slice(n - keepTail).join('') : '')
  )
}

export function pseudonymize(
  value: string,
  key: Buffer,
  algorithm: 'hmac-sm3' | 'hmac-sha256' = 'hmac-sha256',
): string {
  if (value === '') return ''
  const digest = createHmac(algorithm === 'hmac-sm3' ? 'sm3' : 'sha256', key)
    .update(value.trim(), 'utf8')
    .digest('hex')
  return `p_${digest.slice(0, 32)}`
}

/** Generalization; a value the rule cannot read becomes `*` rather than leaking through. */
export function generalize(
  value: string,
  to: Extract<MethodSpec, { method: 'generalize' }>['to'],
  width = 10,
): string {
  if (value.trim() === '') return ''
  switch (to) {
    case 'age-band':
      return ageBand(value, width) ?? '*'
    case 'month':
    case 'year':
      return dateTo(value, to) ?? '*'
    case 'district':
    case 'city':
    case 'province':
      return addressTo(value, to) ?? '*'
  }
}

/** Applies one column's method. `suppress` is handled by dropping the column, not here. */
export function applyMethod(value: string, spec: MethodSpec, key: Buffer | undefined): string {
  switch (spec.method) {
    case 'keep':
    case 'suppress':
      return value
    case 'mask':
      return mask(value, spec.keepHead, spec.keepTail, spec.maskChar)
    case 'generalize':
      return generalize(value, spec.to, spec.width)
    case 'pseudonymize':
      if (!key) throw new Error('pseudonymization needs a key')
      return pseudonymize(value, key, spec.algorithm)
  }
}

export function csvLine(cells: string[]): string {
  let line = ''
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!
    if (i > 0) line += ','
    line += /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c
  }
  return line + '\n'
}

export function profileHash(profile: Profile): string {
  return createHash('sha256')
    .update(canonicalize(profile) ?? 'null')
    .digest('hex')
}

export interface Provenance {
  inputHash: string
  profileHash: string
  profile: Profile
  outputHash: string
  rowsIn: number
  rowsOut: number
  rowsRemoved: number
  /** The HKDF label context the pseudonym key was derived for (never the key). */
  pseudonymScope: string | null
}

interface Plan {
  keep: number[]
  specs: (MethodSpec | undefined)[]
  header: string[]
  where: { index: number; equals: string }[]
  qi: number[]
}

function plan(header: string[], profile: Profile): Plan {
  const names = header.map((h) => h.trim())
  const unknown = Object.keys(profile.columns).filter((c) => !names.includes(c))
  if (unknown.length)
    throw new ScanInputError(
      'unreadable',
      `profile names columns not in the file: ${unknown.join(', ')}`,
    )
  const specs = names.map((n) => profile.columns[n])
  const keep = names.map((_, i) => i).filter((i) => specs[i]?.method !== 'suppress')
  const indexOf = (c: string) => {
    const i = names.indexOf(c)
    if (i < 0)
      throw new ScanInputError('unreadable', `profile names a column not in the file: ${c}`)
    return i
  }
  return {
    keep,
    specs,
    header: keep.map((i) => names[i]!),
    where: (profile.removeRecords?.where ?? []).map((w) => ({
      index: indexOf(w.column),
      equals: w.equals,
    })),
    qi: (profile.removeRecords?.belowK?.quasiIdentifiers ?? []).map(indexOf),
  }
}

function transform(cells: string[], p: Plan, key: Buffer | undefined): string[] {
  return cells.map((v, i) => {
    const spec = p.specs[i]
    return spec ? applyMethod(v, spec, key) : v
  })
}

function classKey(transformed: string[], qi: number[]): string {
  return qi.map((i) => transformed[i] ?? '').join(CLASS_KEY_SEPARATOR)
}

/**
 * Art. 32: desensitizes a file with a profile and writes the result as UTF-8 CSV. With
 * `removeRecords.belowK` it reads the input twice: once to size the equivalence classes of the
 * transformed quasi-identifiers, once to write only rows in classes of at least k.
 */
export async function applyProfile(input: {
  /** A path, or a stored blob (read decrypted). */
  source: TableInput
  /** A path, or a stream the CSV is written to (the content store's `stage`): ended when done. */
  output: string | Writable
  profile: Profile
  /** Whose pseudonyms these are (e.g. `product:<id>`): the key is derived per product. */
  productRef: string
  key?: Buffer
  limits?: Partial<ScanLimits>
  fileName?: string
}): Promise<Provenance> {
  const { profile } = input
  const limits = resolveLimits(input.limits)
  const usesKey = Object.values(profile.columns).some((s) => s.method === 'pseudonymize')
  const key = usesKey ? (input.key ?? pseudonymKey(input.productRef)) : undefined
  const wantSheet = (name: string, index: number) =>
    profile.sheet === undefined ? index === 0 : name === profile.sheet

  let classes: Map<string, number> | undefined
  const belowK = profile.removeRecords?.belowK
  if (belowK) {
    classes = new Map()
    let p: Plan | undefined
    let active = false
    await readTable(
      input.source,
      {
        onSheet: (name, index) => {
          active = wantSheet(name, index)
          p = undefined
        },
        onRow: (cells) => {
          if (!active) return
          if (!p) {
            p = plan(cells, profile)
            return
          }
          const k = classKey(transform(cells, p, key), p.qi)
          const prev = classes!.get(k)
          if (prev === undefined && classes!.size >= limits.maxEquivalenceClasses) {
            throw new ScanInputError(
              'unreadable',
              `more than ${limits.maxEquivalenceClasses} quasi-identifier classes`,
            )
          }
          classes!.set(k, (prev ?? 0) + 1)
        },
      },
      limits,
      { fileName: input.fileName },
    )
  }

  const out = typeof input.output === 'string' ? createWriteStream(input.output) : input.output
  let writeError: Error | undefined
  out.on('error', (error: Error) => (writeError = error))
  const outHash = createHash('sha256')
  let p: Plan | undefined
  let active = false
  let rowsIn = 0
  let rowsOut = 0
  let blocked = false
  const write = (text: string) => {
    const buf = Buffer.from(text, 'utf8')
    outHash.update(buf)
    if (!out.write(buf)) blocked = true
  }
  let summary
  try {
    summary = await readTable(
      input.source,
      {
        onSheet: (name, index) => {
          active = wantSheet(name, index)
          p = undefined
        },
        onRow: (cells) => {
          if (!active) return
          if (!p) {
            p = plan(cells, profile)
            write(csvLine(p.header))
            return
          }
          rowsIn++
          const plan_ = p
          if (plan_.where.some((w) => (cells[w.index] ?? '').trim() === w.equals)) return
          const t = transform(cells, plan_, key)
          if (classes && belowK && (classes.get(classKey(t, plan_.qi)) ?? 0) < belowK.k) return
          rowsOut++
          write(csvLine(plan_.keep.map((i) => t[i] ?? '')))
        },
        afterChunk: async () => {
          if (writeError) throw writeError
          if (blocked) {
            blocked = false
            await once(out, 'drain')
          }
        },
      },
      limits,
      { fileName: input.fileName },
    )
  } finally {
    out.end()
    // A file is done when closed; a stream when its writable side has finished (its reader may
    // still be taking the last bytes).
    if (typeof input.output === 'string') {
      if (!out.closed) await once(out, 'close').catch(() => undefined)
    } else await finished(out, { readable: false }).catch(() => undefined)
  }
  if (writeError) throw writeError
  return {
    inputHash: summary.sha256,
    profileHash: profileHash(profile),
    profile,
    outputHash: outHash.digest('hex'),
    rowsIn,
    rowsOut,
    rowsRemoved: rowsIn - rowsOut,
    pseudonymScope: key ? `gdpde:desensitize-pseudonym:v1:${input.productRef}` : null,
  }
}
