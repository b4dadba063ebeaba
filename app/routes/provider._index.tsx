import type { LoaderFunctionArgs } from '@remix-run/node'
import { OrgHomePage } from '~/components/org-home-page'
import { OrdersHomeCard } from '~/components/orders'
import { ResearchHomeSection } from '~/components/research'
import { orgHome, userView } from '~/services/identity/home.server'
import { researchHomeData } from '~/services/research/pages.server'
import { requirePermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  return {
    user: userView(user),
    ...(await orgHome(user)),
    ...(await researchHomeData(request, user, { overdue: true })),
  }
}

export default function ProviderHome() {
  return (
    <OrgHomePage section="provider">
      <OrdersHomeCard section="provider" />
      <ResearchHomeSection />
    </OrgHomePage>
  )
}
