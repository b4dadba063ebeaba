import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Paging, pick, SortHeader, useLang } from '~/components/common'
import { listLicences } from '~/services/licences/pages.server'
import { licenceListSchema } from '~/services/licences/schemas'
import { DELIVERY_MODES } from '~/vocab/products'
import { formatDateTime } from '~/utils/format'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export const meta: MetaFunction = () => [{ title: '许可与交付 · Licences' }]

// C8: my organization's licences, as licensee and as licensor; the authority and regulators see all.
// Numbered pages with the total, sortable by start and end, filtered by side and mode.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, ['read:licence:own-org', 'read:licence:any'])
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(licenceListSchema, queryObject(request), t.locale)
    return {
      any: user.permissions.has('read:licence:any'),
      query,
      ...(await listLicences(user, query)),
    }
  })
}

export default function Licences() {
  const { t } = useTranslation()
  const lang = useLang()
  const { any, query, licences, paging } = useLoaderData<typeof loader>()
  const csv = new URLSearchParams(
    Object.entries({
      sort: query.sort,
      dir: query.dir,
      side: query.side ?? '',
      mode: query.mode ?? '',
    }).filter(([, v]) => v),
  )
  return (
    <section className="card">
      <h1>{t('licences.title')}</h1>
      <p className="muted">{t(any ? 'licences.listIntroAny' : 'licences.listIntro')}</p>
      <Form method="get" className="filters">
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        {any ? null : (
          <label>
            {t('licences.ourSide')}{' '}
            <select name="side" defaultValue={query.side ?? ''}>
              <option value="">{t('licences.anySide')}</option>
              <option value="licensee">{t('licences.side.licensee')}</option>
              <option value="licensor">{t('licences.side.licensor')}</option>
            </select>
          </label>
        )}
        <label>
          {t('licences.modeLabel')}{' '}
          <select name="mode" defaultValue={query.mode ?? ''}>
            <option value="">{t('licences.anyMode')}</option>
            {DELIVERY_MODES.map((m) => (
              <option key={m} value={m}>
                {t(`licences.mode.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary">
          {t('licences.filter')}
        </button>
        <a href={`/licences.csv?${csv}`} download>
          {t('common.downloadCsv')}
        </a>
      </Form>
      {licences.length === 0 ? (
        <p className="muted">{t('licences.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('licences.subject')}</th>
              {any ? null : <th>{t('licences.ourSide')}</th>}
              <th>{t('licences.licensee')}</th>
              <th>{t('licences.licensor')}</th>
              <th>{t('licences.deliveriesTitle')}</th>
              <SortHeader paging={paging} column="start">
                {t('licences.from')}
              </SortHeader>
              <SortHeader paging={paging} column="end">
                {t('licences.until')}
              </SortHeader>
              <th>{t('licences.standingLabel')}</th>
            </tr>
          </thead>
          <tbody>
            {licences.map((l) => (
              <tr key={l.id}>
                <td>
                  <Link to={`/licences/${l.id}`}>{pick(l.subject, lang)}</Link>
                </td>
                {any ? null : <td>{t(`licences.side.${l.side}`)}</td>}
                <td>{pick(l.licensee, lang)}</td>
                <td>{pick(l.licensor, lang)}</td>
                <td>
                  {t(`licences.mode.${l.deliveryMode}`)} ·{' '}
                  {l.deliveries
                    ? t('licences.deliveredCount', { done: l.delivered, all: l.deliveries })
                    : t('licences.status.claimed')}
                </td>
                <td className="nowrap">{formatDateTime(l.start, lang)}</td>
                <td className="nowrap">{formatDateTime(l.end, lang)}</td>
                <td>
                  <span
                    className={`badge${l.standing === 'active' ? ' ok' : ' bad'}`}
                    style={{ whiteSpace: 'nowrap' }}
                  >
                    {t(`licences.standing.${l.standing}`)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Paging paging={paging} />
    </section>
  )
}
