// C11: an export verifies offline, and tampering with, reordering, dropping or inserting one
// entry (or a checkpoint, a proof, the manifest) is detected and named.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import canonicalize from 'canonicalize'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { main as verifyCli } from '../../../tools/ledger-verify'
import { useTestDb } from '../../../tests/setup/db'
import { ledgerReceipt, publishCheckpoint } from './checkpoints.server'
import { EXPORT_FILES, exportLine } from './export-format'
import { exportLedger } from './export.server'
import { appendLedger } from './ledger.server'
import { rotateSigningKey } from './signing-keys.server'
import { verifyExport, type ExportVerifyResult } from './verify-export.server'
import { verifyExportReference } from './verify-reference.server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const work = mkdtempSync(path.join(os.tmpdir(), 'ledger-export-'))
const dir = path.join(work, 'export')
afterAll(() => rmSync(work, { recursive: true, force: true }))

type Line = {
  entry: Record<string, unknown> & { _id: number; alg: string; prevHash: string }
  hash: string
}

function readLines(from = dir): string[] {
  return readFileSync(path.join(from, EXPORT_FILES.entries), 'utf8').split('\n').filter(Boolean)
}

function parse(line: string): Line {
  return JSON.parse(line) as Line
}

/** The line for an entry's fields, hashed as the platform hashes (canonical JSON without `hash`). */
function lineFor(entry: Line['entry']): { line: string; hash: string } {
  const text = canonicalize(entry)!
  const hash = createHash(entry.alg).update(text, 'utf8').digest('hex')
  return { line: exportLine(text, hash).trimEnd(), hash }
}

let copies = 0
/** A copy of the export with entries.jsonl (and optionally another file) replaced. */
function tampered(
  lines: string[],
  other?: { file: string; edit: (text: string) => string },
): string {
  const copy = path.join(work, `copy-${copies++}`)
  cpSync(dir, copy, { recursive: true })
  writeFileSync(path.join(copy, EXPORT_FILES.entries), lines.map((l) => l + '\n').join(''))
  if (other) {
    const file = path.join(copy, other.file)
    writeFileSync(file, other.edit(readFileSync(file, 'utf8')))
  }
  return copy
}

/**
 * The fast verifier's result, after checking that the reference verifier (verify-reference.server.ts)
 * gives the same verdict on the same directory.
 */
async function verifyBoth(
  exportDir: string,
  options?: { chunkBytes?: number },
): Promise<ExportVerifyResult> {
  const [fast, reference] = await Promise.all([
    verifyExport(exportDir, options),
    verifyExportReference(exportDir),
  ])
  expect(reference.ok, `reference verifier: ${reference.ok ? 'ok' : reference.reason}`).toBe(
    fast.ok,
  )
  return fast
}

function failureOf(result: ExportVerifyResult) {
  if (result.ok) throw new Error('expected the export to fail verification')
  return result.failure
}

