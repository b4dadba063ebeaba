import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { safeRedirect } from '~/utils/forms.server'
import { getT, localeCookie } from '~/utils/i18n.server'
import { DomainError } from '~/utils/errors'
import { apiErrorResponse } from '~/utils/http.server'
import { parseForm } from '~/utils/validation.server'

const schema = z.strictObject({
  locale: z.enum(['zh', 'en']),
  redirectTo: z.string().max(500).optional(),
})

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  try {
    const input = await parseForm(request, schema, t.locale)
    return redirect(safeRedirect(input.redirectTo, '/'), {
      headers: { 'Set-Cookie': await localeCookie.serialize(input.locale) },
    })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return apiErrorResponse(error.status, error.code, t(error.messageKey))
  }
}
