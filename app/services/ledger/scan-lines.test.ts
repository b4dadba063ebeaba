// C11: scanLines (verify-export.server.ts), the per-line half of offline verification, on
// hand-made export lines: hashes and links are decoded from hex as Buffer's hex decoding does, and
// a line it cannot read is reported with the same kind as before.
import { createHash, hash as oneShotHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { exportLine } from './export-format'
import { entryLeafHash } from '~/lib/merkle'
import { scanLines } from './verify-export.server'

const GENESIS = '0'.repeat(64)

function entryText(id: number, alg: string, prevHash: string): string {
  return `{"_id":${id},"action":"test.scan","alg":"${alg}","prevHash":"${prevHash}","summary":{"alg":"x"}}`
}

/** An export line for entry `id`, hashed with `alg`, and its hash. */
function line(id: number, alg: string, prevHash: string): { line: string; hash: string } {
  const text = entryText(id, alg, prevHash)
  const hash = createHash(alg).update(text).digest('hex')
  return { line: exportLine(text, hash), hash }
}

/** scanLines' result with its arrays cut to the lines it read (they may be longer). */
function scan(text: string, treeAlg = 'sha256') {
  const result = scanLines(Buffer.from(text, 'latin1'), oneShotHash, treeAlg)
  const bytes = 32 * result.count
  return {
    ...result,
    ids: result.ids.subarray(0, result.count),
    chain: result.chain.subarray(0, bytes),
    prev: result.prev.subarray(0, bytes),
    leaves: result.leaves.subarray(0, bytes),
  }
}

describe('scanLines (C11 offline verification)', () => {
  it('reads each line’s seq, hash, link and leaf hash, for both entry and tree algorithms', () => {
    const first = line(1, 'sha256', GENESIS)
    const second = line(2, 'sm3', first.hash)
    for (const treeAlg of ['sha256', 'sm3'] as const) {
      const result = scan(first.line + second.line, treeAlg)
      expect(result.error).toBeNull()
      expect(result.count).toBe(2)
      expect([...result.ids]).toEqual([1, 2])
      expect(result.chain.toString('hex')).toBe(first.hash + second.hash)
      expect(result.prev.toString('hex')).toBe(GENESIS + first.hash)
      expect(result.leaves).toEqual(
        Buffer.concat([entryLeafHash(treeAlg, first.hash), entryLeafHash(treeAlg, second.hash)]),
      )
    }
  })

  it('takes hex digits in either case, as Buffer’s hex decoding does', () => {
    const first = line(1, 'sha256', GENESIS)
    const upper = first.line.replace(
      `"hash":"${first.hash}"`,
      `"hash":"${first.hash.toUpperCase()}"`,
    )
    const result = scan(upper)
    expect(result.error).toBeNull()
    expect(result.chain.toString('hex')).toBe(first.hash)
  })

  it('reports a stated hash that is not hex as a hash mismatch, after the lines before it', () => {
    const first = line(1, 'sha256', GENESIS)
    const second = line(2, 'sha256', first.hash)
    const bad = second.line.replace(
      `"hash":"${second.hash.slice(0, 63)}`,
      `"hash":"${second.hash.slice(0, 62)}g`,
    )
    const result = scan(first.line + bad)
    expect(result.count).toBe(1)
    expect(result.error).toEqual({ line: 1, id: 2, kind: 'hash' })
  })

  it('reports a link that is not 64 hex digits as a line it cannot read', () => {
    // The hash is taken over the altered text, so only the link is wrong.
    const text = entryText(1, 'sha256', 'x'.repeat(64))
    const notHex = exportLine(text, createHash('sha256').update(text).digest('hex'))
    expect(scan(notHex).error).toEqual({ line: 0, id: 1, kind: 'format' })
    const short = '{"_id":1,"alg":"sha256","prevHash":"00"}'
    const cut = exportLine(short, createHash('sha256').update(short).digest('hex'))
    expect(scan(cut).error).toEqual({ line: 0, id: 1, kind: 'format' })
  })

  it('reports a line with no known algorithm, and one that is not an export line', () => {
    const text = entryText(1, 'md5', GENESIS)
    const md5 = exportLine(text, createHash('sha256').update(text).digest('hex'))
    expect(scan(md5).error).toEqual({ line: 0, id: 1, kind: 'alg' })
    expect(scan('{"entry":{"_id":1}}\n').error).toEqual({ line: 0, id: 0, kind: 'format' })
  })
})
