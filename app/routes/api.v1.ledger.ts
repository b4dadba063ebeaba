import type { LoaderFunctionArgs } from '@remix-run/node'
import { ledgerQuery } from '~/services/api/contract'
import { listLedger } from '~/services/ledger/ledger.server'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request, 'read:ledger:any')
    const q = validate(ledgerQuery, queryObject(request), t.locale)
    const page = await listLedger({
      limit: q.limit,
      ...(q.before ? { beforeSeq: q.before } : {}),
      ...(q.orgId ? { orgId: q.orgId } : {}),
      ...(q.subject ? { subject: q.subject } : {}),
      ...(q.action ? { action: q.action } : {}),
    })
    return {
      entries: page.entries.map((e) => ({
        seq: e._id,
        at: e.at.toISOString(),
        alg: e.alg,
        action: e.action,
        actorUserId: e.actorUserId ?? null,
        actorOrgId: e.actorOrgId ?? null,
        subjects: e.subjects,
        payloadDigest: e.payloadDigest,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
      nextBefore: page.nextBeforeSeq,
    }
  })
}

export const action = methodNotAllowed
