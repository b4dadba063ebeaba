// The binomial upper tail (app/lib/binomial.ts) that rates a leak's match count: exact for small
// n, and a finite logarithm far below the double range.
import { describe, expect, it } from 'vitest'
import { binomialUpperTail, formatProbability } from './binomial'

describe('binomial tail', () => {
  function exact(n: number, k: number): number {
    let sum = 0
    let c = 1
    for (let j = 0; j <= n; j++) {
      if (j >= k) sum += c
      c = (c * (n - j)) / (j + 1)
    }
    return sum / 2 ** n
  }

  it('equals the exact sum for small n', () => {
    for (const n of [1, 2, 7, 20, 61]) {
      for (let k = 0; k <= n + 1; k++)
        expect(binomialUpperTail(n, k).p).toBeCloseTo(exact(n, k), 12)
    }
  })

  it('stays a number far below the double range', () => {
    const t = binomialUpperTail(10_000, 10_000)
    expect(t.p).toBe(0)
    expect(t.log10).toBeCloseTo(-10_000 * Math.log10(2), 6)
    expect(formatProbability(t)).toMatch(/e-3011$/)
    expect(binomialUpperTail(100_000, 50_000).p).toBeCloseTo(0.5013, 3)
  })
})