describe('ledger export and offline verification (C11)', () => {
  useTestDb()
  let lines: string[] = []
  // An entry in the middle, well inside a checkpointed range.
  let i = 0

  beforeAll(async () => {
    for (let n = 0; n < 5; n++) {
      await appendLedger({
        action: 'org.created',
        actor: { orgId: `org-${n}` },
        subjects: [`org:${n}`],
      })
    }
    for (let n = 0; n < 12; n++)
      await appendLedger({
        action: 'test.filler',
        payload: { n },
        summary: { n, note: 'a "quoted" , prevHash' },
      })
    await publishCheckpoint()
    for (let n = 0; n < 9; n++)
      await appendLedger({ action: 'test.sm3', payload: { n } }, { alg: 'sm3' })
    await publishCheckpoint()
    await rotateSigningKey('sm2')
    for (let n = 0; n < 6; n++)
      await appendLedger({ action: 'test.after-rotation', subjects: [`thing:${n}`] })
    await publishCheckpoint()
    await appendLedger({ action: 'test.tail' })
    const result = await exportLedger(dir)
    lines = readLines()
    expect(result.entries).toBe(lines.length)
    i = Math.floor(lines.length / 2)
  })

  it('a fresh export verifies: every signature (Ed25519 and SM2), consistency proof and root', async () => {
    const result = await verifyBoth(dir)
    expect(result).toMatchObject({ ok: true, entries: lines.length, keys: 2 })
    if (!result.ok) return
    expect(result.checkpoints).toBeGreaterThanOrEqual(4)
    expect(result.consistencyProofs).toBe(result.checkpoints - 1)
    const checkpoints = JSON.parse(
      readFileSync(path.join(dir, EXPORT_FILES.checkpoints), 'utf8'),
    ) as {
      keyAlg: string
    }[]
    expect(new Set(checkpoints.map((c) => c.keyAlg))).toEqual(new Set(['ed25519', 'sm2']))
    expect(new Set(lines.map((l) => parse(l).entry.alg))).toEqual(new Set(['sha256', 'sm3']))
  })

  it('verifies the same when lines cross read boundaries, and names the same broken entry', async () => {
    for (const chunkBytes of [1000, 777]) {
      expect(await verifyBoth(dir, { chunkBytes })).toMatchObject({
        ok: true,
        entries: lines.length,
      })
    }
    const { entry } = parse(lines[i]!)
    const forged = lineFor({ ...entry, action: 'test.forged' })
    const copy = tampered(lines.map((l, n) => (n === i ? forged.line : l)))
    const whole = failureOf(await verifyBoth(copy))
    expect(failureOf(await verifyBoth(copy, { chunkBytes: 777 }))).toEqual(whole)
    expect(whole.seq).toBe(entry._id)
  })

  it('the CLI verifies an export in a process with no database and no configuration', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) =>
          !/^(MONGODB_|REDIS_|DATA_ENCRYPTION_KEY|SESSION_SECRET|QUEUE_PREFIX|TEST_)/.test(k),
      ),
    ) as NodeJS.ProcessEnv
    const run = (target: string, ...flags: string[]) =>
      spawnSync(
        path.join(root, 'node_modules', '.bin', 'tsx'),
        ['tools/ledger-verify.ts', '--export', target, ...flags],
        {
          cwd: root,
          env,
          encoding: 'utf8',
        },
      )
    const ok = run(dir)
    expect(ok.stdout + ok.stderr).toMatch(new RegExp(`^export OK: ${lines.length} entries`))
    expect(ok.status).toBe(0)
    const entry = parse(lines[i]!)
    const broken = run(
      tampered(lines.map((l, n) => (n === i ? l.replace('"action":"', '"action":"x') : l))),
    )
    expect(broken.status).toBe(1)
    expect(broken.stderr).toContain(
      `export BROKEN at entry ${entry.entry._id}: entry ${entry.entry._id}: its hash does not match`,
    )
    // The same with the reference verifier (--reference).
    const reference = run(dir, '--reference')
    expect(reference.stdout).toMatch(
      new RegExp(`^export OK \\(reference verifier\\): ${lines.length} entries`),
    )
    expect(reference.status).toBe(0)
    const referenceBroken = run(
      tampered(lines.map((l, n) => (n === i ? l.replace('"action":"', '"action":"x') : l))),
      '--reference',
    )
    expect(referenceBroken.status).toBe(1)
    expect(referenceBroken.stderr).toContain(
      `BROKEN (reference verifier) at entry ${entry.entry._id}`,
    )
  })

  it('names an entry whose content was changed', async () => {
    const seq = parse(lines[i]!).entry._id
    const changed = lines.map((l, n) => (n === i ? l.replace('"action":"', '"action":"z') : l))
    expect(failureOf(await verifyBoth(tampered(changed)))).toMatchObject({ seq })
    // The reference verifier names the same entry, in its own words.
    expect(await verifyExportReference(tampered(changed))).toMatchObject({ ok: false, seq })
  })

  it('names an entry whose content was changed and its own hash recomputed', async () => {
    const { entry } = parse(lines[i]!)
    const forged = lineFor({ ...entry, action: 'test.forged' })
    const changed = lines.map((l, n) => (n === i ? forged.line : l))
    const failure = failureOf(await verifyBoth(tampered(changed)))
    expect(failure).toMatchObject({ seq: entry._id })
    expect(failure.reason).toContain(`entry ${entry._id + 1} links to`)
  })

  it('names the first entry out of place when two entries are swapped', async () => {
    const swapped = [...lines]
    ;[swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!]
    const failure = failureOf(await verifyBoth(tampered(swapped)))
    expect(failure).toMatchObject({ seq: parse(lines[i]!).entry._id })
    expect(failure.reason).toContain('missing')
  })

  it('names a dropped entry', async () => {
    const dropped = lines.filter((_, n) => n !== i)
    expect(failureOf(await verifyBoth(tampered(dropped)))).toMatchObject({
      seq: parse(lines[i]!).entry._id,
    })
  })

  it('names an inserted entry, even one forged to chain correctly', async () => {
    const { entry, hash } = parse(lines[i]!)
    const forged = lineFor({
      ...entry,
      _id: entry._id + 1,
      action: 'test.inserted',
      prevHash: hash,
      payloadDigest: '0'.repeat(64),
    })
    const inserted = [...lines.slice(0, i + 1), forged.line, ...lines.slice(i + 1)]
    const failure = failureOf(await verifyBoth(tampered(inserted)))
    expect(failure).toMatchObject({ seq: entry._id + 1 })
    expect(failure.reason).toContain('one was inserted')
    const repeated = [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)]
    expect(failureOf(await verifyBoth(tampered(repeated)))).toMatchObject({
      seq: entry._id,
      reason: `entry ${entry._id} appears twice`,
    })
  })

  it('names the first missing entry when the newest entries were cut off', async () => {
    const cut = lines.slice(0, -3)
    const failure = failureOf(await verifyBoth(tampered(cut)))
    expect(failure).toMatchObject({ seq: lines.length - 2 })
    expect(failure.reason).toContain('missing')
  })

  it('catches a consistent rewrite of the chain by the signed roots, naming the range the change is in', async () => {
    const rewritten = [...lines]
    let prevHash = parse(lines[i - 1]!).hash
    for (let n = i; n < lines.length; n++) {
      const { entry } = parse(lines[n]!)
      const next = lineFor({ ...entry, prevHash, ...(n === i ? { action: 'test.rewritten' } : {}) })
      rewritten[n] = next.line
      prevHash = next.hash
    }
    const failure = failureOf(await verifyBoth(tampered(rewritten)))
    const seq = parse(lines[i]!).entry._id
    expect(failure.checkpoint).toBeGreaterThanOrEqual(seq)
    expect(failure.seq).toBeLessThanOrEqual(seq)
    expect(failure.reason).toContain(`${failure.seq}..${failure.checkpoint}`)
  })

  it('catches a forged checkpoint, a broken consistency proof and an altered manifest', async () => {
    const cps = JSON.parse(readFileSync(path.join(dir, EXPORT_FILES.checkpoints), 'utf8')) as {
      rootHash: string
      treeSize: number
    }[]
    const target = cps[1]!
    const badRoot = await verifyBoth(
      tampered(lines, {
        file: EXPORT_FILES.checkpoints,
        edit: (t) =>
          t.replace(
            target.rootHash,
            target.rootHash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
          ),
      }),
    )
    expect(failureOf(badRoot)).toMatchObject({ checkpoint: target.treeSize })
    expect(failureOf(badRoot).reason).toMatch(
      /signed text does not match|signature does not verify/,
    )

    const proofs = JSON.parse(readFileSync(path.join(dir, EXPORT_FILES.consistency), 'utf8')) as {
      proof: string[]
      to: number
    }[]
    const withProof = proofs.find((p) => p.proof.length > 0)!
    const badProof = await verifyBoth(
      tampered(lines, {
        file: EXPORT_FILES.consistency,
        edit: (t) => t.replace(withProof.proof[0]!, 'f'.repeat(64)),
      }),
    )
    expect(failureOf(badProof)).toMatchObject({ checkpoint: withProof.to })

    const badManifest = await verifyBoth(
      tampered(lines, {
        file: EXPORT_FILES.manifest,
        edit: (t) => t.replace(/"entries": \d+/, '"entries": 1'),
      }),
    )
    expect(failureOf(badManifest).reason).toBe('the manifest signature does not verify')
  })

  it('reports failures in the order of its steps, though it reads every file and checks signatures while it reads entries', async () => {
    const cps = JSON.parse(readFileSync(path.join(dir, EXPORT_FILES.checkpoints), 'utf8')) as {
      signature: string
      treeSize: number
      keyAlg: string
    }[]
    // The second checkpoint's signature alone is forged, and the last entry changed as well.
    const target = cps[1]!
    const forged = Buffer.from(target.signature, 'base64')
    forged[0] = forged[0]! ^ 1
    const changed = lines.map((l, n) =>
      n === lines.length - 1 ? l.replace('test.tail', 'test.tale') : l,
    )
    const both = await verifyBoth(
      tampered(changed, {
        file: EXPORT_FILES.checkpoints,
        edit: (t) => t.replace(target.signature, forged.toString('base64')),
      }),
    )
    expect(failureOf(both)).toMatchObject({ checkpoint: target.treeSize })
    expect(failureOf(both).reason).toMatch(
      new RegExp(`^checkpoint ${target.treeSize}: its ${target.keyAlg} signature does not verify`),
    )
    // The changed entry alone is named.
    expect(failureOf(await verifyBoth(tampered(changed))).seq).toBe(lines.length)

    const noEntries = tampered(lines)
    rmSync(path.join(noEntries, EXPORT_FILES.entries))
    expect(failureOf(await verifyBoth(noEntries)).reason).toBe(`${EXPORT_FILES.entries} is missing`)
    rmSync(path.join(noEntries, EXPORT_FILES.manifest))
    expect(failureOf(await verifyBoth(noEntries)).reason).toBe(
      `${EXPORT_FILES.manifest} is missing`,
    )
  })

  it('the CLI checks a receipt against the export’s public keys', async () => {
    const receipt = await ledgerReceipt(3, { treeSize: parse(lines.at(-1)!).entry._id })
    const file = path.join(work, 'receipt.json')
    writeFileSync(file, JSON.stringify(receipt))
    const logs = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      expect(await verifyCli(['--export', dir, '--receipt', file])).toBe(0)
      expect(logs).toHaveBeenLastCalledWith(`receipt OK: ${file}`)
      writeFileSync(
        file,
        JSON.stringify({ ...receipt, inclusionProof: receipt.inclusionProof.slice(1) }),
      )
      expect(await verifyCli(['--export', dir, '--receipt', file])).toBe(1)
      expect(errors).toHaveBeenLastCalledWith(
        expect.stringContaining('receipt BROKEN: the inclusion proof'),
      )
      expect(await verifyCli(['--receipt', file])).toBe(2)
    } finally {
      logs.mockRestore()
      errors.mockRestore()
    }
  })
})
