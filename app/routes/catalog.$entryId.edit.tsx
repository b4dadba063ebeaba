import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
  CatalogNav,
  contentToFormValues,
  EntryForm,
  Notice,
  StatusBadge,
} from '~/components/catalog'
import { entryFormAction, entryFormData } from '~/services/catalog/entry-form.server'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// Art. 10–11: the owning agency edits its working copy (a draft, a returned entry, or the next
// revision of an approved one) and submits it; the problems that block a submission are listed.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return pageGuard(t, () => entryFormData(user, t, params.entryId ?? '', request))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return entryFormAction(user, t, params.entryId ?? '', request)
}

export default function EditEntry() {
  const { t } = useTranslation()
  const data = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const entry = data.entry!
  return (
    <section className="card">
      <h1>
        {t('catalog.editEntry')} <StatusBadge status={entry.status} />
      </h1>
      <CatalogNav links={data.nav} />
      <p className="mono muted">
        <Link to={`/catalog/${entry.id}`}>{entry.code}</Link>
      </p>
      {data.saved && !result ? <Notice>{t('catalog.form.saved')}</Notice> : null}
      {entry.returnReasons.length ? (
        <div className="notice warn" role="status">
          <strong>{t('catalog.entry.returnReasons')}</strong>
          <ul>
            {entry.returnReasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {data.reviewPending ? (
        <p className="notice warn" role="status">
          <Link to={`/catalog/${entry.id}#confidentiality`}>{t('confidentiality.goReview')}</Link>
        </p>
      ) : null}
      <EntryForm
        values={contentToFormValues(entry.content, data.ownOrgId)}
        result={result}
        agencies={data.agencies}
        ladder={data.ladder}
        extraRows={data.extraRows}
        problems={result ? [] : data.problems}
      />
    </section>
  )
}
