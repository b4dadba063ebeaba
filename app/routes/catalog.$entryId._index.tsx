import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ConfidentialityPanel } from '~/components/confidentiality'
import { FormError } from '~/components/form'
import { ResearchAccessLink } from '~/components/research'
import {
  CatalogNav,
  ContentDetails,
  DateTime,
  DiffTable,
  Notice,
  pick,
  StatusBadge,
  useLang,
} from '~/components/catalog'
import { entryPageAction, entryPageData } from '~/services/catalog/entry-page.server'
import { entryPageActionSchema } from '~/services/catalog/schemas'
import { QUALITY_KINDS } from '~/vocab/catalog'
import catalogCss from '~/styles/catalog.css?url'
import { formFailure, formNotice } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// One entry: its published content (and, for its agency and the authority, the working copy, the
// review history and the return reasons), versions, quality issues, and the actions on it.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:catalog-entry:any')
  const t = await getT(request)
  return pageGuard(t, () => entryPageData(user, t, params.entryId ?? ''))
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Every intent needs more than reading; each is checked again under its own permission.
  const user = await requirePermission(request, 'raise:quality-issue:any')
  const t = await getT(request)
  try {
    const input = await parseForm(request, entryPageActionSchema, t.locale)
    const notice = await entryPageAction(user, t, params.entryId ?? '', input)
    return formNotice(notice)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function EntryPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const {
    nav,
    entry,
    orgNames,
    fullView,
    restricted,
    versions,
    history,
    issues,
    pendingChanges,
    confidentiality,
    can,
  } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [search] = useSearchParams()
  const shown = fullView ? entry.content : entry.published
  return (
    <>
      <section className="card">
        <h1>
          {pick(entry.content.title, lang)}{' '}
          <StatusBadge status={entry.status} pendingStep={entry.pendingStep} />
        </h1>
        <CatalogNav links={nav} />
        <p className="muted">
          <span className="mono">{entry.code}</span> · {pick(orgNames[entry.orgId], lang)} ·{' '}
          {t(`catalog.level.${entry.level}`)} {entry.regionCode}
          {entry.publishedVersion
            ? ` · ${t('catalog.versionN', { n: entry.publishedVersion })}`
            : ''}
        </p>
        {search.has('submitted') && !result ? <Notice>{t('catalog.form.submitted')}</Notice> : null}
        {result?.notice ? <Notice>{result.notice}</Notice> : null}
        <FormError message={result?.formError} />
        {result?.fieldErrors ? (
          <p className="field-error">{Object.values(result.fieldErrors).flat().join(' ')}</p>
        ) : null}
        {entry.returnReasons.length ? (
          <div className="notice warn" role="status">
            <strong>{t('catalog.entry.returnReasons')}</strong>
            <ul>
              {entry.returnReasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {restricted ? (
          <div className="notice warn" role="status">
            {t('catalog.entry.gradeRestricted')}
          </div>
        ) : null}
        {entry.published && entry.published.grade.tier === 'core' ? (
          <p className="badge bad">{t('catalog.entry.notListed')}</p>
        ) : null}
        {entry.notSharedFiledAt ? (
          <p className="badge ok">
            {t('catalog.entry.filed')} · <DateTime iso={entry.notSharedFiledAt} />
          </p>
        ) : null}
        {entry.staleSince ? (
          <p className="badge bad">
            {t('catalog.entry.staleSince', { date: entry.staleSince.slice(0, 10) })}
          </p>
        ) : null}
        {entry.deadline ? (
          <p className={`badge ${entry.deadline.overdue ? 'bad' : 'warn'}`}>
            {t('catalog.entry.deadline')}: {t(`catalog.deadlines.phase.${entry.deadline.phase}`)} ·{' '}
            {t('catalog.deadlines.dueAt')}{' '}
            <DateTime
              iso={
                entry.deadline.phase === 'review'
                  ? entry.deadline.reviewDueAt
                  : entry.deadline.agencyDueAt
              }
            />
            {entry.deadline.overdue ? ` · ${t('catalog.deadlines.overdue')}` : ''}
          </p>
        ) : null}
        <p>
          {can.edit ? <Link to={`/catalog/${entry.id}/edit`}>{t('catalog.edit')}</Link> : null}
          {entry.lastDataUpdateAt ? (
            <span className="muted">
              {' '}
              · {t('catalog.entry.lastDataUpdate')}: <DateTime iso={entry.lastDataUpdateAt} />
            </span>
          ) : null}
        </p>
        <div className="inline-form">
          {can.submit ? (
            <Form method="post">
              <button type="submit" name="intent" value="submit" className="primary">
                {t('catalog.entry.submit')}
              </button>
            </Form>
          ) : null}
          {can.recordUpdate ? (
            <Form method="post">
              <button type="submit" name="intent" value="dataUpdate" className="secondary">
                {t('catalog.entry.recordUpdate')}
              </button>
            </Form>
          ) : null}
        </div>
      </section>

      {confidentiality ? (
        <ConfidentialityPanel
          state={confidentiality}
          intro={t('confidentiality.openingIntro')}
          intent="confidentialityReview"
        />
      ) : null}

      {entry.listed && entry.published?.sharingType !== 'not_shared' ? (
        <ResearchAccessLink entry={entry.id} />
      ) : null}

      {can.shareArt26 ? (
        <section className="card">
          <h2>{t('sharing.art26.title')}</h2>
          <Link to={`/sharing/art26?entry=${entry.id}`}>{t('sharing.art26.link')}</Link>
        </section>
      ) : null}

      {can.verify ? (
        <section className="card">
          <h2>{t('verification.offered')}</h2>
          <p className="muted">{t('verification.intro')}</p>
          <Link to={`/verification?entry=${entry.id}`} className="button">
            {t('verification.linkFromEntry')}
          </Link>
        </section>
      ) : null}

      {can.requestSharing ? (
        <section className="card">
          <h2>{t('sharing.linkFromEntry')}</h2>
          <p className="muted">
            {entry.published?.sharingType === 'unconditional'
              ? t('sharing.new.unconditional')
              : t('sharing.new.conditional')}
          </p>
          <Link to={`/sharing/requests/new?entry=${entry.id}`} className="button">
            {t('sharing.linkFromEntry')}
          </Link>
        </section>
      ) : null}

      {can.manageSharedData ? (
        <section className="card">
          <h2>{t('sharing.dataset.title')}</h2>
          <p className="muted">{t('sharing.dataset.intro')}</p>
          <p>
            <Link to={`/catalog/${entry.id}/dataset`}>{t('sharing.dataset.manage')}</Link>
            {' · '}
            <Link to={`/catalog/${entry.id}/verification`}>{t('verification.settings.title')}</Link>
          </p>
        </section>
      ) : null}

      {can.decide ? (
        <section className="card">
          <h2>
            {entry.pendingStep === 'confirm_grade'
              ? t('catalog.decide.confirmTitle')
              : t('catalog.decide.title')}
          </h2>
          {pendingChanges ? (
            <>
              <h3>{t('catalog.entry.diffWorking')}</h3>
              <DiffTable changes={pendingChanges} />
            </>
          ) : null}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="decide" />
            <label>
              {t('catalog.decide.reasons')}
              <textarea name="reasons" rows={3} />
            </label>
            <div className="inline-form">
              <button type="submit" name="decision" value="approved" className="primary">
                {entry.pendingStep === 'confirm_grade'
                  ? t('catalog.decide.confirm')
                  : t('catalog.decide.approve')}
              </button>
              <button type="submit" name="decision" value="returned" className="secondary">
                {t('catalog.decide.return')}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <section className="card">
        <h2>
          {fullView && entry.status !== 'approved'
            ? t('catalog.entry.working')
            : t('catalog.entry.published')}
        </h2>
        {shown ? (
          <ContentDetails content={shown} orgNames={orgNames} />
        ) : (
          <p className="muted">{t('catalog.entry.notPublished')}</p>
        )}
        {fullView && pendingChanges && !can.decide ? (
          <>
            <h3>{t('catalog.entry.diffWorking')}</h3>
            <DiffTable changes={pendingChanges} />
          </>
        ) : null}
      </section>

      {versions.length ? (
        <section className="card">
          <h2>{t('catalog.entry.versions')}</h2>
          <table>
            <tbody>
              {versions.map((v, i) => (
                <tr key={v.version}>
                  <td>
                    <Link to={`/catalog/${entry.id}/versions/${v.version}`}>
                      {t('catalog.versionN', { n: v.version })}
                    </Link>
                  </td>
                  <td>
                    <DateTime iso={v.approvedAt} />
                  </td>
                  <td>{v.filedAt ? t('catalog.entry.filed') : ''}</td>
                  <td>
                    {versions[i + 1] ? (
                      <Link
                        to={`/catalog/${entry.id}/diff?from=${versions[i + 1]!.version}&to=${v.version}`}
                      >
                        {t('catalog.entry.diff')} v{versions[i + 1]!.version} → v{v.version}
                      </Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {fullView && history.length ? (
        <section className="card">
          <h2>{t('catalog.entry.history')}</h2>
          <table>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>
                    <DateTime iso={h.at} />
                  </td>
                  <td>
                    v{h.revision}.{h.round}
                  </td>
                  <td>{t(`catalog.entry.step.${h.step}`)}</td>
                  <td>{t(`catalog.entry.outcome.${h.outcome}`)}</td>
                  <td>{h.reasons.join('；')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {entry.publishedVersion ? (
        <section className="card">
          <h2>{t('catalog.qualityTitle')}</h2>
          {issues.length ? (
            <table>
              <tbody>
                {issues.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <DateTime iso={i.raisedAt} />
                    </td>
                    <td>{t(`catalog.quality.kind.${i.kind}`)}</td>
                    <td className="mono">{i.fieldName}</td>
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
                        <span className="badge warn">{t('catalog.quality.open')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{t('catalog.none')}</p>
          )}
          {can.raiseIssue ? (
            <Form method="post" className="stack">
              <h3>{t('catalog.quality.raise')}</h3>
              <input type="hidden" name="intent" value="raiseIssue" />
              <label>
                {t('common.type')}
                <select name="kind">
                  {QUALITY_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`catalog.quality.kind.${k}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('catalog.quality.field')}
                <select name="fieldName">
                  <option value="">—</option>
                  {(entry.published?.fields ?? []).map((f) => (
                    <option key={f.name} value={f.name}>
                      {f.name} · {pick(f.label, lang)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('catalog.quality.description')}
                <textarea name="description" rows={3} required minLength={4} />
              </label>
              <button type="submit" className="secondary">
                {t('catalog.quality.raise')}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      {can.markBasis ? (
        <section className="card">
          <h2>{t('catalog.entry.markBasisChanged')}</h2>
          <p className="muted">{t('catalog.overdueIntro')}</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="markBasis" />
            <label>
              {t('catalog.entry.basisReason')}
              <textarea name="reason" rows={2} required minLength={4} />
            </label>
            <button type="submit" className="secondary">
              {t('catalog.entry.markBasisChanged')}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  )
}
