// One way to read a numbered, sortable list (issue 15): the total, and one page of the rows in the
// chosen order — the column, then `_id` in the same direction, so equal values page stably.
import mongoose, { type Model } from 'mongoose'
import { LIST_PAGE_SIZE, type Paging } from './schemas'

export interface ListQuery<K extends string> {
  page: number
  sort: K
  dir: 'asc' | 'desc'
}

/** The list's order: the chosen column, then `_id` in the same direction (equal values stay put). */
function sortOf<K extends string>(
  query: Pick<ListQuery<K>, 'sort' | 'dir'>,
  columns: Record<K, string>,
) {
  const order = query.dir === 'asc' ? 1 : -1
  return { [columns[query.sort]]: order, _id: order } as Record<string, 1 | -1>
}

/** Every row of the list in its order, up to `max` (what a CSV of the list holds). */
export async function allInOrder<T, K extends string>(
  model: Model<T>,
  filter: Record<string, unknown>,
  query: Pick<ListQuery<K>, 'sort' | 'dir'>,
  columns: Record<K, string>,
  max: number,
): Promise<(T & { _id: unknown })[]> {
  const rows = await model.find(filter).sort(sortOf(query, columns)).limit(max).lean()
  return rows as (T & { _id: unknown })[]
}

export async function pageOf<T, K extends string>(
  model: Model<T>,
  filter: Record<string, unknown>,
  query: ListQuery<K>,
  columns: Record<K, string>,
  options: { projection?: Record<string, 0 | 1>; size?: number } = {},
): Promise<{ items: (T & { _id: unknown })[]; paging: Paging }> {
  const size = options.size ?? LIST_PAGE_SIZE
  const [total, items] = await Promise.all([
    model.countDocuments(filter),
    model
      .find(filter, options.projection)
      .sort(sortOf(query, columns))
      .skip((query.page - 1) * size)
      .limit(size)
      .lean(),
  ])
  return {
    items: items as (T & { _id: unknown })[],
    paging: {
      page: query.page,
      pages: Math.max(1, Math.ceil(total / size)),
      total,
      sort: query.sort,
      dir: query.dir,
    },
  }
}

/** The same `Paging` for rows already in memory (a list computed from several collections). */
export function pageInMemory<T>(
  rows: T[],
  query: { page: number; sort: string; dir: 'asc' | 'desc' },
  size = LIST_PAGE_SIZE,
): { items: T[]; paging: Paging } {
  const start = (query.page - 1) * size
  return {
    items: rows.slice(start, start + size),
    paging: {
      page: query.page,
      pages: Math.max(1, Math.ceil(rows.length / size)),
      total: rows.length,
      sort: query.sort,
      dir: query.dir,
    },
  }
}

/**
 * A cursor-paged list (`after` = the last `_id` of the page before) with the total it pages through:
 * the rows after the cursor in `_id` order, one more than the page to know whether there is a next.
 */
export async function cursorPageOf<T>(
  model: Model<T>,
  filter: Record<string, unknown>,
  query: { after?: string; limit: number },
  order: 1 | -1 = 1,
): Promise<{ items: (T & { _id: unknown })[]; nextAfter: string | null; total: number }> {
  const after =
    query.after && mongoose.isValidObjectId(query.after)
      ? {
          _id: mongoose.trusted({
            [order === 1 ? '$gt' : '$lt']: new mongoose.Types.ObjectId(query.after),
          }),
        }
      : {}
  const [total, rows] = await Promise.all([
    model.countDocuments(filter),
    model
      .find({ ...filter, ...after })
      .sort({ _id: order })
      .limit(query.limit + 1)
      .lean(),
  ])
  const items = rows.slice(0, query.limit) as (T & { _id: unknown })[]
  return { items, nextAfter: rows.length > query.limit ? String(items.at(-1)!._id) : null, total }
}
