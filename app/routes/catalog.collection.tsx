import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { CatalogNav, DateTime, Notice, Pager, pick, useLang } from '~/components/catalog'
import { catalogLinks } from '~/services/catalog/pages.server'
import { claimDataItemSchema } from '~/services/catalog/schemas'
import { claimDataItem, listCollection } from '~/services/catalog/source-registry.server'
import catalogCss from '~/styles/catalog.css?url'
import { formFailure, formNotice } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { z } from 'zod'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

const codeCursor = z.strictObject({ after: z.string().max(40).optional() })

// Art. 14: the agency's collection list (採集清單) — the data items it is the legal source of —
// and registering a new one (refused, naming the owner, when another department is its source).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const after = codeCursor.safeParse({
      after: new URL(request.url).searchParams.get('after') ?? undefined,
    })
    const page = await listCollection(user.org?.id ?? '', {
      after: after.success ? after.data.after : undefined,
      limit: 50,
    })
    return { nav: catalogLinks(user, t), ...page }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  try {
    const input = await parseForm(request, claimDataItemSchema, t.locale)
    await claimDataItem({ user, code: input.code, name: { zh: input.nameZh, en: input.nameEn } })
    return formNotice(t('catalog.source.claimed'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function CollectionList() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <section className="card">
        <h1>{t('catalog.collection')}</h1>
        <CatalogNav links={nav} />
        <p className="muted">{t('catalog.collectionIntro')}</p>
        {items.length === 0 ? (
          <p className="muted">{t('catalog.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('catalog.source.code')}</th>
                <th>{t('catalog.source.name')}</th>
                <th>{t('catalog.source.claimedAt')}</th>
                <th>{t('catalog.entry.fields')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.code}>
                  <td className="mono">{i.code}</td>
                  <td>{pick(i.name, lang)}</td>
                  <td>
                    <DateTime iso={i.claimedAt} />
                  </td>
                  <td>
                    {i.entryId ? (
                      <Link to={`/catalog/${i.entryId}`}>{t('catalog.view')}</Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager nextAfter={nextAfter} />
      </section>
      <section className="card">
        <h2>{t('catalog.source.claim')}</h2>
        {result?.notice ? <Notice>{result.notice}</Notice> : null}
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <label>
            {t('catalog.source.code')}
            <input
              name="code"
              required
              placeholder="DI-P-0003"
              pattern="[A-Z]{2}-[A-Z0-9]{1,6}-[0-9]{4,6}"
            />
            {result?.fieldErrors?.code ? (
              <p className="field-error">{result.fieldErrors.code.join(' ')}</p>
            ) : null}
          </label>
          <label>
            {t('catalog.form.fieldLabelZh')}
            <input name="nameZh" required maxLength={100} />
          </label>
          <label>
            {t('catalog.form.fieldLabelEn')}
            <input name="nameEn" maxLength={200} />
          </label>
          <button type="submit" className="primary">
            {t('catalog.source.claim')}
          </button>
        </Form>
      </section>
    </>
  )
}
