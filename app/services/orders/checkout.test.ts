// C8: the platform fee and the per-call price are integer fen; the fee setting is validated at start-up.
import { describe, expect, it } from 'vitest'
import { parseEnv } from '~/utils/env.server'
import { platformFeeFen } from './checkout.server'
import { orderAmountFen } from './orders.server'

const base = {
  MONGODB_URI: 'mongodb://127.0.0.1:1/',
  REDIS_URL: 'redis://127.0.0.1:1',
  SESSION_SECRET: 'x'.repeat(32),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
}

describe('fees and amounts in fen', () => {
  it('art38 the platform fee is integer fen, rounded down, 5% by default', () => {
    expect(parseEnv(base).PLATFORM_FEE_BPS).toBe(500)
    expect(platformFeeFen(200_000, 500)).toBe(10_000)
    expect(platformFeeFen(99, 500)).toBe(4)
    expect(platformFeeFen(1_280_000, 250)).toBe(32_000)
    expect(Number.isInteger(platformFeeFen(33_333, 333))).toBe(true)
  })

  it('art38 refuses a fee setting that is not a whole number of basis points up to 50%', () => {
    expect(() => parseEnv({ ...base, PLATFORM_FEE_BPS: '5.5' })).toThrow(/PLATFORM_FEE_BPS/)
    expect(() => parseEnv({ ...base, PLATFORM_FEE_BPS: '9000' })).toThrow(/PLATFORM_FEE_BPS/)
    expect(parseEnv({ ...base, PLATFORM_FEE_BPS: '0' }).PLATFORM_FEE_BPS).toBe(0)
  })

  it('art38 a per-call plan is ordered as a prepaid quota; other plans at their price', () => {
    expect(orderAmountFen({ kind: 'per_call', amountFen: 50, callsQuota: 10_000 })).toBe(500_000)
    expect(orderAmountFen({ kind: 'one_off', amountFen: 200_000, callsQuota: null })).toBe(200_000)
    expect(orderAmountFen({ kind: 'subscription_monthly', amountFen: 30_000 })).toBe(30_000)
  })
})
