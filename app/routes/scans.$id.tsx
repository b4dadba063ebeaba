import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import {
  desensitizeOffer,
  desensitizeProgress,
  requestDesensitization,
} from '~/services/desensitize/profiles.server'
import type { Finding } from '~/services/desensitize/scanner.server'
import { getScanReportFor } from '~/services/desensitize/screening.server'
import { desensitizeFormSchema, FORM_METHODS } from '~/services/desensitize/schemas'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

const PAGE_SIZE = 50

// While a desensitization job or the output's scan is running the page reloads itself (no JavaScript needed).
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: '扫描报告 · Scan report' },
  ...(data && 'refresh' in data && data.refresh
    ? [{ httpEquiv: 'refresh', content: '3' } as const]
    : []),
]

// Art. 32: the provider applies a desensitization profile to the failed file; the job's output
// replaces it in the version and is scanned again. Redirects here with the job to follow.
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  const id = params.id ?? ''
  try {
    const form = await parseForm(request, desensitizeFormSchema, t.locale)
    const { jobId } = await requestDesensitization(user, id, form)
    return redirect(`/scans/${id}?job=${encodeURIComponent(jobId)}#desensitize`)
  } catch (error) {
    return formFailure(error, t)
  }
}

// A desensitization scan report (C9; Art. 32): every finding, where, and the suggested
// method; findings are paged, 50 rows a page.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:scan-report:own-org')
  const t = await getT(request)
  const report = await pageGuard(t, () => getScanReportFor(user, params.id ?? ''))
  const rows: {
    sheet: string
    column: string
    declared: boolean | null
    finding: Finding | null
  }[] = report.result.sheets.flatMap((sheet) =>
    sheet.columns.flatMap((c) =>
      (c.findings.length ? c.findings : [null]).map((finding) => ({
        sheet: sheet.name,
        column: c.name,
        declared: c.declaredPersonal,
        finding,
      })),
    ),
  )
  const pageParam = Number(new URL(request.url).searchParams.get('page') ?? '1')
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE))
  const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= pages ? pageParam : 1
  const { result } = report
  const jobId = new URL(request.url).searchParams.get('job') ?? undefined
  const [offer, progress] = await Promise.all([
    user.permissions.has('create:product:own-org') ? desensitizeOffer(user, report.id) : null,
    desensitizeProgress(user, report.id, jobId),
  ])
  // Reload while the job runs, or while a recent output still waits for its scan (not forever).
  const recent = (at: string) => Date.now() - Date.parse(at) < 10 * 60_000
  const running =
    (progress.job && (progress.job.state === 'waiting' || progress.job.state === 'active')) ||
    progress.runs.some((r) => r.scan === null && recent(r.createdAt))
  return {
    offer,
    progress,
    refresh: Boolean(running),
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
  const failure = useActionData<typeof action>()
  return (
    <>
      <section className="card">
        <h1>{t('scan.title')}</h1>
        <p className="muted">{t('scan.intro')}</p>
        <dl>
          <dt>{t('scan.status')}</dt>
          <dd>
            <strong className={r.status === 'passed' ? 'ok' : 'error'}>
              {t(`scan.${r.status}`)}
            </strong>
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
                  <td>
                    {row.declared === null
                      ? '-'
                      : t(row.declared ? 'scan.declaredPersonal' : 'scan.declaredNotPersonal')}
                  </td>
                  <td>{row.finding ? t(`scan.detectors.${row.finding.detector}`) : '-'}</td>
                  <td className="mono">{row.finding?.count ?? 0}</td>
                  <td className="mono">{row.finding?.samples.join(' ') ?? '-'}</td>
                  <td className="mono">{row.finding ? row.finding.confidence.toFixed(2) : '-'}</td>
                  <td>
                    {row.finding ? (
                      <strong className={row.finding.verdict === 'block' ? 'error' : ''}>
                        {t(`scan.${row.finding.verdict}`)}
                      </strong>
                    ) : (
                      t('scan.passed')
                    )}
                  </td>
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
                <strong className={k.passed ? 'ok' : 'error'}>
                  {t(k.passed ? 'scan.passed' : 'scan.failed')}
                </strong>{' '}
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
                        {o.count} × ({o.labels.join(', ')})
                        {o.classes > 1 ? ` — ${t('scan.classes', { n: o.classes })}` : ''}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ))}
        </section>
      ) : null}
      <DesensitizeSection offer={r.offer} progress={r.progress} failure={failure} lang={lang} />
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

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>

