import { apiErrorResponse } from '~/utils/http.server'

// Unknown API paths answer in the API's error shape, not with an HTML page.
function notFound() {
  return apiErrorResponse(404, 'not_found', 'No such API endpoint')
}

export const loader = notFound
export const action = notFound
