import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import {
  FieldChecklist,
  LedgerReceipt,
  Notice,
  PeriodStateBadge,
  pick,
  ResearchNav,
  useLang,
} from '~/components/research'
import { researchLinks } from '~/services/research/pages.server'
import { usageReportFormSchema } from '~/services/research/schemas'
import { licenceReportsPage, submitUsageReport } from '~/services/research/usage-reports.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission, requireUser } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'

const READERS = [
  'submit:usage-report:own-org',
  'read:licence:any',
  'read:licence:own-org',
  'decide:research-request:own-org',
] as const

// Art. 46: one licence's usage reports, period by period (counted from the licence start); the
// licensee reports here, the licensor and the authority read.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const t = await getT(request)
  if (!READERS.some((p) => user.permissions.has(p)))
    throw new Response(t('error.forbidden'), { status: 403 })
  return pageGuard(t, async () => ({
    nav: researchLinks(user, t),
    ...(await licenceReportsPage(user, params.licenceId ?? '')),
  }))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'submit:usage-report:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, usageReportFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    await submitUsageReport(user, params.licenceId ?? '', input)
    return redirect(`/usage-reports/${params.licenceId}?submitted=${input.periodIndex}`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback)

export default function LicenceUsageReports() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, licence, rows, reports, canSubmit } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [search] = useSearchParams()
  const open = rows.filter((r) => r.state !== 'submitted' && r.state !== 'upcoming')
  const v = failure?.values ?? {}
  const fe = failure?.fieldErrors ?? {}
  const firstOpen = open[0]
  return (
    <>
      <section className="card">
        <h1>
          {t('research.usage.licenceTitle')}: {pick(licence.title, lang) || licence.id}
        </h1>
        <ResearchNav links={nav} />
        {search.has('submitted') ? <Notice>{t('research.usage.submitted')}</Notice> : null}
        <p>
          <Link to={`/licences/${licence.id}`}>{t('research.usage.licenceLink')}</Link>
        </p>
        <table className="details">
          <tbody>
            <tr>
              <th>{t('research.usage.licensee')}</th>
              <td>{pick(licence.licensee, lang)}</td>
            </tr>
            <tr>
              <th>{t('research.usage.licensor')}</th>
              <td>{pick(licence.licensor, lang)}</td>
            </tr>
            <tr>
              <th>{t('research.purpose')}</th>
              <td>
                {licence.purpose} · {licence.scenario}
                {licence.researchOnly ? (
                  <span className="badge"> {t('research.usage.researchOnly')}</span>
                ) : null}
              </td>
            </tr>
            <tr>
              <th>{t('research.period')}</th>
              <td>
                {formatDateTime(licence.start, lang)} — {formatDateTime(licence.end, lang)}
              </td>
            </tr>
            <tr>
              <th>{t('research.usage.every')}</th>
              <td>
                {t(`research.usage.periodKind.${licence.usageReport}`)}{' '}
                <span className="muted">{t('research.usage.dueRule')}</span>
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>{t('research.usage.periods')}</h2>
        {rows.length === 0 ? (
          <p className="muted">{t('research.usage.noPeriods')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('research.usage.period')}</th>
                <th>{t('research.usage.dueAt')}</th>
                <th>{t('research.statusLabel')}</th>
                <th>{t('research.usage.submittedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const report = reports.find((x) => x.index === r.index)
                return (
                  <tr key={r.index}>
                    <td className="nowrap mono">{r.label}</td>
                    <td className="nowrap">{formatDateTime(r.dueAt, lang)}</td>
                    <td>
                      <PeriodStateBadge state={r.state} late={r.late} />
                      {report ? <div className="muted report-text">{report.usage}</div> : null}
                    </td>
                    <td>
                      {r.submittedAt ? formatDateTime(r.submittedAt, lang) : '—'}
                      <LedgerReceipt seq={r.ledgerSeq} />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </section>

      {canSubmit && firstOpen ? (
        <section className="card">
          <h2>{t('research.usage.formTitle')}</h2>
          <Form method="post" className="stack">
            <FormError message={failure?.formError} />
            <label>
              {t('research.usage.period')}
              <select name="periodIndex" defaultValue={str(v.periodIndex, String(firstOpen.index))}>
                {open.map((r) => (
                  <option key={r.index} value={r.index}>
                    {r.label} · {t(`research.usage.state.${r.state}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('research.usage.usage')}
              <span className="hint">{t('research.usage.usageHint')}</span>
              <textarea
                name="usage"
                rows={4}
                required
                defaultValue={str(v.usage)}
                aria-invalid={fe.usage ? true : undefined}
              />
              {fe.usage ? <p className="field-error">{fe.usage.join(' ')}</p> : null}
            </label>
            <label>
              {t('research.usage.outputs')}
              <span className="hint">{t('research.usage.outputsHint')}</span>
              <textarea name="outputs" rows={2} defaultValue={str(v.outputs)} />
            </label>
            {licence.permittedFields.length ? (
              <div>
                <strong>{t('research.usage.fieldsUsed')}</strong>
                <FieldChecklist
                  name="fieldsUsed"
                  fields={licence.permittedFields.map((f) => ({
                    name: f,
                    label: { zh: f, en: f },
                  }))}
                  checked={[]}
                  errors={fe.fieldsUsed}
                />
              </div>
            ) : null}
            <label>
              {t('research.usage.incidents')}
              <span className="hint">{t('research.usage.incidentsHint')}</span>
              <textarea name="incidents" rows={2} defaultValue={str(v.incidents)} />
            </label>
            <button type="submit" className="primary">
              {t('research.usage.submit')}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  )
}
