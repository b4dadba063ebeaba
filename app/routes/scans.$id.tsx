import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { Finding } from '~/services/desensitize/scanner.server'
import { getScanReportFor } from '~/services/desensitize/screening.server'
import { DomainError } from '~/utils/errors'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

const PAGE_SIZE = 50

export const meta: MetaFunction = () => [{ title: 'Scan report' }]

// A desensitization scan report (SPEC C9; Art. 32): every finding, where, and the suggested
// method; findings are paged, 50 rows a page.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:scan-report:own-org')
  const t = await getT(request)
  let report
  try {
    report = await getScanReportFor(user, params.id ?? '')
  } catch (error) {
    if (error instanceof DomainError) throw new Response(t(error.messageKey, error.params), { status: error.status })
    throw error
  }
  const rows: { sheet: string; column: string; declared: boolean | null; finding: Finding | null }[] = report.result.sheets.flatMap((sheet) =>
    sheet.columns.flatMap((c) =>
      (c.findings.length ? c.findings : [null]).map((finding) => ({ sheet: sheet.name, column: c.name, declared: c.declaredPersonal, finding })),
    ),
  )
  const pageParam = Number(new URL(request.url).searchParams.get('page') ?? '1')
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE))
  const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= pages ? pageParam : 1
  const { result } = report
  return {
    id: report.id,
    status: report.status,
    fileHash: report.fileHash,
    createdAt: report.createdAt,
    subjects: report.subjects,
    format: [result.format, result.encoding].filter(Boolean).join(', '),
    failure: result.failure,
    sheets: result.sheets.map((s) => ({ name: s.name, rows: s.rows, columns: s.columnCount })),
    kAnonymity: result.kAnonymity,
    schemaIssues: result.schemaIssues,
    rows: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    page,
    pages,
  }
}

export default function ScanReportPage() {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  const r = useLoaderData<typeof loader>()
  return (
    <>
      <section className="card">
        <h1>{t('scan.title')}</h1>
        <p className="muted">{t('scan.intro')}</p>
        <dl>
          <dt>{t('scan.status')}</dt>
          <dd>
            <strong className={r.status === 'passed' ? 'ok' : 'error'}>{t(`scan.${r.status}`)}</strong>
          </dd>
          <dt>{t('scan.file')}</dt>
          <dd className="mono">{r.fileHash}</dd>
          <dt>{t('scan.format')}</dt>
          <dd>{r.format || '-'}</dd>
          <dt>{t('scan.scannedAt')}</dt>
          <dd>{formatDateTime(r.createdAt, lang)}</dd>
          <dt>{t('scan.subjects')}</dt>
          <dd className="mono">{r.subjects.join(', ') || '-'}</dd>
        </dl>
        {r.failure ? (
          <p className="error" role="alert">
            {t('scan.failure')}: {r.failure.code} — {r.failure.message}
          </p>
        ) : null}
        <p>
          <a href={`/api/v1/scans/${r.id}`}>{t('scan.json')}</a>
        </p>
      </section>
      <section className="card">
        {r.sheets.map((s) => (
          <p key={s.name} className="muted">
            {t('scan.sheet', { name: s.name, rows: s.rows, columns: s.columns })}
          </p>
        ))}
        {r.rows.length === 0 ? (
          <p>{t('scan.noFindings')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('scan.column')}</th>
                <th>{t('scan.declared')}</th>
                <th>{t('scan.detector')}</th>
                <th>{t('scan.count')}</th>
                <th>{t('scan.samples')}</th>
                <th>{t('scan.confidence')}</th>
                <th>{t('scan.verdict')}</th>
                <th>{t('scan.method')}</th>
              </tr>
            </thead>
            <tbody>
              {r.rows.map((row, i) => (
                <tr key={i}>
                  <td>
                    {r.sheets.length > 1 ? `${row.sheet} / ` : ''}
                    {row.column}
                  </td>
                  <td>{row.declared === null ? '-' : t(row.declared ? 'scan.declaredPersonal' : 'scan.declaredNotPersonal')}</td>
                  <td>{row.finding ? t(`scan.detectors.${row.finding.detector}`) : '-'}</td>
                  <td className="mono">{row.finding?.count ?? 0}</td>
                  <td className="mono">{row.finding?.samples.join(' ') ?? '-'}</td>
                  <td className="mono">{row.finding ? row.finding.confidence.toFixed(2) : '-'}</td>
                  <td>{row.finding ? <strong className={row.finding.verdict === 'block' ? 'error' : ''}>{t(`scan.${row.finding.verdict}`)}</strong> : t('scan.passed')}</td>
                  <td>{row.finding ? t(`scan.methods.${row.finding.detector}`) : '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {r.pages > 1 ? (
          <nav aria-label="pages">
            {r.page > 1 ? <Link to={`?page=${r.page - 1}`}>←</Link> : null} {r.page} / {r.pages}{' '}
            {r.page < r.pages ? <Link to={`?page=${r.page + 1}`}>→</Link> : null}
          </nav>
        ) : null}
      </section>
      {r.kAnonymity.length ? (
        <section className="card">
          <h2>{t('scan.kTitle')}</h2>
          {r.kAnonymity.map((k) => (
            <div key={k.sheet}>
              <p>
                <strong className={k.passed ? 'ok' : 'error'}>{t(k.passed ? 'scan.passed' : 'scan.failed')}</strong>{' '}
                {t('scan.kLine', {
                  qi: k.quasiIdentifiers.join(', '),
                  smallest: k.smallestClass,
                  minK: k.minK,
                  below: k.recordsBelowK,
                  records: k.records,
                  share: `${(k.shareBelowK * 100).toFixed(1)}%`,
                })}
              </p>
              {k.overflow ? <p className="error">{k.overflow}</p> : null}
              {k.offending.length ? (
                <>
                  <p className="muted">{t('scan.offending')}</p>
                  <ul>
                    {k.offending.map((o, i) => (
                      <li key={i} className="mono">
                        {o.count} × ({o.labels.join(', ')}){o.classes > 1 ? ` — ${t('scan.classes', { n: o.classes })}` : ''}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ))}
        </section>
      ) : null}
      {r.schemaIssues.length ? (
        <section className="card">
          <h2>{t('scan.schemaIssues')}</h2>
          <ul>
            {r.schemaIssues.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  )
}
