import { openApiDocument } from '~/services/api/contract'
import { methodNotAllowed } from '~/utils/http.server'

export async function loader() {
  return Response.json(openApiDocument())
}

export const action = methodNotAllowed
