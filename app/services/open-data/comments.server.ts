// Art. 34: open-data priorities are decided after hearing the public. Anyone may comment without
// signing in (rate-limited per address); only the authority reads the comments.
import mongoose from 'mongoose'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { COMMENT_TOPICS, OpenDataComment, type OpenDataCommentDoc } from '#models/open-data-comment'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { connectDb } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { getRedis } from '~/utils/redis.server'
import { assertMay } from '~/utils/permissions'

export { COMMENT_TOPICS }

/** Comments one address may send per hour. */
export const COMMENTS_PER_HOUR = 10

let limiter: RateLimiterRedis | undefined
function commentLimiter(): RateLimiterRedis {
  limiter ??= new RateLimiterRedis({
    storeClient: getRedis(),
    keyPrefix: `${getEnv().QUEUE_PREFIX}:open-comment`,
    points: COMMENTS_PER_HOUR,
    duration: 3600,
  })
  return limiter
}

interface CommentInput {
  user?: AuthUser
  topic: (typeof COMMENT_TOPICS)[number]
  year: number
  entryId?: string
  body: string
  name: string
  contact: string
}

/** Art. 34: a member of the public comments on which data should be opened (no login needed). */
export async function submitPublicComment(
  input: CommentInput & { clientKey: string },
): Promise<{ id: string }> {
  try {
    await commentLimiter().consume(input.clientKey || 'unknown')
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection
    const seconds = Math.ceil(
      ((rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000,
    )
    throw new DomainError('rate_limited', 'error.openData.tooManyComments', 429, undefined, {
      seconds,
    })
  }
  return recordComment(input)
}

/** Stores a comment and logs it; no rate limit (the demo seed's own sample comments). */
export async function recordComment(input: CommentInput): Promise<{ id: string }> {
  await connectDb()
  const created = await OpenDataComment.create({
    topic: input.topic,
    year: input.year,
    entryId: input.entryId ?? null,
    body: input.body,
    name: input.name,
    contact: input.contact,
    userId: input.user?.id ?? null,
  })
  const id = String(created._id)
  await appendLedger({
    action: 'open-data.comment-received',
    ...(input.user ? { actor: { userId: input.user.id, orgId: input.user.org?.id } } : {}),
    subjects: [`open-comment:${id}`, ...(input.entryId ? [`catalog-entry:${input.entryId}`] : [])],
    // Digested, never stored: it may hold a name and contact details.
    payload: {
      topic: input.topic,
      year: input.year,
      body: input.body,
      name: input.name,
      contact: input.contact,
    },
    summary: { topic: input.topic, year: input.year },
  })
  return { id }
}

/** Art. 34: the authority reads the public's comments, newest first, paged by `_id`. */
export async function listPublicComments(
  user: AuthUser,
  page: { before?: string; limit: number; year?: number },
): Promise<{ items: OpenDataCommentDoc[]; nextBefore: string | null }> {
  assertMay(user, 'manage:open-catalog:any')
  await connectDb()
  const filter = {
    ...(page.before
      ? { _id: mongoose.trusted({ $lt: new mongoose.Types.ObjectId(page.before) }) }
      : {}),
    ...(page.year ? { year: page.year } : {}),
  }
  const rows = (await OpenDataComment.find(filter)
    .sort({ _id: -1 })
    .limit(page.limit + 1)
    .lean()) as OpenDataCommentDoc[]
  const items = rows.slice(0, page.limit)
  return { items, nextBefore: rows.length > page.limit ? String(items.at(-1)!._id) : null }
}
