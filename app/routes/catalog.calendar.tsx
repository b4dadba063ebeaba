import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { CatalogNav, DateTime, Notice } from '~/components/catalog'
import { listCalendarYears, publishYearSchedule } from '~/services/calendar/working-days.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import { calendarYearSchema } from '~/services/catalog/schemas'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'
import { formFailure, readForm, type PostedValues, formNotice } from '~/utils/forms.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// The working-day calendar every deadline counts with; the authority publishes each year's
// holidays and adjusted workdays (調休). Shipped years are marked as sample data.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'manage:calendar:any')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    nav: catalogLinks(user, t),
    years: await listCalendarYears(),
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:calendar:any')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, calendarYearSchema, t.locale)
    values = form.values
    const input = form.parse()
    const result = await publishYearSchedule({
      year: input.year,
      text: input.schedule,
      note: input.note,
      user,
    })
    return formNotice(t('catalog.cal.published', result))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function CalendarPage() {
  const { t } = useTranslation()
  const { nav, years } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const nextYear = (years.at(-1)?.year ?? new Date().getFullYear()) + 1
  const value = (k: string, d: string) => {
    const posted = result?.values?.[k]
    return typeof posted === 'string' ? posted : d
  }
  return (
    <>
      <section className="card">
        <h1>{t('catalog.cal.title')}</h1>
        <CatalogNav links={nav} />
        <p className="muted">{t('catalog.cal.intro')}</p>
        <p className="muted">{t('catalog.cal.notMaintained')}</p>
        {result?.notice ? <Notice>{result.notice}</Notice> : null}
      </section>
      {years.map((y) => (
        <section className="card" key={y.year}>
          <h2>
            {y.year}{' '}
            {y.source === 'sample' ? (
              <span className="badge warn">{t('catalog.cal.sample')}</span>
            ) : (
              <span className="badge ok">{t('catalog.cal.authority')}</span>
            )}
          </h2>
          <p className="muted">
            <DateTime iso={y.updatedAt} /> {y.note}
          </p>
          <table>
            <tbody>
              {y.days.map((d) => (
                <tr key={d.date}>
                  <td className="mono">{d.date}</td>
                  <td>
                    {d.kind === 'off' ? (
                      <span className="badge">{t('catalog.cal.off')}</span>
                    ) : (
                      <span className="badge warn">{t('catalog.cal.work')}</span>
                    )}
                  </td>
                  <td>{d.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <section className="card">
        <h2>{t('catalog.cal.publish')}</h2>
        <p className="muted">{t('catalog.cal.publishHint')}</p>
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <label>
            {t('catalog.cal.year')}
            <input
              name="year"
              type="number"
              min={2000}
              max={2100}
              defaultValue={value('year', String(nextYear))}
              required
            />
          </label>
          <label>
            {t('catalog.cal.schedule')}
            <textarea
              name="schedule"
              rows={12}
              defaultValue={value('schedule', '')}
              className="mono"
              required
              aria-invalid={result?.fieldErrors?.schedule ? true : undefined}
            />
            {result?.fieldErrors?.schedule ? (
              <p className="field-error">{result.fieldErrors.schedule.join(' ')}</p>
            ) : null}
          </label>
          <label>
            {t('catalog.cal.note')}
            <input name="note" defaultValue={value('note', '')} />
          </label>
          <button type="submit" className="primary">
            {t('catalog.cal.publish')}
          </button>
        </Form>
      </section>
    </>
  )
}
