// RFC 9162 §2.1 Merkle tree: merkle.ts against (1) the Certificate Transparency reference vectors,
// (2) a second, deliberately naive implementation written here straight from the RFC's recursive
// definitions (MTH, PATH, PROOF/SUBPROOF), for every tree size 1..N, and (3) Sigstore's RFC 6962
// inclusion verifier (@sigstore/verify), an implementation we did not write.
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  TreeBuilder,
  consistencyProof,
  emptyRoot,
  frontierNodes,
  inclusionProof,
  leafHash,
  nodeKey,
  rootFromInclusion,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type NodeLookup,
  type TreeAlg,
} from './merkle'

// Sigstore's verifier is not a public export of the package; the dist path is pinned by the exact
// devDependency version.
const { verifyMerkleInclusion } = createRequire(import.meta.url)(
  '@sigstore/verify/dist/tlog/merkle',
) as {
  verifyMerkleInclusion: (
    entry: { canonicalizedBody: Buffer; inclusionProof: { logIndex: string; hashes: Buffer[] } },
    checkpoint: { logSize: bigint; logHash: Buffer },
  ) => void
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const unhex = (s: string) => Buffer.from(s, 'hex')

// ---- the RFC's definitions, written out naively (slices and recursion, nothing shared) ----------
function H(alg: TreeAlg, ...parts: Uint8Array[]): Buffer {
  const h = createHash(alg)
  for (const p of parts) h.update(p)
  return h.digest()
}
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1) // largest power of two < n, for n > 1
function mth(alg: TreeAlg, d: Buffer[]): Buffer {
  if (d.length === 0) return H(alg)
  if (d.length === 1) return H(alg, Buffer.of(0), d[0]!)
  const s = k(d.length)
  return H(alg, Buffer.of(1), mth(alg, d.slice(0, s)), mth(alg, d.slice(s)))
}
function path(alg: TreeAlg, m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return []
  const s = k(d.length)
  return m < s
    ? [...path(alg, m, d.slice(0, s)), mth(alg, d.slice(s))]
    : [...path(alg, m - s, d.slice(s)), mth(alg, d.slice(0, s))]
}
function subproof(alg: TreeAlg, m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(alg, d)]
  const s = k(d.length)
  return m <= s
    ? [...subproof(alg, m, d.slice(0, s), b), mth(alg, d.slice(s))]
    : [...subproof(alg, m - s, d.slice(s), false), mth(alg, d.slice(0, s))]
}
const proof = (alg: TreeAlg, m: number, d: Buffer[]) => subproof(alg, m, d, true)
// ------------------------------------------------------------------------------------------------

/** Stored-node lookup for a list of leaf data, filled by TreeBuilder as the checkpoint job does. */
function storedNodes(alg: TreeAlg, data: Buffer[]): NodeLookup {
  const nodes = new Map<string, Buffer>()
  const builder = new TreeBuilder(alg, undefined, (ref, h) => nodes.set(nodeKey(ref), h))
  for (const d of data) builder.push(leafHash(alg, d))
  return (ref) => {
    const h = nodes.get(nodeKey(ref))
    if (!h) throw new Error(`node ${nodeKey(ref)} not stored`)
    return h
  }
}

