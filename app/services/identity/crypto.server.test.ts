import { randomBytes } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import {
  blindIndex,
  decryptField,
  encryptField,
  hashPassword,
  needsRehash,
  MAX_PASSWORD_LENGTH,
  randomToken,
  sha256Hex,
  verifyPassword,
} from './crypto.server'

describe('password hashing (scrypt)', () => {
  it('stores parameters, salt and hash in a parseable format', async () => {
    const stored = await hashPassword('correct horse battery staple')
    const parts = stored.split('$')
    expect(parts).toHaveLength(6)
    const [alg, N, r, p, salt, hash] = parts
    expect(alg).toBe('scrypt')
    // The test run's cost (tests/setup/global.ts); production's default is 2^17 (env.server.test.ts).
    expect(Number(N)).toBe(2 ** Number(process.env.PASSWORD_SCRYPT_LOG2N))
    expect(Number(r)).toBe(8)
    expect(Number(p)).toBe(1)
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16)
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32)
  })

  it('a hash made at a lower cost than today’s needs re-hashing; today’s does not', async () => {
    expect(needsRehash(await hashPassword('x'))).toBe(false)
    expect(needsRehash(`scrypt$${2 ** 12}$8$1$c2FsdA==$aGFzaA==`)).toBe(true)
  })

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('s3cret-密码')
    expect(await verifyPassword('s3cret-密码', stored)).toBe(true)
    expect(await verifyPassword('s3cret-密码 ', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('uses a different salt each time', async () => {
    const a = await hashPassword('same')
    const b = await hashPassword('same')
    expect(a).not.toBe(b)
    expect(a.split('$')[4]).not.toBe(b.split('$')[4])
    expect(await verifyPassword('same', a)).toBe(true)
    expect(await verifyPassword('same', b)).toBe(true)
  })

  it('verifies with the parameters in the stored string', async () => {
    // Simulates an older, cheaper hash (N=2^14). It must still verify.
    const { scryptSync } = await import('node:crypto')
    const salt = randomBytes(16)
    const hash = scryptSync('legacy', salt, 32, { N: 2 ** 14, r: 8, p: 1 })
    const stored = `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`
    expect(await verifyPassword('legacy', stored)).toBe(true)
    expect(await verifyPassword('other', stored)).toBe(false)
  })

  it('returns false for malformed or hostile stored values', async () => {
    const good = await hashPassword('pw')
    const [, , , , salt, hash] = good.split('$')
    for (const bad of [
      '',
      'bcrypt$2b$10$abc',
      good.replace(/^scrypt/, 'argon2'),
      `scrypt$32768$8$1$${salt}`,
      `scrypt$30000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 30}$8$1$${salt}$${hash}`, // N too large
      `scrypt$32768$8$1$$${hash}`, // empty salt
      `scrypt$32768$8$1$${salt}$`, // empty hash
    ]) {
      expect(await verifyPassword('pw', bad)).toBe(false)
    }
  })

  it('rejects passwords over the length limit', async () => {
    const long = 'a'.repeat(MAX_PASSWORD_LENGTH + 1)
    await expect(hashPassword(long)).rejects.toThrow(RangeError)
    await expect(verifyPassword(long, await hashPassword('x'))).rejects.toThrow(RangeError)
    const max = 'a'.repeat(MAX_PASSWORD_LENGTH)
    expect(await verifyPassword(max, await hashPassword(max))).toBe(true)
  })
})

describe('field encryption (AES-256-GCM)', () => {
  const key = randomBytes(32)

  it('round-trips, including empty and non-ASCII strings', () => {
    for (const pt of ['11010519491231002X', '', '张三 · 🚀', 'x'.repeat(10_000)]) {
      const token = encryptField(pt, key)
      expect(token).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]*$/)
      expect(decryptField(token, key)).toBe(pt)
    }
  })

  it('uses a fresh IV, so equal plaintexts give different tokens', () => {
    const a = encryptField('same', key)
    const b = encryptField('same', key)
    expect(a).not.toBe(b)
    expect(a.split('.')[1]).not.toBe(b.split('.')[1])
    expect(Buffer.from(a.split('.')[1]!, 'base64')).toHaveLength(12)
    expect(Buffer.from(a.split('.')[2]!, 'base64')).toHaveLength(16)
  })

  it('fails with a wrong key', () => {
    const token = encryptField('secret', key)
    expect(() => decryptField(token, randomBytes(32))).toThrow()
  })

  it('fails when ciphertext, tag or IV is tampered with', () => {
    const token = encryptField('secret value', key)
    const [v, iv, tag, ct] = token.split('.') as [string, string, string, string]
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64')
      b[0] = b[0]! ^ 0x01
      return b.toString('base64')
    }
    expect(() => decryptField([v, iv, tag, flip(ct)].join('.'), key)).toThrow()
    expect(() => decryptField([v, iv, flip(tag), ct].join('.'), key)).toThrow()
    expect(() => decryptField([v, flip(iv), tag, ct].join('.'), key)).toThrow()
    // A truncated ciphertext is also detected.
    const shorter = Buffer.from(ct, 'base64').subarray(1).toString('base64')
    expect(() => decryptField([v, iv, tag, shorter].join('.'), key)).toThrow()
  })

  it('rejects malformed tokens and bad key sizes', () => {
    const token = encryptField('x', key)
    expect(() => decryptField(token.replace(/^v1/, 'v2'), key)).toThrow()
    expect(() => decryptField('v1.abc', key)).toThrow()
    expect(() => decryptField('v1.AAAA.AAAA.AAAA', key)).toThrow()
    expect(() => encryptField('x', randomBytes(16))).toThrow(RangeError)
    expect(() => decryptField(token, randomBytes(16))).toThrow(RangeError)
  })
})

describe('blindIndex', () => {
  const key = randomBytes(32)

  it('is deterministic per key and differs across keys and values', () => {
    const a = blindIndex('11010519491231002X', key)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(blindIndex('11010519491231002X', key)).toBe(a)
    expect(blindIndex('11010519491231002X', randomBytes(32))).not.toBe(a)
    expect(blindIndex('11010519491231002x', key)).not.toBe(a)
  })

  it('is HMAC-SHA256 (RFC 4231 test case 6) and rejects short keys', () => {
    const rfcKey = Buffer.alloc(131, 0xaa)
    expect(blindIndex('Test Using Larger Than Block-Size Key - Hash Key First', rfcKey)).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    )
    expect(() => blindIndex('x', Buffer.from('Jefe'))).toThrow(RangeError)
  })
})

describe('randomToken / sha256Hex', () => {
  it('randomToken is base64url of the requested size and unique', () => {
    const t = randomToken()
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(t, 'base64url')).toHaveLength(32)
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(new Set(Array.from({ length: 100 }, () => randomToken())).size).toBe(100)
  })

  it('sha256Hex matches known vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'))
  })
})
