import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { CatalogNav, DateTime, Notice, Pager, pick, useLang } from '~/components/catalog'
import { catalogLinks, cursorOf } from '~/services/catalog/pages.server'
import { listQualityIssues, resolveQualityIssue } from '~/services/catalog/quality.server'
import { resolveQualityIssueSchema } from '~/services/catalog/schemas'
import { QUALITY_OUTCOMES } from '~/vocab/catalog'
import catalogCss from '~/styles/catalog.css?url'
import { formFailure, formNotice } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// Art. 17: quality issues — those the user's department must resolve (as the source) and those
// its own staff raised. Issues are raised on the entry page.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'raise:quality-issue:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const cursor = cursorOf(request, t)
    const orgId = user.org?.id ?? ''
    const canResolve = user.permissions.has('resolve:quality-issue:own-org')
    const [toResolve, raised] = await Promise.all([
      canResolve
        ? listQualityIssues({ orgId }, cursor)
        : Promise.resolve({ items: [], nextAfter: null, orgNames: {} }),
      listQualityIssues({ raisedByOrgId: orgId }, { limit: 50 }),
    ])
    return {
      nav: catalogLinks(user, t),
      canResolve,
      toResolve,
      raised,
      orgNames: { ...toResolve.orgNames, ...raised.orgNames },
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'resolve:quality-issue:own-org')
  const t = await getT(request)
  try {
    const input = await parseForm(request, resolveQualityIssueSchema, t.locale)
    await resolveQualityIssue({ user, ...input })
    return formNotice(t('catalog.quality.resolved'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function QualityIssues() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, canResolve, toResolve, raised, orgNames } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <section className="card">
        <h1>{t('catalog.qualityTitle')}</h1>
        <CatalogNav links={nav} />
        <p className="muted">{t('catalog.qualityIntro')}</p>
        {result?.notice ? <Notice>{result.notice}</Notice> : null}
        <FormError message={result?.formError} />
      </section>
      {canResolve ? (
        <section className="card">
          <h2>{t('catalog.quality.toResolve')}</h2>
          {toResolve.items.length === 0 ? (
            <p className="muted">{t('catalog.none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('catalog.quality.raisedAt')}</th>
                  <th>{t('catalog.quality.entry')}</th>
                  <th>{t('common.type')}</th>
                  <th>{t('catalog.quality.description')}</th>
                  <th>{t('catalog.quality.resolution')}</th>
                </tr>
              </thead>
              <tbody>
                {toResolve.items.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <DateTime iso={i.raisedAt} />
                      <div className="muted">{pick(orgNames[i.raisedByOrgId ?? ''], lang)}</div>
                    </td>
                    <td>
                      <Link to={`/catalog/${i.entryId}`}>{t('catalog.view')}</Link>{' '}
                      <span className="mono">{i.fieldName}</span>
                    </td>
                    <td>{t(`catalog.quality.kind.${i.kind}`)}</td>
                    <td>{i.description}</td>
                    <td>
                      {i.resolution ? (
                        <>
                          <span className="badge ok">
                            {t(`catalog.quality.outcome.${i.resolution.outcome}`)}
                          </span>{' '}
                          {i.resolution.note}
                        </>
                      ) : (
                        <Form method="post" className="stack">
                          <input type="hidden" name="issueId" value={i.id} />
                          <select name="outcome" aria-label={t('catalog.quality.resolution')}>
                            {QUALITY_OUTCOMES.map((o) => (
                              <option key={o} value={o}>
                                {t(`catalog.quality.outcome.${o}`)}
                              </option>
                            ))}
                          </select>
                          <input
                            name="note"
                            placeholder={t('catalog.quality.note')}
                            aria-label={t('catalog.quality.note')}
                            required
                            minLength={2}
                          />
                          <button type="submit" className="secondary">
                            {t('catalog.quality.resolve')}
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager nextAfter={toResolve.nextAfter} />
        </section>
      ) : null}
      <section className="card">
        <h2>{t('catalog.quality.raisedByUs')}</h2>
        {raised.items.length === 0 ? (
          <p className="muted">{t('catalog.none')}</p>
        ) : (
          <table>
            <tbody>
              {raised.items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <DateTime iso={i.raisedAt} />
                  </td>
                  <td>
                    <Link to={`/catalog/${i.entryId}`}>{t('catalog.view')}</Link>
                  </td>
                  <td>{t(`catalog.quality.kind.${i.kind}`)}</td>
                  <td>{i.description}</td>
                  <td>
                    {i.resolution
                      ? t(`catalog.quality.outcome.${i.resolution.outcome}`)
                      : t('catalog.quality.open')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
