import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CatalogNav, contentToFormValues, EntryForm } from '~/components/catalog'
import { entryFormAction, entryFormData } from '~/services/catalog/entry-form.server'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// Art. 10: an agency drafts a new entry of its catalog.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return pageGuard(t, () => entryFormData(user, t, undefined, request))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return entryFormAction(user, t, undefined, request)
}

export default function NewEntry() {
  const { t } = useTranslation()
  const data = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('catalog.newEntry')}</h1>
      <CatalogNav links={data.nav} />
      <EntryForm
        values={contentToFormValues(null, data.ownOrgId)}
        result={result}
        agencies={data.agencies}
        ladder={data.ladder}
        extraRows={data.extraRows}
        problems={[]}
      />
    </section>
  )
}
