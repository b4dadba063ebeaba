// Issue 8 regulator console: follow a product's trades — its orders, payments, licences,
// deliveries and refunds in time order, from the ledger entries naming the product and those
// naming the orders and licences it led to. The query is itself logged first.
import mongoose from 'mongoose'
import { LedgerEntry } from '#models/ledger-entry'
import type { AuthUser } from '~/services/identity/auth.server'
import { connectDb } from '~/utils/db.server'
import { recordRegulatorQuery } from './queries.server'

/** Subjects a trade of a product runs through; entries naming them join the product's trail. */
const TRADE_SUBJECT = /^(order|payment|licence|delivery|refund|usage-report):/
const MAX_ENTRIES = 1000

export interface TradeRow {
  seq: number
  at: string
  action: string
  actorOrgId: string | null
  subjects: string[]
  summary: Record<string, string | number | boolean> | null
}

/** The product's trail, oldest first, walking at most two hops (product → order → licence/delivery). */
export async function productTrades(
  user: AuthUser,
  productId: string,
): Promise<{ productId: string; rows: TradeRow[]; truncated: boolean }> {
  const product = `product:${productId}`
  await recordRegulatorQuery(user, 'product', { subject: product })
  await connectDb()
  const seen = new Map<number, Awaited<ReturnType<typeof entriesNaming>>[number]>()
  const asked = new Set<string>([product])
  let frontier = [product]
  for (let hop = 0; hop < 3 && frontier.length && seen.size < MAX_ENTRIES; hop++) {
    const found = await entriesNaming(frontier)
    const next = new Set<string>()
    for (const e of found) {
      // The listing's own history (product.*) and console queries are not trades.
      if (e.action === 'regulator.query' || e.action.startsWith('product.')) continue
      seen.set(e._id, e)
      for (const s of e.subjects) if (TRADE_SUBJECT.test(s) && !asked.has(s)) next.add(s)
    }
    for (const s of next) asked.add(s)
    frontier = [...next].slice(0, 500)
  }
  const rows = [...seen.values()].sort((a, b) => a._id - b._id)
  return {
    productId,
    truncated: rows.length > MAX_ENTRIES,
    rows: rows.slice(0, MAX_ENTRIES).map((e) => ({
      seq: e._id,
      at: e.at.toISOString(),
      action: e.action,
      actorOrgId: e.actorOrgId ?? null,
      subjects: e.subjects,
      summary: e.summary ?? null,
    })),
  }
}

function entriesNaming(subjects: string[]) {
  return LedgerEntry.find(
    { subjects: mongoose.trusted({ $in: subjects }) },
    { _id: 1, at: 1, action: 1, actorOrgId: 1, subjects: 1, summary: 1 },
  )
    .sort({ _id: 1 })
    .limit(MAX_ENTRIES + 1)
    .lean()
}
