// Exact upper tail of Binomial(n, 1/2), in log space so that 2^-50000 is still a number.
// P[X ≥ k] is what an innocent licence's score must reach by chance to look as guilty as the
// one observed: each keyed position agrees with an innocent key with probability exactly 1/2,
// independently (see keys.server.ts), so the count of agreements is Binomial(n, 1/2).

const LN10 = Math.LN10
const LN2 = Math.LN2

// Lanczos approximation (g = 7, n = 9), relative error below 1e-15.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
]

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  x -= 1
  let a = LANCZOS[0]!
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
}

/** ln P[X ≥ k] for k > n/2: the terms fall geometrically from the first, so the sum is short. */
function lnUpperTailAboveMean(n: number, k: number): number {
  let term = 1
  let sum = 1
  for (let j = k; j < n; j++) {
    term *= (n - j) / (j + 1)
    sum += term
    if (term < sum * 1e-17) break
  }
  return logChoose(n, k) - n * LN2 + Math.log(sum)
}

export interface Tail {
  /** The probability (0 when it is below the smallest double; use log10 then). */
  p: number
  log10: number
}

/** P[X ≥ k] for X ~ Binomial(n, 1/2). */
export function binomialUpperTail(n: number, k: number): Tail {
  if (k <= 0) return { p: 1, log10: 0 }
  if (k > n) return { p: 0, log10: -Infinity }
  let ln: number
  if (2 * k > n) ln = lnUpperTailAboveMean(n, k)
  else {
    // P[X ≥ k] = 1 − P[X ≤ k−1] = 1 − P[X ≥ n−k+1], and n−k+1 > n/2.
    const lower = Math.exp(lnUpperTailAboveMean(n, n - k + 1))
    ln = Math.log1p(-Math.min(lower, 1))
  }
  return { p: Math.exp(ln), log10: ln / LN10 }
}

/** "3.2e-7", or "10^-1234.5" below the double range. */
export function formatProbability(t: Tail): string {
  if (t.p > 0) return t.p >= 0.001 ? t.p.toFixed(4) : t.p.toExponential(1)
  if (t.log10 === -Infinity) return '0'
  const e = Math.floor(t.log10)
  return `${Math.pow(10, t.log10 - e).toFixed(1)}e${e}`
}
