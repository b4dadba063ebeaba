import type { LoaderFunctionArgs } from '@remix-run/node'
import { OrgHomePage } from '~/components/org-home-page'
import { ResearchHomeSection } from '~/components/research'
import { orgHome, userView } from '~/services/identity/home.server'
import { researchHomeData } from '~/services/research/pages.server'
import { requirePermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:research-request:own-org')
  return {
    user: userView(user),
    ...(await orgHome(user)),
    ...(await researchHomeData(request, user)),
  }
}

export default function ResearchHome() {
  return (
    <OrgHomePage section="research">
      <ResearchHomeSection />
    </OrgHomePage>
  )
}
