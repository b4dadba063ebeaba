// C12 (Art. 48–52): the supervision reports — list, generation progress, and the authority's
// (re)generation request (a job; its progress shows here).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Paging, SortHeader, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { generateReportSchema, reportListQuerySchema } from '~/services/supervision/report-schemas'
import {
  generationProgress,
  listSupervisionReports,
  requestSupervisionReport,
} from '~/services/supervision/reports.server'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm, validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:supervision-report:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(reportListQuerySchema, queryObject(request), t.locale)
    const scope = query.org ? `org:${query.org}` : 'all'
    const [reports, jobs] = await Promise.all([
      listSupervisionReports({ ...query, scope }),
      generationProgress(),
    ])
    return {
      ...reports,
      jobs,
      scope,
      canGenerate: user.permissions.has('generate:supervision-report:any'),
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'generate:supervision-report:any')
  const t = await getT(request)
  try {
    const form = await parseForm(request, generateReportSchema, t.locale)
    const { jobId } = await requestSupervisionReport(user, {
      period: form.period,
      scope: form.scope ? `org:${form.scope}` : 'all',
    })
    return redirect(`/supervision/reports?queued=${encodeURIComponent(jobId)}`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function SupervisionReports() {
  const { t } = useTranslation()
  const lang = useLang()
  const { reports, paging, jobs, scope, canGenerate } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [params] = useSearchParams()
  const queued = params.get('queued')
  return (
    <>
      <section className="card">
        <h1>{t('supervision.title')}</h1>
        <p className="muted">{t('supervision.intro')}</p>
        <nav className="subnav">
          <Link to="/supervision/reports">{t('supervision.scopeAll')}</Link>{' '}
          <Link
            to={`?${new URLSearchParams({ ...(scope !== 'all' && { org: scope.slice(4) }), kind: 'monthly' })}`}
          >
            {t('supervision.kind.monthly')}
          </Link>{' '}
          <Link
            to={`?${new URLSearchParams({ ...(scope !== 'all' && { org: scope.slice(4) }), kind: 'yearly' })}`}
          >
            {t('supervision.kind.yearly')}
          </Link>
        </nav>
        <h2>
          {t('supervision.list')}
          {scope !== 'all' ? ` · ${scope}` : ''}
        </h2>
        {reports.length === 0 ? (
          <p className="muted">{t('supervision.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <SortHeader paging={paging} column="period">
                  {t('supervision.period')}
                </SortHeader>
                <th>{t('supervision.scope')}</th>
                <SortHeader paging={paging} column="generated">
                  {t('supervision.generatedAt')}
                </SortHeader>
                <th>{t('supervision.contentHash')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr key={r.id}>
                  <td>
                    {t(`supervision.kind.${r.kind}`)} {r.period}
                  </td>
                  <td className="mono">
                    {r.scope === 'all' ? t('supervision.scopeAll') : r.scope}
                  </td>
                  <td className="nowrap">{formatDateTime(r.generatedAt, lang)}</td>
                  <td className="mono">{r.contentHash.slice(0, 16)}…</td>
                  <td>
                    <Link to={`/supervision/reports/${r.id}`}>{t('supervision.open')}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Paging paging={paging} />
      </section>
      <section className="card">
        <h2>{t('supervision.progress')}</h2>
        {queued ? (
          <p className="notice" role="status">
            {t('supervision.queued', { jobId: queued })}
          </p>
        ) : null}
        {jobs.length === 0 ? (
          <p className="muted">{t('supervision.noJobs')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('supervision.job')}</th>
                <th>{t('supervision.period')}</th>
                <th>{t('supervision.progress')}</th>
                <th>{t('supervision.report')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <td className="mono">{j.id}</td>
                  <td>{j.period}</td>
                  <td>
                    <progress max={100} value={j.progress} aria-label={t('supervision.progress')} />{' '}
                    {j.progress}% · {t(`supervision.state.${j.state}`, { defaultValue: j.state })}
                  </td>
                  <td>
                    {j.reportId ? (
                      <Link to={`/supervision/reports/${j.reportId}`}>{t('supervision.open')}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>
          <Link to=".">{t('supervision.refresh')}</Link>
        </p>
      </section>
      {canGenerate ? (
        <section className="card">
          <h2>{t('supervision.generate')}</h2>
          <p className="muted">{t('supervision.generateHint')}</p>
          <FormError message={failure?.formError} />
          <Form method="post" className="filters">
            <label>
              {t('supervision.period')}{' '}
              <input name="period" required placeholder="2026-10" pattern="\d{4}(-\d{2})?" />
            </label>
            {failure?.fieldErrors?.period ? (
              <span className="field-error">{failure.fieldErrors.period.join(' ')}</span>
            ) : null}
            <label>
              {t('supervision.scope')}{' '}
              <input name="scope" placeholder={t('supervision.scopeAll')} />
            </label>
            {failure?.fieldErrors?.scope ? (
              <span className="field-error">{failure.fieldErrors.scope.join(' ')}</span>
            ) : null}
            <button type="submit" className="primary">
              {t('supervision.generateSubmit')}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  )
}
