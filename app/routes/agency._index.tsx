import type { LoaderFunctionArgs } from '@remix-run/node'
import { OrgHomePage } from '~/components/org-home-page'
import { orgHome, userView } from '~/services/identity/home.server'
import { requirePermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  return { user: userView(user), ...(await orgHome(user)) }
}

export default function AgencyHome() {
  return <OrgHomePage section="agency" />
}
