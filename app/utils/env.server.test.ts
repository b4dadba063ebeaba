import { describe, expect, it } from 'vitest'
import { parseEnv } from './env.server'

const good = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SESSION_SECRET: 'x'.repeat(32),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
}

describe('configuration', () => {
  it('parses a good environment with defaults', () => {
    const env = parseEnv(good)
    expect(env.PORT).toBe(3000)
    expect(env.LEDGER_HASH).toBe('sha256')
    expect(env.NODE_ENV).toBe('development')
  })

  it('a wrong value stops start-up with a message naming the variable', () => {
    expect(() => parseEnv({ ...good, PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => parseEnv({ ...good, DATA_ENCRYPTION_KEY: 'short' })).toThrow(
      /DATA_ENCRYPTION_KEY: must be 32 bytes/,
    )
    expect(() => parseEnv({ ...good, LEDGER_HASH: 'md5' })).toThrow(/LEDGER_HASH/)
    expect(() => parseEnv({ ...good, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/)
  })

  it('passwords are hashed at OWASP’s scrypt cost (2^17) by default, and never below it in production', () => {
    expect(parseEnv(good).PASSWORD_SCRYPT_LOG2N).toBe(17)
    expect(parseEnv({ ...good, PASSWORD_SCRYPT_LOG2N: '15' }).PASSWORD_SCRYPT_LOG2N).toBe(15)
    const production = { ...good, NODE_ENV: 'production', DELIVERY_LINK_SECRET: 'y'.repeat(32) }
    expect(parseEnv(production).PASSWORD_SCRYPT_LOG2N).toBe(17)
    expect(() => parseEnv({ ...production, PASSWORD_SCRYPT_LOG2N: '15' })).toThrow(
      /PASSWORD_SCRYPT_LOG2N: must be at least 17 in production/,
    )
  })

  it('a missing required variable is named', () => {
    const { SESSION_SECRET: _omit, ...rest } = good
    expect(() => parseEnv(rest)).toThrow(/SESSION_SECRET/)
  })
})

describe('process start-up', () => {
  it('the web process refuses to start on a bad variable and names it', async () => {
    const { spawnSync } = await import('node:child_process')
    const result = spawnSync('node_modules/.bin/tsx', ['server/index.ts'], {
      env: { ...process.env, ...good, REDIS_URL: 'http://wrong', NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/REDIS_URL: must be a redis:\/\/ URI/)
  })
})
