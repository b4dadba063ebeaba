// Zod pieces every boundary shares, so a rule about a kind of value is written once.
import { z } from 'zod'

/**
 * A web address a person may be sent to: http or https only. Anything stored as a link and shown
 * to others (a distribution's access URL, a product's API endpoint) uses this, so a
 * `javascript:` or `data:` address can never be stored and rendered as a link (stored XSS).
 */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'error.httpUrl' }).max(500)

/** A MongoDB ObjectId as the exchange writes it: 24 lower-case hex digits. */
export const OBJECT_ID = /^[0-9a-f]{24}$/

/** True for a string that is an ObjectId (checked before it reaches a query). */
export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value)
}

/** An ObjectId parameter or field; `message` is the i18n key of the refusal (what was not found). */
export const objectId = (message = 'error.badId') => z.string().regex(OBJECT_ID, message)

/** True for an http(s) address: the check made again where stored links are rendered. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && httpUrl().safeParse(value).success
}

/** The page size of every numbered list (orders, licences, reports, queues). */
export const LIST_PAGE_SIZE = 50

/**
 * The query of a numbered, sortable list: `page` (from 1), `sort` (one of the list's columns) and
 * `dir`. Unknown sort keys are a 400 like any other bad parameter; a page past the end is empty.
 */
export function listParams<K extends string>(
  sortKeys: readonly [K, ...K[]],
  defaults: { sort: K; dir: 'asc' | 'desc' },
) {
  return {
    page: z.coerce
      .number({ error: 'error.list.badPage' })
      .int('error.list.badPage')
      .min(1, 'error.list.badPage')
      .max(100_000, 'error.list.badPage')
      .default(1),
    sort: z.enum(sortKeys, { error: 'error.list.badSort' }).default(defaults.sort),
    dir: z.enum(['asc', 'desc'], { error: 'error.list.badSort' }).default(defaults.dir),
  }
}

/** Where a list stands: shown by the `Paging` component and the sortable headers. */
export interface Paging {
  page: number
  pages: number
  total: number
  sort: string
  dir: 'asc' | 'desc'
}
