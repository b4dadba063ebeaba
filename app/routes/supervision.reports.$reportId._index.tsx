// C12 (Art. 48–52): one supervision report — charts, every figure with its evidence entries,
// downloads, and for a yearly evaluation the ranking the authority notifies (通報, Art. 48).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { GroupedBarChart } from '~/components/supervision-charts'
import { reportParamsSchema } from '~/services/supervision/report-schemas'
import {
  getSupervisionReport,
  notifySupervisionRanking,
  rankingNotified,
} from '~/services/supervision/reports.server'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:supervision-report:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { reportId } = validate(reportParamsSchema, { reportId: params.reportId }, t.locale)
    const report = await getSupervisionReport(reportId)
    const notifiedSeq = report.content.kind === 'yearly' ? await rankingNotified(reportId) : null
    return {
      report,
      notifiedSeq,
      canNotify: user.permissions.has('generate:supervision-report:any'),
    }
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'generate:supervision-report:any')
  const t = await getT(request)
  try {
    const { reportId } = validate(reportParamsSchema, { reportId: params.reportId }, t.locale)
    const { seq, notified } = await notifySupervisionRanking(user, reportId)
    return redirect(`/supervision/reports/${reportId}?notified=${notified}&seq=${seq}`)
  } catch (error) {
    return formFailure(error, t)
  }
}

// The figure groups the page shows, in the order of Art. 11, 23, 26, 16, 33, 38, 46, 51, 52.
const GROUPS = [
  [
    'catalogEntries',
    'catalogPublished',
    'catalogApproved',
    'deadlinesDue',
    'deadlinesMet',
    'deadlinesMissed',
  ],
  ['sharingRequests', 'sharingRepliedInTime', 'sharingRepliedLate', 'sharingUnanswered'],
  ['researchRequests', 'researchRepliedInTime', 'researchUnanswered'],
  ['dataUpdates', 'staleFlags', 'openFilesPublished', 'openBytesPublished', 'openFilesTotal'],
  ['ordersCreated', 'ordersPaid', 'revenueFen', 'refunds', 'refundedFen'],
  ['usageReportsSubmitted', 'usageReportsOverdue'],
  ['disputesOpened', 'disputesResolved', 'rectificationsIssued'],
  [
    'violationsCatalog',
    'violationsUnanswered',
    'violationsLeak',
    'violationsTamper',
    'violationsRectificationOverdue',
    'violations',
  ],
] as const
const NO_DATA_GROUP: Record<number, string> = {
  1: 'sharing',
  2: 'research',
  4: 'transactions',
  5: 'usageReports',
}

type View = ReturnType<typeof useLoaderData<typeof loader>>['report']
type FigureMap = View['content']['totals']

function FigureTable({ figures, noData }: { figures: FigureMap; noData: string[] }) {
  const { t } = useTranslation()
  return (
    <table>
      <thead>
        <tr>
          <th>{t('supervision.figure')}</th>
          <th>{t('supervision.value')}</th>
          <th>{t('supervision.evidence')}</th>
        </tr>
      </thead>
      <tbody>
        {GROUPS.flatMap((keys, g) =>
          keys.map((key) => {
            const f = figures[key]
            const empty = NO_DATA_GROUP[g] !== undefined && noData.includes(NO_DATA_GROUP[g]!)
            return (
              <tr key={key}>
                <td>{t(`supervision.figures.${key}`)}</td>
                <td className="mono">
                  {empty ? t('supervision.noData') : f.value.toLocaleString('en-US')}
                </td>
                <td className="mono subjects">
                  {f.evidence.slice(0, 20).map((seq) => (
                    <span key={seq}>
                      <Link to={`/regulator/log/${seq}`}>{seq}</Link>{' '}
                    </span>
                  ))}
                  {f.evidenceCount > 20 ? t('supervision.more', { count: f.evidenceCount }) : null}
                </td>
              </tr>
            )
          }),
        )}
      </tbody>
    </table>
  )
}