const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex)
// Published with the RFC 6962 reference implementation's tests (certificate-transparency).
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]
const CT_INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
]
const CT_CONSISTENCY = [
  {
    m: 2,
    n: 8,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
]

describe('RFC 9162 Merkle tree', () => {
  it('matches the Certificate Transparency reference roots for sizes 0..8', () => {
    expect(hex(emptyRoot('sha256'))).toBe(CT_ROOTS[0])
    const leaves = CT_LEAVES.map((d) => leafHash('sha256', d))
    for (let n = 0; n <= 8; n++)
      expect(hex(treeRoot('sha256', leaves.slice(0, n)))).toBe(CT_ROOTS[n])
  })

  it('produces and accepts the reference inclusion and consistency proofs', () => {
    const nodes = storedNodes('sha256', CT_LEAVES)
    for (const v of CT_INCLUSION) {
      const got = inclusionProof('sha256', v.index, v.size, nodes)
      expect(got.map(hex)).toEqual(v.proof)
      const leaf = leafHash('sha256', CT_LEAVES[v.index]!)
      expect(verifyInclusion('sha256', v.index, v.size, leaf, got, unhex(CT_ROOTS[v.size]!))).toBe(
        true,
      )
    }
    for (const v of CT_CONSISTENCY) {
      const got = consistencyProof('sha256', v.m, v.n, nodes)
      expect(got.map(hex)).toEqual(v.proof)
      const ok = verifyConsistency(
        'sha256',
        v.m,
        v.n,
        got,
        unhex(CT_ROOTS[v.m]!),
        unhex(CT_ROOTS[v.n]!),
      )
      expect(ok).toBe(true)
    }
  })

  // Sizes 1..N cover every shape of the recursion up to five levels (33 = 2^5 + 1).
  const N = 33
  for (const alg of ['sha256', 'sm3'] as const) {
    it(`${alg}: roots, every inclusion proof and every consistency proof equal the RFC definitions for sizes 1..${N}`, () => {
      const data = Array.from({ length: N }, (_, i) =>
        createHash('sha256').update(`leaf ${i}`).digest(),
      )
      const nodes = storedNodes(alg, data)
      const roots = [emptyRoot(alg)]
      const builder = new TreeBuilder(alg)
      for (let n = 1; n <= N; n++) {
        builder.push(leafHash(alg, data[n - 1]!))
        roots.push(builder.root())
        expect(hex(roots[n]!), `root ${n}`).toBe(hex(mth(alg, data.slice(0, n))))
      }
      for (let n = 1; n <= N; n++) {
        const d = data.slice(0, n)
        for (let i = 0; i < n; i++) {
          const got = inclusionProof(alg, i, n, nodes)
          expect(got.map(hex), `PATH(${i}, D[${n}])`).toEqual(path(alg, i, d).map(hex))
          expect(verifyInclusion(alg, i, n, leafHash(alg, data[i]!), got, roots[n]!)).toBe(true)
        }
        for (let m = 1; m <= n; m++) {
          const got = consistencyProof(alg, m, n, nodes)
          expect(got.map(hex), `PROOF(${m}, D[${n}])`).toEqual(proof(alg, m, d).map(hex))
          expect(verifyConsistency(alg, m, n, got, roots[m]!, roots[n]!), `${m}→${n}`).toBe(true)
        }
      }
    })
  }

  it('Sigstore’s RFC 6962 verifier accepts every inclusion proof we produce, and refuses altered ones', () => {
    const data = Array.from({ length: 21 }, (_, i) => Buffer.from(`entry ${i}`))
    const nodes = storedNodes('sha256', data)
    let checked = 0
    for (let n = 1; n <= data.length; n++) {
      const root = treeRoot(
        'sha256',
        data.slice(0, n).map((d) => leafHash('sha256', d)),
      )
      for (let i = 0; i < n; i++) {
        const hashes = inclusionProof('sha256', i, n, nodes)
        const entry = {
          canonicalizedBody: data[i]!,
          inclusionProof: { logIndex: String(i), hashes },
        }
        expect(() =>
          verifyMerkleInclusion(entry, { logSize: BigInt(n), logHash: root }),
        ).not.toThrow()
        checked++
        if (hashes.length > 0) {
          const altered = hashes.map((h) => Buffer.from(h))
          altered[0]![0]! ^= 1
          const bad = { ...entry, inclusionProof: { logIndex: String(i), hashes: altered } }
          expect(() => verifyMerkleInclusion(bad, { logSize: BigInt(n), logHash: root })).toThrow()
        }
      }
    }
    expect(checked).toBe((21 * 22) / 2)
  })

  it('refuses proofs that were altered, truncated, extended, or given for another index or size', () => {
    const data = Array.from({ length: 13 }, (_, i) => Buffer.of(i))
    const nodes = storedNodes('sha256', data)
    const leaves = data.map((d) => leafHash('sha256', d))
    const root = (n: number) => treeRoot('sha256', leaves.slice(0, n))
    for (let n = 2; n <= 13; n++) {
      for (let i = 0; i < n; i++) {
        const p = inclusionProof('sha256', i, n, nodes)
        const flipped = p.map((h) => Buffer.from(h))
        flipped[p.length - 1]![7]! ^= 1
        expect(verifyInclusion('sha256', i, n, leaves[i]!, flipped, root(n))).toBe(false)
        expect(verifyInclusion('sha256', i, n, leaves[i]!, p.slice(0, -1), root(n))).toBe(false)
        expect(verifyInclusion('sha256', i, n, leaves[i]!, [...p, Buffer.alloc(32)], root(n))).toBe(
          false,
        )
        expect(verifyInclusion('sha256', (i + 1) % n, n, leaves[i]!, p, root(n))).toBe(false)
        expect(verifyInclusion('sha256', i, n, leaves[(i + 1) % n]!, p, root(n))).toBe(false)
      }
      for (let m = 1; m < n; m++) {
        const p = consistencyProof('sha256', m, n, nodes)
        const flipped = p.map((h) => Buffer.from(h))
        flipped[0]![3]! ^= 0x80
        expect(verifyConsistency('sha256', m, n, flipped, root(m), root(n)), `${m}→${n}`).toBe(
          false,
        )
        expect(verifyConsistency('sha256', m, n, p.slice(0, -1), root(m), root(n))).toBe(false)
        expect(verifyConsistency('sha256', m, n, [...p, Buffer.alloc(32)], root(m), root(n))).toBe(
          false,
        )
        expect(verifyConsistency('sha256', m, n, p, root(n), root(m))).toBe(false)
        expect(verifyConsistency('sha256', m, n, [], root(m), root(n))).toBe(false)
      }
    }
    expect(verifyConsistency('sha256', 5, 5, [], root(5), root(5))).toBe(true)
    expect(verifyConsistency('sha256', 5, 5, [], root(5), root(6))).toBe(false)
    expect(verifyConsistency('sha256', 6, 5, [], root(6), root(5))).toBe(false)
    expect(rootFromInclusion('sha256', 5, 5, leaves[0]!, [])).toBeNull()
    expect(() => inclusionProof('sha256', 5, 5, nodes)).toThrow(RangeError)
    expect(() => consistencyProof('sha256', 6, 5, nodes)).toThrow(RangeError)
  })

  it('resumes from a stored frontier with the same roots and nodes as a tree built in one go', () => {
    const leaves = Array.from({ length: 45 }, (_, i) => leafHash('sha256', Buffer.of(i, 7)))
    for (const cut of [0, 1, 2, 3, 8, 13, 32, 44]) {
      const first = new TreeBuilder('sha256')
      for (const l of leaves.slice(0, cut)) first.push(l)
      expect(first.frontier()).toHaveLength(frontierNodes(cut).length)
      const emitted: string[] = []
      const resumed = new TreeBuilder('sha256', { size: cut, frontier: first.frontier() }, (ref) =>
        emitted.push(nodeKey(ref)),
      )
      for (const l of leaves.slice(cut)) resumed.push(l)
      expect(hex(resumed.root())).toBe(hex(treeRoot('sha256', leaves)))
      // Every perfect subtree that completes after the cut is reported once.
      const full: string[] = []
      const whole = new TreeBuilder('sha256', undefined, (ref) => full.push(nodeKey(ref)))
      leaves.forEach((l, i) => {
        const before = full.length
        whole.push(l)
        if (i < cut) full.splice(before)
      })
      expect(emitted).toEqual(full)
    }
  })
})
