// MurmurHash3 x86_128 (app/lib/murmur3.ts) against SMHasher's own verification value.
import { describe, expect, it } from 'vitest'
import { murmur3x86_128 } from './murmur3'

describe('murmur3 x86_128', () => {
  it('matches the SMHasher verification value', () => {
    const key = new Uint8Array(256)
    const hashes = new Uint8Array(256 * 16)
    const out = new Uint32Array(4)
    for (let i = 0; i < 256; i++) {
      key[i] = i
      murmur3x86_128(key, 0, i, 256 - i, out)
      hashes.set(new Uint8Array(out.buffer), i * 16)
    }
    murmur3x86_128(hashes, 0, hashes.length, 0, out)
    expect(out[0]! >>> 0).toBe(0xb3ece62a)
  })
})