const INLINE = {
  display: 'inline-flex',
  alignItems: 'center',
  gap: '0.3rem',
  fontWeight: 400,
} as const

function FieldError({ errors }: { errors?: string[] }) {
  return errors?.length ? <span className="field-error">{errors.join(' ')}</span> : null
}

// Art. 32: choose a method per column and apply; then follow the job and the output's scan.
function DesensitizeSection({
  offer,
  progress,
  failure,
  lang,
}: {
  offer: LoaderData['offer']
  progress: LoaderData['progress']
  failure?: { formError?: string; fieldErrors?: Record<string, string[]> }
  lang: 'zh' | 'en'
}) {
  const { t } = useTranslation()
  if (!offer && !progress.job && progress.runs.length === 0) return null
  const errors = failure?.fieldErrors ?? {}
  return (
    <section className="card" id="desensitize">
      <h2>{t('scan.desensitize.title')}</h2>
      {progress.job ? (
        <p role="status" className={progress.job.state === 'failed' ? 'error' : 'notice'}>
          {t(`scan.desensitize.job.${progress.job.state}`)}
          {progress.job.reason ? ` — ${progress.job.reason}` : ''}
        </p>
      ) : null}
      {progress.runs.length ? (
        <table>
          <thead>
            <tr>
              <th>{t('scan.desensitize.profile')}</th>
              <th>{t('scan.scannedAt')}</th>
              <th>{t('scan.desensitize.rows')}</th>
              <th>{t('scan.desensitize.output')}</th>
              <th>{t('scan.desensitize.rescan')}</th>
              <th>{t('scan.desensitize.screening')}</th>
            </tr>
          </thead>
          <tbody>
            {progress.runs.map((run) => (
              <tr key={run.resultId}>
                <td className="mono">{run.profile}</td>
                <td className="nowrap">{formatDateTime(run.createdAt, lang)}</td>
                <td className="mono">
                  {run.rowsOut} / {run.rowsIn}
                </td>
                <td className="mono">{run.outputHash.slice(0, 16)}…</td>
                <td>
                  {run.scan ? (
                    <Link to={`/scans/${run.scan.reportId}`}>
                      <strong className={run.scan.status === 'passed' ? 'ok' : 'error'}>
                        {t(`scan.${run.scan.status}`)}
                      </strong>
                    </Link>
                  ) : (
                    t('scan.desensitize.job.scanning')
                  )}
                </td>
                <td>
                  {t(`scan.desensitize.status.${run.screening}`)}{' '}
                  <span className="muted mono">{run.subject}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {offer ? (
        <Form method="post" style={{ display: 'grid', gap: '0.9rem' }}>
          <p className="muted">{t('scan.desensitize.intro', { k: offer.minK })}</p>
          <FormError message={failure?.formError ?? errors._form?.join(' ')} />
          <label style={{ maxWidth: '32rem' }}>
            {t('scan.desensitize.target')}
            <select name="subject" defaultValue={offer.targets[0]!.subject}>
              {offer.targets.map((target) => (
                <option key={target.subject} value={target.subject}>
                  v{target.number} · {target.fileName ?? target.subject}
                </option>
              ))}
            </select>
            <FieldError errors={errors.subject} />
          </label>
          <label style={{ maxWidth: '32rem' }}>
            {t('scan.desensitize.name')}
            <input
              name="name"
              required
              maxLength={100}
              pattern="[\w.\-]+"
              defaultValue="desensitized-v1"
            />
            <FieldError errors={errors.name} />
          </label>
          {offer.sheet ? <input type="hidden" name="sheet" value={offer.sheet} /> : null}
          {offer.sheet ? (
            <p className="muted">{t('scan.desensitize.sheetNote', { sheet: offer.sheet })}</p>
          ) : null}
          {!offer.allColumns ? <p className="muted">{t('scan.desensitize.flaggedOnly')}</p> : null}
          <p className="muted">{t('scan.desensitize.paramsHint')}</p>
          <table>
            <thead>
              <tr>
                <th>{t('scan.column')}</th>
                <th>{t('scan.detector')}</th>
                <th>{t('scan.desensitize.method')}</th>
                <th>{t('scan.desensitize.params')}</th>
                <th>{t('scan.desensitize.qi')}</th>
              </tr>
            </thead>
            <tbody>
              {offer.columns.map((c) => {
                const spec = c.spec
                return (
                  <tr key={c.index}>
                    <td className="nowrap">
                      {c.name}
                      <input type="hidden" name={`col_${c.index}`} value={c.name} />
                    </td>
                    <td>
                      {c.findings.map((f) => (
                        <span
                          key={f.detector}
                          className={f.verdict === 'block' ? 'error' : 'muted'}
                        >
                          {t(`scan.detectors.${f.detector}`)}{' '}
                        </span>
                      ))}
                    </td>
                    <td>
                      <select
                        name={`m_${c.index}`}
                        defaultValue={spec.method}
                        aria-label={`${c.name}: ${t('scan.desensitize.method')}`}
                      >
                        {FORM_METHODS.map((m) => (
                          <option key={m} value={m}>
                            {t(`scan.desensitize.methods.${m}`)}
                          </option>
                        ))}
                      </select>
                      <FieldError errors={errors[`m_${c.index}`]} />
                    </td>
                    <td className="nowrap">
                      <label style={INLINE}>
                        {t('scan.desensitize.keepHead')}
                        <input
                          type="number"
                          name={`head_${c.index}`}
                          min={0}
                          max={64}
                          style={{ width: '4.5rem' }}
                          defaultValue={spec.method === 'mask' ? spec.keepHead : 0}
                        />
                      </label>{' '}
                      <label style={INLINE}>
                        {t('scan.desensitize.keepTail')}
                        <input
                          type="number"
                          name={`tail_${c.index}`}
                          min={0}
                          max={64}
                          style={{ width: '4.5rem' }}
                          defaultValue={spec.method === 'mask' ? spec.keepTail : 0}
                        />
                      </label>{' '}
                      <select
                        name={`to_${c.index}`}
                        defaultValue={spec.method === 'generalize' ? spec.to : 'year'}
                        aria-label={t('scan.desensitize.generalizeTo')}
                      >
                        {(
                          ['age-band', 'month', 'year', 'district', 'city', 'province'] as const
                        ).map((to) => (
                          <option key={to} value={to}>
                            {t(`scan.desensitize.to.${to}`)}
                          </option>
                        ))}
                      </select>{' '}
                      <select
                        name={`alg_${c.index}`}
                        defaultValue={spec.method === 'pseudonymize' ? spec.algorithm : 'hmac-sm3'}
                        aria-label={t('scan.desensitize.algorithm')}
                      >
                        <option value="hmac-sm3">HMAC-SM3</option>
                        <option value="hmac-sha256">HMAC-SHA-256</option>
                      </select>
                      <FieldError
                        errors={[
                          ...(errors[`head_${c.index}`] ?? []),
                          ...(errors[`tail_${c.index}`] ?? []),
                          ...(errors[`to_${c.index}`] ?? []),
                        ]}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        name="qi"
                        value={c.name}
                        aria-label={`${c.name}: ${t('scan.desensitize.qi')}`}
                      />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <FieldError errors={errors.qi} />
          <label style={INLINE}>
            <input type="checkbox" name="removeBelowK" />
            {t('scan.desensitize.removeBelowK', { k: offer.minK })}
          </label>
          <button type="submit" className="primary" style={{ justifySelf: 'start' }}>
            {t('scan.desensitize.apply')}
          </button>
        </Form>
      ) : null}
    </section>
  )
}
