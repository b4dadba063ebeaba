import type { LoaderFunctionArgs } from '@remix-run/node'
import { sourceOf } from '~/services/catalog/source-registry.server'
import { DATA_ITEM_CODE } from '~/vocab/catalog'
import { DomainError } from '~/utils/errors'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// Art. 14: who is the legal source department of a data item.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request, 'read:catalog-entry:any')
    const code = params.code ?? ''
    if (!DATA_ITEM_CODE.test(code))
      throw new DomainError('invalid_input', 'error.catalog.dataItemCode', 400, {
        code: ['error.catalog.dataItemCode'],
      })
    const owner = await sourceOf(code)
    if (!owner) throw new DomainError('not_found', 'error.catalog.itemUnclaimed', 404)
    return owner
  })
}

export const action = methodNotAllowed
