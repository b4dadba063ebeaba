import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { endSession } from '~/services/identity/session.server'
import { isCrossSiteWrite } from '~/utils/permissions.server'

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  if (isCrossSiteWrite(request)) throw new Response('Forbidden', { status: 403 })
  return redirect('/', { headers: { 'Set-Cookie': await endSession(request) } })
}
