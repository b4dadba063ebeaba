// Price bands of the marketplace's price facet (integer fen; 100 fen = 1 CNY). Browser-safe.
export const PRICE_BANDS = ['free', 'lt1k', '1k_10k', '10k_100k', 'ge100k', 'none'] as const
export type PriceBand = (typeof PRICE_BANDS)[number]

const YUAN = 100

/** The band of a product's cheapest plan; `none` when it has no price plan. */
export function priceBandOf(minFen: number | null): PriceBand {
  if (minFen === null) return 'none'
  if (minFen === 0) return 'free'
  if (minFen < 1_000 * YUAN) return 'lt1k'
  if (minFen < 10_000 * YUAN) return '1k_10k'
  if (minFen < 100_000 * YUAN) return '10k_100k'
  return 'ge100k'
}
