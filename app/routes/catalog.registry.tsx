import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { FormError } from '~/components/form'
import { CatalogNav, DateTime, Notice, Pager, pick, useLang } from '~/components/catalog'
import { listAgencies } from '~/services/catalog/entries.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import { transferDataItemSchema } from '~/services/catalog/schemas'
import { listRegistry, transferDataItem } from '~/services/catalog/source-registry.server'
import catalogCss from '~/styles/catalog.css?url'
import { formFailure, formNotice } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

const codeCursor = z.strictObject({ after: z.string().max(40).optional() })

// Art. 14: every data item and its one legal source department; only the authority transfers one.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'manage:source-registry:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const after = codeCursor.safeParse({
      after: new URL(request.url).searchParams.get('after') ?? undefined,
    })
    const page = await listRegistry({
      after: after.success ? after.data.after : undefined,
      limit: 50,
    })
    return { nav: catalogLinks(user, t), agencies: await listAgencies(), ...page }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:source-registry:any')
  const t = await getT(request)
  try {
    const input = await parseForm(request, transferDataItemSchema, t.locale)
    await transferDataItem({ user, ...input })
    return formNotice(t('catalog.source.transferred'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function Registry() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter, agencies } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('catalog.registry')}</h1>
      <CatalogNav links={nav} />
      <p className="muted">{t('catalog.registryIntro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError} />
      {items.length === 0 ? (
        <p className="muted">{t('catalog.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('catalog.source.code')}</th>
              <th>{t('catalog.source.name')}</th>
              <th>{t('catalog.source.owner')}</th>
              <th>{t('catalog.source.claimedAt')}</th>
              <th>{t('catalog.source.transfer')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.code}>
                <td className="mono">{i.code}</td>
                <td>{pick(i.name, lang)}</td>
                <td>
                  {pick(i.orgName, lang)}
                  {i.transfers ? (
                    <span className="muted">
                      {' '}
                      ({t('catalog.source.transfers')}: {i.transfers})
                    </span>
                  ) : null}
                </td>
                <td>
                  <DateTime iso={i.claimedAt} />
                </td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="code" value={i.code} />
                    <select name="toOrgId" aria-label={t('catalog.source.to')} defaultValue="">
                      <option value="" disabled>
                        {t('catalog.source.to')}
                      </option>
                      {agencies
                        .filter((a) => a.id !== i.orgId)
                        .map((a) => (
                          <option key={a.id} value={a.id}>
                            {pick(a.name, lang)}
                          </option>
                        ))}
                    </select>
                    <input
                      name="reason"
                      placeholder={t('catalog.source.reason')}
                      aria-label={t('catalog.source.reason')}
                      required
                      minLength={4}
                    />
                    <button type="submit" className="secondary">
                      {t('catalog.source.transfer')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
