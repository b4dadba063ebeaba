import type { LoaderFunctionArgs } from '@remix-run/node'
import {
  SEALED_KINDS,
  sealedIssuedDocument,
  type SealedKind,
} from '~/services/seals/documents.server'
import { DomainError } from '~/utils/errors'
import { attachmentHeaders, downloadRefusal, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireUser } from '~/utils/permissions.server'

// GET /seals/:kind/:id — a licence, a sharing approval, a research decision or a supervision report
// as issued, with the exchange's electronic seal (Art. 29–30), for its parties, the data authority
// and the regulator (others: 404). Checked offline with `npm run seal:verify -- FILE`.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const t = await getT(request)
  try {
    const kind = params.kind ?? ''
    if (!(SEALED_KINDS as readonly string[]).includes(kind))
      throw new DomainError('not_found', 'error.notFound', 404)
    const id = (params.id ?? '').slice(0, 200)
    const sealed = await sealedIssuedDocument(user, kind as SealedKind, id)
    const body = Buffer.from(JSON.stringify(sealed, null, 2) + '\n', 'utf8')
    return new Response(body, {
      headers: {
        ...attachmentHeaders({
          fileName: `${kind}-${id.slice(0, 40)}.sealed.json`,
          mediaType: 'application/json; charset=utf-8',
          size: body.length,
        }),
        'Cache-Control': 'private, no-store',
      },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