export default function SupervisionReportPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { report, notifiedSeq, canNotify } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [params] = useSearchParams()
  const { content } = report
  const name = (orgId: string) => report.orgNames[orgId]?.[lang] ?? orgId
  const agencies = content.orgs.filter((o) => o.agency)
  const sellers = content.orgs.filter(
    (o) => o.figures.revenueFen.value > 0 || o.figures.refundedFen.value > 0,
  )
  const violators = content.orgs.filter((o) => o.figures.violations.value > 0)
  return (
    <>
      <section className="card">
        <p>
          <Link to="/supervision/reports">← {t('supervision.back')}</Link>
        </p>
        <h1>
          {t('supervision.reportTitle', {
            kind: t(`supervision.kind.${content.kind}`),
            period: content.period,
          })}
        </h1>
        <dl>
          <dt>{t('supervision.scope')}</dt>
          <dd>
            {content.scope === 'all' ? t('supervision.scopeAll') : name(content.scope.slice(4))}
          </dd>
          <dt>{t('supervision.generatedAt')}</dt>
          <dd>
            {formatDateTime(report.generatedAt, lang)} ·{' '}
            {report.generatedBy === 'scheduler' ? t('supervision.scheduler') : report.generatedBy}
          </dd>
          <dt>{t('supervision.contentHash')}</dt>
          <dd className="mono" data-testid="content-hash">
            {report.contentHash}
          </dd>
          <dd className="muted">{t('supervision.throughSeq', { seq: content.throughSeq })}</dd>
        </dl>
        <p>
          <a href={`/supervision/reports/${report.id}/csv`} download>
            {t('supervision.downloadCsv')}
          </a>
          {' · '}
          <a href={`/supervision/reports/${report.id}/pdf`} download>
            {t('supervision.downloadPdf')}
          </a>
          {' · '}
          <a href={`/seals/supervision-report/${report.id}`} download>
            {t('supervision.sealDownload')}
          </a>
        </p>
        {content.noData.length ? (
          <p className="notice">
            {t('supervision.noDataNote', {
              groups: content.noData
                .map((g) => t(`supervision.groups.${g}`))
                .join(lang === 'zh' ? '、' : ', '),
            })}
          </p>
        ) : null}
      </section>
      <section className="card">
        <h2>{t('supervision.charts')}</h2>
        {agencies.length ? (
          <GroupedBarChart
            title={t('supervision.chartCatalog')}
            series={[
              { name: t('supervision.figures.catalogEntries'), color: '#9fb7d9' },
              { name: t('supervision.figures.catalogPublished'), color: '#1f5fa8' },
            ]}
            rows={agencies.map((o) => ({
              label: name(o.orgId),
              values: [o.figures.catalogEntries.value, o.figures.catalogPublished.value],
            }))}
          />
        ) : null}
        {violators.length ? (
          <GroupedBarChart
            title={t('supervision.chartViolations')}
            series={[
              { name: t('supervision.figures.violationsCatalog'), color: '#d98c3a' },
              { name: t('supervision.figures.violationsUnanswered'), color: '#8c6bb1' },
              { name: t('supervision.figures.violationsLeak'), color: '#b03a2e' },
              {
                name: t('supervision.figures.violationsRectificationOverdue'),
                color: '#5d6d7e',
              },
            ]}
            rows={violators.map((o) => ({
              label: name(o.orgId),
              values: [
                o.figures.violationsCatalog.value,
                o.figures.violationsUnanswered.value,
                o.figures.violationsLeak.value,
                o.figures.violationsRectificationOverdue.value,
              ],
            }))}
          />
        ) : null}
        {sellers.length ? (
          <GroupedBarChart
            title={t('supervision.chartRevenue')}
            series={[
              { name: t('supervision.figures.revenueFen'), color: '#2e8b57' },
              { name: t('supervision.figures.refundedFen'), color: '#c0392b' },
            ]}
            rows={sellers.map((o) => ({
              label: name(o.orgId),
              values: [o.figures.revenueFen.value / 100, o.figures.refundedFen.value / 100],
            }))}
          />
        ) : null}
      </section>
      {content.ranking.length ? (
        <section className="card">
          <h2>{t('supervision.ranking')}</h2>
          <p className="muted">{t('supervision.scoreRule')}</p>
          <table>
            <thead>
              <tr>
                <th>{t('supervision.rank')}</th>
                <th>{t('supervision.org')}</th>
                <th>{t('supervision.score')}</th>
                <th>{t('supervision.parts')}</th>
              </tr>
            </thead>
            <tbody>
              {content.ranking.map((r) => (
                <tr key={r.orgId}>
                  <td>{r.rank}</td>
                  <td>{name(r.orgId)}</td>
                  <td className="mono">{r.score ?? '—'}</td>
                  <td className="mono subjects">
                    {Object.entries(r.parts)
                      .map(
                        ([k, v]) =>
                          `${t(`supervision.partNames.${k}`)} ${k === 'violations' ? v : `${Math.round(v * 1000) / 10}%`}`,
                      )
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {params.get('notified') ? (
            <p className="notice" role="status">
              {t('supervision.notifiedNow', {
                count: params.get('notified'),
                seq: params.get('seq'),
              })}
            </p>
          ) : notifiedSeq ? (
            <p className="notice" role="status">
              {t('supervision.notified', { seq: notifiedSeq })}
            </p>
          ) : null}
          {canNotify && !notifiedSeq ? (
            <Form method="post">
              <p className="muted">{t('supervision.notifyHint')}</p>
              <FormError message={failure?.formError} />
              <button type="submit" className="primary">
                {t('supervision.notify')}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      <section className="card">
        <h2>{t('supervision.totals')}</h2>
        <FigureTable figures={content.totals} noData={content.noData} />
      </section>
      <section className="card">
        <h2>{t('supervision.perOrg')}</h2>
        {content.orgs.map((o) => (
          <details key={o.orgId} id={`org-${o.orgId}`}>
            <summary>
              {name(o.orgId)}
              {o.agency ? ` (${t('supervision.agency')})` : ''} —{' '}
              {t('supervision.figures.violations')}: {o.figures.violations.value}
            </summary>
            {content.scope === 'all' && o.agency ? (
              <p>
                <Link to={`/supervision/reports?org=${o.orgId}`}>
                  {t('supervision.orgReports')} →
                </Link>
              </p>
            ) : null}
            <FigureTable figures={o.figures} noData={content.noData} />
          </details>
        ))}
      </section>
    </>
  )
}
