// C11 integration: stored Merkle tree, signed checkpoints in both key types (checked with the
// OpenSSL command line too), receipts, consistency proofs, the checkpoint job's idempotency, and the
// API routes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { UnrecoverableError } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LedgerCheckpoint } from '#models/ledger-checkpoint'
import { LedgerEntry } from '#models/ledger-entry'
import { LedgerNode } from '#models/ledger-node'
import { LedgerSigningKey } from '#models/ledger-signing-key'
import { checkpointLedger } from '#jobs/processors/ledger-checkpoint'
import { DEMO_USERS } from '~/services/demo/seed.server'
import { decryptField } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { permissionsOf } from '~/utils/permissions'
import { BASE, demoEmail, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { loader as proofLoader } from '../../routes/api.v1.ledger.$seq.proof'
import { loader as consistencyLoader } from '../../routes/api.v1.ledger.consistency'
import { loader as checkpointsLoader } from '../../routes/api.v1.ledger.checkpoints'
import { parseCheckpointBody, verifyBody } from './checkpoint-note'
import {
  LedgerIntegrityError,
  checkpointConsistency,
  ledgerReceipt,
  ledgerReceiptFor,
  listCheckpoints,
  publishCheckpoint,
} from './checkpoints.server'
import { appendLedger, ledgerHead } from './ledger.server'
import { verifyConsistency } from '~/lib/merkle'
import { listPublicKeys, rotateSigningKey } from './signing-keys.server'
import { verifyReceipt } from './verify-export.server'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ledger-cp-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function appendMany(count: number, action: `test.${string}` = 'test.filler') {
  for (let i = 0; i < count; i++) await appendLedger({ action, payload: { i }, summary: { i } })
}

/** `openssl pkeyutl -verify` on a checkpoint's body and signature; returns OpenSSL's verdict. */
function opensslVerify(
  body: string,
  signatureB64: string,
  alg: 'ed25519' | 'sm2',
  publicKeyPem: string,
) {
  const name = `${alg}-${Math.random().toString(36).slice(2)}`
  const files = {
    body: path.join(tmp, `${name}.txt`),
    sig: path.join(tmp, `${name}.sig`),
    pub: path.join(tmp, `${name}.pem`),
  }
  writeFileSync(files.body, body)
  writeFileSync(files.sig, Buffer.from(signatureB64, 'base64'))
  writeFileSync(files.pub, publicKeyPem)
  // -rawin: sign the message itself (Ed25519 has no pre-hash; SM2 hashes Z‖M with SM3 itself).
  // SM2: no -pkeyopt distid — OpenSSL 3.0 and Node both use the empty ID by default.
  const args = [
    'pkeyutl',
    '-verify',
    '-pubin',
    '-inkey',
    files.pub,
    '-rawin',
    '-in',
    files.body,
    '-sigfile',
    files.sig,
  ]
  if (alg === 'sm2') args.push('-digest', 'sm3')
  try {
    return execFileSync('openssl', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim()
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '').trim() || 'failed'
  }
}

describe('ledger checkpoints (C11)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    await appendMany(20)
  })

  it('publishes a signed Ed25519 checkpoint at the head, once, with a key created on first use', async () => {
    const first = await publishCheckpoint()
    const head = await ledgerHead()
    expect(first.published).toBe(true)
    // The key's creation is itself logged, so the checkpoint covers it.
    expect(first.checkpoint).toMatchObject({
      treeSize: head.seq,
      keyAlg: 'ed25519',
      treeAlg: 'sha256',
    })
    const keyEntry = await LedgerEntry.findOne({ action: 'ledger.signing-key-created' }).lean()
    expect(keyEntry?.summary).toMatchObject({ alg: 'ed25519', generation: 1 })

    const again = await publishCheckpoint()
    expect(again).toMatchObject({ published: false, nodesWritten: 0 })
    expect(again.checkpoint).toEqual(first.checkpoint)
    expect(await LedgerCheckpoint.countDocuments()).toBe(1)

    const [key] = await listPublicKeys()
    const cp = first.checkpoint!
    expect(parseCheckpointBody(cp.body)).toMatchObject({
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
    })
    expect(
      verifyBody(cp.body, Buffer.from(cp.signature, 'base64'), 'ed25519', key!.publicKeyPem),
    ).toBe(true)
  })

  it('keeps the private key only encrypted under the HKDF-derived key', async () => {
    const stored = await LedgerSigningKey.findOne({ generation: 1 }).lean()
    expect(stored!.privateKeyEnc).not.toContain('PRIVATE KEY')
    expect(decryptField(stored!.privateKeyEnc, dataKeys().ledgerSigning)).toContain(
      'BEGIN PRIVATE KEY',
    )
    expect(() => decryptField(stored!.privateKeyEnc, dataKeys().field)).toThrow()
  })

  it('the checkpoint job is idempotent: reruns, duplicate triggers and parallel workers publish one checkpoint per size', async () => {
    await appendMany(7)
    const head = await ledgerHead()
    const nodesBefore = await LedgerNode.countDocuments()
    const runs = await Promise.all([
      checkpointLedger({ reason: 'entries', atSeq: head.seq }),
      checkpointLedger({ reason: 'schedule' }),
      checkpointLedger({}),
      publishCheckpoint(),
    ])
    const sizes = await LedgerCheckpoint.find({ _id: head.seq }).lean()
    expect(sizes).toHaveLength(1)
    expect(
      new Set(runs.map((r) => ('rootHash' in r ? r.rootHash : r.checkpoint?.rootHash))),
    ).toEqual(new Set([sizes[0]!.rootHash]))
    const nodesAfter = await LedgerNode.countDocuments()
    // n leaves make exactly 2n − popcount(n) perfect subtrees.
    const popcount = head.seq.toString(2).replace(/0/g, '').length
    expect(nodesAfter).toBe(2 * head.seq - popcount)
    // The checkpoint keeps its right-edge subtrees, so the next one resumes without node reads.
    expect(sizes[0]!.frontier).toHaveLength(popcount)
    expect(nodesAfter).toBeGreaterThan(nodesBefore)

    const rerun = await checkpointLedger({})
    expect(rerun).toMatchObject({ treeSize: head.seq, published: false, nodesWritten: 0 })
    expect(await LedgerNode.countDocuments()).toBe(nodesAfter)
    await expect(checkpointLedger({ reason: 'bogus' })).rejects.toBeInstanceOf(UnrecoverableError)
  })

  it('a receipt proves the entry in a signed checkpoint, and verifies with nothing but the public keys', async () => {
    const head = await ledgerHead()
    const keys = await listPublicKeys()
    for (const seq of [1, 2, Math.floor(head.seq / 2), head.seq]) {
      const receipt = await ledgerReceipt(seq)
      expect(receipt).toMatchObject({ seq, index: seq - 1, entry: { _id: seq } })
      expect(receipt.checkpoint.treeSize).toBe(head.seq)
      expect(verifyReceipt(JSON.parse(JSON.stringify(receipt)), keys)).toEqual({ ok: true })
      const forged = { ...receipt, entry: { ...receipt.entry, action: 'test.forged' } }
      expect(verifyReceipt(forged, keys)).toMatchObject({ ok: false })
      const wrongIndex = {
        ...receipt,
        seq: seq === 1 ? 2 : seq - 1,
        index: seq === 1 ? 1 : seq - 2,
      }
      expect(verifyReceipt(wrongIndex, keys)).toMatchObject({ ok: false })
    }
  })

  it('a receipt for an entry newer than every checkpoint publishes one on demand', async () => {
    const entry = await appendLedger({ action: 'test.fresh', actor: { orgId: 'org-x' } })
    const receipt = await ledgerReceipt(entry._id)
    expect(receipt.checkpoint.treeSize).toBe(entry._id)
    expect(await LedgerCheckpoint.findById(entry._id).lean()).not.toBeNull()
  })

  it('consistency proofs between checkpoints verify, and refuse a wrong order', async () => {
    await appendMany(5)
    await publishCheckpoint()
    const { checkpoints } = await listCheckpoints({ limit: 10 })
    expect(checkpoints.length).toBeGreaterThanOrEqual(3)
    const newest = checkpoints[0]!
    for (const older of checkpoints.slice(1)) {
      const c = await checkpointConsistency(older.treeSize, newest.treeSize)
      const proof = c.proof.map((h) => Buffer.from(h, 'hex'))
      const ok = verifyConsistency(
        'sha256',
        older.treeSize,
        newest.treeSize,
        proof,
        Buffer.from(older.rootHash, 'hex'),
        Buffer.from(newest.rootHash, 'hex'),
      )
      expect(ok).toBe(true)
    }
    await expect(
      checkpointConsistency(newest.treeSize, checkpoints[1]!.treeSize),
    ).rejects.toMatchObject({
      code: 'bad_range',
    })
    await expect(checkpointConsistency(1, newest.treeSize)).rejects.toMatchObject({ status: 404 })
  })

  it('rotates to SM2: new checkpoints are SM2-signed, old ones still verify with the kept Ed25519 key — in Node and in OpenSSL', async () => {
    const before = (await listCheckpoints({ limit: 1 })).checkpoints[0]!
    const sm2 = await rotateSigningKey('sm2')
    expect(sm2).toMatchObject({ alg: 'sm2', generation: 2 })
    await appendMany(2)
    const after = (await publishCheckpoint()).checkpoint!
    expect(after).toMatchObject({ keyAlg: 'sm2', keyId: sm2.keyId })

    const keys = new Map((await listPublicKeys()).map((k) => [k.keyId, k]))
    expect(keys.size).toBe(2)
    expect(openssl_version()).toMatch(/^OpenSSL 3\./)
    for (const cp of [before, after]) {
      const key = keys.get(cp.keyId)!
      expect(
        verifyBody(cp.body, Buffer.from(cp.signature, 'base64'), cp.keyAlg, key.publicKeyPem),
      ).toBe(true)
      expect(opensslVerify(cp.body, cp.signature, cp.keyAlg, key.publicKeyPem), cp.keyAlg).toBe(
        'Signature Verified Successfully',
      )
      // The same signature over a changed body fails in OpenSSL too.
      const changed = cp.body.replace(`\n${cp.treeSize}\n`, `\n${cp.treeSize + 1}\n`)
      expect(opensslVerify(changed, cp.signature, cp.keyAlg, key.publicKeyPem)).not.toBe(
        'Signature Verified Successfully',
      )
    }
    // Consistency across the key change.
    const c = await checkpointConsistency(before.treeSize, after.treeSize)
    expect(c.proof.length).toBeGreaterThan(0)
  })

  it('refuses to sign over an entry that was changed in the database, naming it', async () => {
    await appendMany(3)
    const seq = (await ledgerHead()).seq - 1
    const original = await LedgerEntry.collection.findOne({ _id: seq as never })
    await LedgerEntry.collection.updateOne(
      { _id: seq as never },
      { $set: { action: 'test.tampered' } },
    )
    try {
      await expect(publishCheckpoint()).rejects.toMatchObject({ seq, reason: 'hash mismatch' })
      await expect(publishCheckpoint()).rejects.toBeInstanceOf(LedgerIntegrityError)
      await expect(checkpointLedger({})).rejects.toBeInstanceOf(UnrecoverableError)
    } finally {
      await LedgerEntry.collection.replaceOne({ _id: seq as never }, original!)
    }
    expect((await publishCheckpoint()).published).toBe(true)
  })

  it('a receipt goes to regulators and the entry’s own parties only', async () => {
    const buyer = DEMO_USERS.find((u) => u.role === 'buyer_staff')!
    const { User } = await import('#models/user')
    const buyerUser = await User.findOne({ email: buyer.email }).lean()
    const orgId = String(buyerUser!.orgId)
    const own = await appendLedger({
      action: 'test.order',
      actor: { orgId },
      subjects: ['order:1'],
    })
    const mentioned = await appendLedger({ action: 'test.order', subjects: [`org:${orgId}`] })
    const other = await appendLedger({ action: 'test.order', actor: { orgId: 'someone-else' } })
    const reader = (roles: Parameters<typeof permissionsOf>[0], org?: string, id = 'u1') => ({
      id,
      permissions: permissionsOf(roles),
      ...(org ? { org: { id: org } } : {}),
    })
    await expect(ledgerReceiptFor(reader(['buyer_staff'], orgId), own._id)).resolves.toMatchObject({
      seq: own._id,
    })
    await expect(
      ledgerReceiptFor(reader(['buyer_staff'], orgId), mentioned._id),
    ).resolves.toBeTruthy()
    await expect(ledgerReceiptFor(reader(['buyer_staff'], orgId), other._id)).rejects.toMatchObject(
      { status: 403 },
    )
    await expect(
      ledgerReceiptFor(reader(['buyer_staff'], orgId), 10_000_000),
    ).rejects.toMatchObject({ status: 403 })
    await expect(ledgerReceiptFor(reader(['regulator'], 'reg'), other._id)).resolves.toBeTruthy()
    await expect(ledgerReceiptFor(reader(['regulator'], 'reg'), 10_000_000)).rejects.toMatchObject({
      status: 404,
    })
    const person = await appendLedger({ action: 'test.subject-request', subjects: ['user:p-1'] })
    await expect(
      ledgerReceiptFor(reader(['data_subject'], undefined, 'p-1'), person._id),
    ).resolves.toBeTruthy()
    await expect(
      ledgerReceiptFor(reader(['data_subject'], undefined, 'p-2'), person._id),
    ).rejects.toMatchObject({
      status: 403,
    })
  })

  it('serves receipts, consistency proofs and checkpoints over the API', async () => {
    const cookie = await sessionCookieFor(demoEmail('regulator'))
    const get = (p: string) =>
      new Request(BASE + p, { headers: { Cookie: cookie, 'Accept-Language': 'en' } })
    const receipt = await settle(() =>
      proofLoader({ request: get('/api/v1/ledger/3/proof'), params: { seq: '3' }, context: {} }),
    )
    expect(receipt.status).toBe(200)
    const body = (await receipt.json()) as { seq: number; checkpoint: { treeSize: number } }
    expect(body.seq).toBe(3)

    const list = await settle(() =>
      checkpointsLoader({
        request: get('/api/v1/ledger/checkpoints?limit=2'),
        params: {},
        context: {},
      }),
    )
    const page = (await list.json()) as {
      checkpoints: { treeSize: number }[]
      nextBefore: number
      keys: unknown[]
    }
    expect(page.checkpoints).toHaveLength(2)
    expect(page.nextBefore).toBe(page.checkpoints[1]!.treeSize)
    expect(page.keys).toHaveLength(2)

    const [b, a] = page.checkpoints
    const proof = await settle(() =>
      consistencyLoader({
        request: get(`/api/v1/ledger/consistency?from=${a!.treeSize}&to=${b!.treeSize}`),
        params: {},
        context: {},
      }),
    )
    expect(proof.status).toBe(200)
    const bad = await settle(() =>
      consistencyLoader({
        request: get('/api/v1/ledger/consistency?from=x&to=2'),
        params: {},
        context: {},
      }),
    )
    expect(bad.status).toBe(400)
    const missing = await settle(() =>
      proofLoader({
        request: get('/api/v1/ledger/99999999/proof'),
        params: { seq: '99999999' },
        context: {},
      }),
    )
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
      'The transaction log has no entry 99999999.',
    )
  })
})

function openssl_version(): string {
  return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim()
}
