import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { gradeLabel, pick, useLang } from '~/components/catalog'
import { facetValueLabel, formatBytes, OpenNav } from '~/components/open-data'
import { openEntryPage } from '~/services/open-data/portal.server'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { PREVIEW_ROWS } from '~/services/open-data/files.server'
import openCss from '~/styles/open-data.css?url'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

// Art. 32–33, public: an open entry's catalog record (Art. 10 fields), a preview of the first rows
// of its data and the downloads; a conditionally open entry shows its conditions and how to apply.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return pageGuard(t, async () => {
    const viewer = await optionalViewer(request)
    return { ...(await openEntryPage(params.id ?? '', viewer)), previewRows: PREVIEW_ROWS }
  })
}

export default function OpenEntry() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entry, distributions, canDownload, signedIn, isOwner, application, previewRows } =
    useLoaderData<typeof loader>()
  const conditional = entry.openAttribute === 'open_conditional'
  const row = (label: string, value: React.ReactNode) => (
    <>
      <dt>{label}</dt>
      <dd>{value || '—'}</dd>
    </>
  )
  return (
    <>
      <section className="card">
        <OpenNav />
        <h1>{pick(entry.title, lang)}</h1>
        {lang === 'zh' && entry.title.en ? (
          <p className="muted" lang="en">
            {entry.title.en}
          </p>
        ) : null}
        <p>{pick(entry.description, lang)}</p>
        <p className="badges">
          <span className={`badge ${conditional ? 'warn' : 'ok'}`}>
            {t(`catalog.openAttribute.${entry.openAttribute}`)}
          </span>
          {entry.tags.map((tag) => (
            <Link key={tag} className="badge" to={`/open?tags=${encodeURIComponent(tag)}`}>
              {tag}
            </Link>
          ))}
        </p>
        {isOwner ? (
          <p>
            <Link to={`/open/entries/${entry.id}/manage`}>{t('openData.entry.manage')}</Link>
          </p>
        ) : null}
      </section>

      {conditional ? (
        <section className="card conditions" aria-labelledby="conditions">
          <h2 id="conditions">{t('openData.conditional.title')}</h2>
          <p>{t('openData.conditional.intro')}</p>
          <blockquote>{entry.openConditions || '—'}</blockquote>
          <p>{t('openData.conditional.how')}</p>
          {application ? (
            <p role="status">
              {application.status === 'pending'
                ? t('openData.conditional.pending')
                : application.status === 'approved'
                  ? t('openData.conditional.approved')
                  : t('openData.conditional.refused', { reason: application.reason })}
            </p>
          ) : isOwner ? null : signedIn ? (
            <Link className="button" to={`/open/entries/${entry.id}/apply`}>
              {t('openData.conditional.apply')}
            </Link>
          ) : (
            <Link
              className="button"
              to={`/login?redirectTo=${encodeURIComponent(`/open/entries/${entry.id}/apply`)}`}
            >
              {t('openData.conditional.signIn')}
            </Link>
          )}
        </section>
      ) : null}

      <section className="card">
        <h2>{t('openData.entry.distributions')}</h2>
        {distributions.length === 0 ? (
          <p className="muted">{t('openData.entry.noDistributions')}</p>
        ) : null}
        {distributions.map((d) => (
          <div key={d.key} className="distribution">
            <h3>
              {pick(d.title, lang)} <span className="badge">{d.format}</span>
              {d.file?.screening ? (
                <>
                  {' '}
                  <span
                    className={`badge ${d.file.screening === 'passed' ? 'ok' : 'warn'}`}
                    data-screening={d.file.screening}
                  >
                    {t(`openData.entry.screening.${d.file.screening}`)}
                  </span>
                </>
              ) : null}
            </h3>
            {d.accessUrl ? (
              <p>
                {t('openData.entry.external')}:{' '}
                <a href={d.accessUrl} rel="noopener noreferrer nofollow">
                  {d.accessUrl}
                </a>
              </p>
            ) : null}
            {d.file ? (
              d.file.screening !== 'passed' ? (
                <p className="muted" role="status">
                  {t('openData.entry.notScreened')}
                </p>
              ) : canDownload ? (
                <>
                  <p>
                    <a
                      className="button"
                      href={`/open/entries/${entry.id}/download/${encodeURIComponent(d.key)}`}
                      download={d.file.filename}
                    >
                      {t('openData.entry.download')}
                    </a>{' '}
                    <span className="muted">
                      {d.file.filename} · {formatBytes(d.file.size)} · SHA-256{' '}
                      <code>{d.file.sha256.slice(0, 16)}…</code>
                    </span>
                  </p>
                  {d.preview?.kind === 'table' ? (
                    <div className="preview">
                      <p className="muted">{t('openData.entry.preview', { rows: previewRows })}</p>
                      <table>
                        <thead>
                          <tr>
                            {d.preview.columns.map((c, i) => (
                              <th key={i}>{c}</th>
                            ))}
                          </tr>
                        </thead>
                        <tbody>
                          {d.preview.rows.map((r, i) => (
                            <tr key={i}>
                              {r.map((cell, j) => (
                                <td key={j}>{cell}</td>
                              ))}
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  ) : d.preview?.kind === 'text' ? (
                    <div className="preview">
                      <p className="muted">{t('openData.entry.preview', { rows: previewRows })}</p>
                      <pre tabIndex={0}>{d.preview.text}</pre>
                    </div>
                  ) : (
                    <p className="muted">{t('openData.entry.noPreview')}</p>
                  )}
                </>
              ) : null
            ) : (
              <p className="muted">{t('openData.entry.noFile')}</p>
            )}
          </div>
        ))}
      </section>

      <section className="card">
        <h2>{t('openData.entry.metadata')}</h2>
        <dl className="meta">
          {row(t('openData.entry.code'), <code>{entry.code}</code>)}
          {row(t('openData.entry.org'), pick(entry.orgName, lang))}
          {row(t('openData.entry.collecting'), pick(entry.departments.collecting, lang))}
          {row(t('openData.entry.verifying'), pick(entry.departments.verifying, lang))}
          {row(t('openData.entry.providing'), pick(entry.departments.providing, lang))}
          {row(t('openData.entry.dataForm'), t(`catalog.dataForm.${entry.dataForm}`))}
          {row(t('openData.entry.sharingType'), t(`catalog.sharingType.${entry.sharingType}`))}
          {row(t('openData.entry.sharingScope'), t(`catalog.sharingScope.${entry.sharingScope}`))}
          {row(
            t('openData.entry.openAttribute'),
            t(`catalog.openAttribute.${entry.openAttribute}`),
          )}
          {row(
            t('openData.entry.updateFrequency'),
            t(`catalog.updateFrequency.${entry.updateFrequency}`),
          )}
          {row(
            t('openData.entry.grade'),
            gradeLabel(t, { tier: entry.grade.tier, level: entry.grade.level ?? null }),
          )}
          {row(t('openData.entry.level'), t(`catalog.level.${entry.level}`))}
          {row(t('openData.entry.region'), facetValueLabel(t, lang, 'region', entry.regionCode))}
          {row(t('openData.entry.version'), t('catalog.versionN', { n: entry.version }))}
          {row(t('openData.entry.published'), formatDateTime(entry.publishedAt, lang))}
          {row(
            t('openData.entry.dataUpdated'),
            entry.lastDataUpdateAt ? formatDateTime(entry.lastDataUpdateAt, lang) : '',
          )}
          {row(t('openData.entry.legalBasis'), entry.legalBasis)}
          {row(
            t('openData.entry.machine'),
            <>
              <a href={`/api/v1/catalog/${entry.id}/dcat`}>DCAT-3 JSON-LD</a> ·{' '}
              <a href={`/api/3/action/package_show?id=${entry.id}`}>CKAN package_show</a>
            </>,
          )}
        </dl>
        <h3>{t('openData.entry.fields')}</h3>
        <table>
          <thead>
            <tr>
              <th>{t('openData.entry.fieldName')}</th>
              <th>{t('openData.entry.fieldLabel')}</th>
              <th>{t('openData.entry.fieldType')}</th>
            </tr>
          </thead>
          <tbody>
            {entry.fields.map((f) => (
              <tr key={f.name}>
                <td>
                  <code>{f.name}</code>
                </td>
                <td>
                  {pick(f.label, lang)}{' '}
                  {f.personal ? (
                    <span className="badge warn">{t('openData.entry.personalField')}</span>
                  ) : null}
                </td>
                <td>{t(`catalog.fieldType.${f.type}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link to="/open">← {t('openData.entry.back')}</Link>
        </p>
      </section>
    </>
  )
}
