import { createCookie } from '@remix-run/node'
import { Session } from '#models/session'
import { getEnv } from '~/utils/env.server'
import { randomToken, sha256Hex } from './crypto.server'

const SESSION_DAYS = 7

let cookie: ReturnType<typeof createCookie> | undefined

// Signed, httpOnly, SameSite=Lax; the value is a random token whose hash is the session id.
export function sessionCookie() {
  cookie ??= createCookie('__session', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().COOKIE_SECURE
      ? getEnv().COOKIE_SECURE === 'true'
      : getEnv().NODE_ENV === 'production',
    secrets: [getEnv().SESSION_SECRET],
    maxAge: SESSION_DAYS * 24 * 3600,
  })
  return cookie
}

async function tokenFrom(request: Request): Promise<string | undefined> {
  const value: unknown = await sessionCookie().parse(request.headers.get('Cookie'))
  return typeof value === 'string' && value.length > 20 ? value : undefined
}

export async function sessionUserId(request: Request): Promise<string | undefined> {
  const token = await tokenFrom(request)
  if (!token) return undefined
  const session = await Session.findById(sha256Hex(token)).lean()
  if (!session || session.revokedAt || session.expiresAt < new Date()) return undefined
  return String(session.userId)
}

/**
 * Starts a new session and revokes the one the request carried, so a session id
 * planted before login is never promoted (fixation defence). Returns Set-Cookie.
 */
export async function rotateSession(request: Request, userId: string): Promise<string> {
  const token = randomToken()
  const id = sha256Hex(token)
  const now = new Date()
  await Session.create({
    _id: id,
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 24 * 3600 * 1000),
  })
  const previous = await tokenFrom(request)
  if (previous) {
    await Session.updateOne({ _id: sha256Hex(previous) }, { revokedAt: now, replacedBy: id })
  }
  return sessionCookie().serialize(token)
}

export async function endSession(request: Request): Promise<string> {
  const token = await tokenFrom(request)
  if (token) await Session.updateOne({ _id: sha256Hex(token) }, { revokedAt: new Date() })
  return sessionCookie().serialize('', { maxAge: 0 })
}
