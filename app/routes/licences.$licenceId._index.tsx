import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatBytes, LedgerReceipt, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { issueKeyFromPage, licencePage, revokeFromPage } from '~/services/licences/pages.server'
import { licenceActionSchema } from '~/services/licences/schemas'
import type { AuthUser } from '~/services/identity/auth.server'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'
import { requireAnyPermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export const meta: MetaFunction = () => [{ title: '数据许可 · Licence' }]

async function requireLicenceReader(request: Request): Promise<AuthUser> {
  return requireAnyPermission(request, ['read:licence:own-org', 'read:licence:any'])
}

// C8 (Art. 24, 26, 38, 46): a licence's terms in plain words, its standing now, its
// deliveries with signed download links (licensee only), API key issue, and the authority's revocation.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireLicenceReader(request)
  const t = await getT(request)
  return pageGuard(t, async () => {
    return licencePage(user, params.licenceId ?? '')
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireLicenceReader(request)
  const t = await getT(request)
  try {
    const input = await parseForm(request, licenceActionSchema, t.locale)
    if (input.intent === 'issue-key') {
      const { key } = await issueKeyFromPage(user, params.licenceId ?? '')
      return { newKey: key, revoked: false, formError: undefined, fieldErrors: undefined }
    }
    await revokeFromPage(user, params.licenceId ?? '', input.reason)
    return { newKey: undefined, revoked: true, formError: undefined, fieldErrors: undefined }
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function LicencePage() {
  const { t } = useTranslation()
  const lang = useLang()
  const p = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const l = p.licence
  const date = (iso: string) => formatDateTime(iso, lang)
  const usesFiles = p.deliveries.some((d) => d.fingerprinted)
  return (
    <>
      <section className="card">
        <p>
          <Link to="/licences">← {t('licences.title')}</Link>
        </p>
        <h1>
          {t('licences.pageTitle')} · {pick(p.subject, lang)}
        </h1>
        <p>
          <span className={`badge${p.standing === 'active' ? ' ok' : ' bad'}`}>
            {t(`licences.standing.${p.standing}`)}
          </span>{' '}
          <span className="muted">{t(`licences.side.${p.side}`)}</span>
        </p>
        <h2>{t('licences.termsTitle')}</h2>
        <ul className="terms">
          <li>
            {t('licences.who', {
              licensee: pick(p.licensee, lang),
              licensor: pick(p.licensor, lang),
              subject: pick(p.subject, lang),
            })}
          </li>
          <li>{t('licences.purpose', { purpose: l.purpose })}</li>
          <li>{t('licences.scenario', { scenario: l.scenario })}</li>
          <li>
            {l.permittedFields.length
              ? t('licences.fieldsSome', { fields: l.permittedFields.join(', ') })
              : t('licences.fieldsAll')}
          </li>
          <li>{t('licences.period', { start: date(l.start), end: date(l.end) })}</li>
          <li>{t('licences.deliveryMode', { mode: t(`licences.mode.${l.deliveryMode}`) })}</li>
          <li>{t(l.derivationAllowed ? 'licences.derivationYes' : 'licences.derivationNo')}</li>
          <li>
            <strong>
              {t(l.redistribution ? 'licences.redistributionYes' : 'licences.redistributionNo')}
            </strong>
          </li>
          {l.researchOnly ? (
            <li>{t('licences.researchOnly')}</li>
          ) : !l.commercialUse ? (
            <li>{t('licences.commercialNo')}</li>
          ) : null}
          <li>
            {l.usageReport === 'none'
              ? t('licences.usageReportNone')
              : t('licences.usageReport', { period: t(`licences.reportPeriod.${l.usageReport}`) })}
          </li>
          {usesFiles ? <li>{t('licences.fingerprintNotice')}</li> : null}
        </ul>
        <p className="muted">
          {t('licences.source', { source: t(`licences.sourceKind.${l.source}`), ref: l.sourceRef })}{' '}
          · <a href={`/licences/${p.id}/odrl.json`}>{t('licences.odrl')}</a> ·{' '}
          <a href={`/seals/licence/${p.id}`} download>
            {t('licences.sealed')}
          </a>
        </p>
        <LedgerReceipt seq={p.issuedSeq} />
        {p.events.length ? (
          <p className="muted">
            {t('licences.events')}:{' '}
            {p.events
              .map(
                (e) =>
                  `${t(`licences.eventKind.${e.kind}`)} ${date(e.at)}${e.reason && e.kind === 'revoked' ? ` (${e.reason})` : ''}`,
              )
              .join(' · ')}
          </p>
        ) : null}
      </section>

      <section className="card">
        <h2>{t('licences.deliveriesTitle')}</h2>
        {p.deliveries.length === 0 ? <p className="muted">{t('licences.noDeliveries')}</p> : null}
        {p.deliveries.map((d) => (
          <div key={d.id} className="delivery">
            <h3>
              {t(`licences.kind.${d.kind}`)}
              {d.fileName ? ` · ${d.fileName}` : ''}{' '}
              <span className="badge">{t(`licences.status.${d.status}`)}</span>
            </h3>
            {d.kind === 'model_run' ? <p>{t('licences.modelRunNote')}</p> : null}
            {d.kind === 'offline' ? <p>{t('licences.offlineNote')}</p> : null}
            {d.kind === 'api' ? <p>{t('licences.apiCopyNote')}</p> : null}
            {d.kind === 'file' || d.kind === 'open-file' || d.kind === 'api' ? (
              <>
                {d.fingerprinted ? (
                  <p>{t('licences.fingerprinted', { marks: d.marks ?? 0, rows: d.rows ?? 0 })}</p>
                ) : d.fingerprintNote ? (
                  <p>
                    {t(`licences.notFingerprinted.${d.fingerprintNote}`, {
                      defaultValue: d.fingerprintNote,
                    })}
                  </p>
                ) : null}
                {d.tolerance.length ? (
                  <>
                    <p className="muted">{t('licences.toleranceTitle')}</p>
                    <ul>
                      {d.tolerance.map((c) => (
                        <li key={c.name}>
                          {t(`licences.tolerance.${c.change}`, { name: c.name, delta: c.delta })}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
                {d.fields.length ? (
                  <p className="muted">
                    {t('licences.fieldsDelivered', { fields: d.fields.join(', ') })}
                  </p>
                ) : null}
                {d.droppedFields.length ? (
                  <p className="muted">
                    {t('licences.fieldsDropped', { fields: d.droppedFields.join(', ') })}
                  </p>
                ) : null}
                {d.sha256 ? (
                  <p className="muted mono">
                    SHA-256 {d.sha256} · {formatBytes(d.sizeBytes ?? null)}
                  </p>
                ) : null}
                {d.link ? (
                  <p>
                    <a className="button primary" href={d.link.href} download>
                      {t('licences.download')}
                    </a>{' '}
                    <span className="muted">
                      {t('licences.linkExpires', { at: date(d.link.expiresAt) })}
                    </span>
                  </p>
                ) : p.side === 'licensee' &&
                  d.kind !== 'api' &&
                  d.status === 'completed' &&
                  p.standing !== 'active' ? (
                  <p className="error">{t('licences.noLink')}</p>
                ) : null}
              </>
            ) : null}
            <LedgerReceipt seq={d.ledgerSeq} />
          </div>
        ))}
      </section>

      {p.api ? (
        <section className="card">
          <h2>{t('licences.apiTitle')}</h2>
          <p className="mono">
            {t('licences.apiEndpoint', {
              path: `/api/v1/licences/${p.id}/rows?offset=0&limit=100`,
            })}
          </p>
          <p>
            {t('licences.apiQuota', {
              used: p.api.used,
              quota: p.api.quota ?? t('licences.apiUnlimited'),
            })}
          </p>
          {result && 'newKey' in result && result.newKey ? (
            <div className="notice" role="status">
              <p>{t('licences.apiKeyShown')}</p>
              <p className="secret mono">{result.newKey}</p>
            </div>
          ) : null}
          {p.side === 'licensee' ? (
            p.api.keys.length === 0 ? (
              <p className="muted">{t('licences.apiNoKeys')}</p>
            ) : (
              <ul>
                {p.api.keys.map((k) => (
                  <li key={k.id} className="mono">
                    {k.id} · {date(k.createdAt)} ·{' '}
                    {k.revokedAt ? t('licences.keyRevoked') : t('licences.keyActive')}
                  </li>
                ))}
              </ul>
            )
          ) : null}
          {p.canIssueKey ? (
            <Form method="post">
              <input type="hidden" name="intent" value="issue-key" />
              <button type="submit" className="primary">
                {t(p.api.keys.length ? 'licences.apiReissue' : 'licences.apiIssue')}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      {p.canRevoke ? (
        <section className="card">
          <h2>{t('licences.revokeTitle')}</h2>
          <Form method="post" className="stack">
            <FormError message={result?.formError} />
            <input type="hidden" name="intent" value="revoke" />
            <label>
              {t('licences.revokeReason')}
              <input
                name="reason"
                required
                minLength={2}
                maxLength={500}
                aria-invalid={result?.fieldErrors?.reason ? true : undefined}
              />
              {result?.fieldErrors?.reason ? (
                <p className="field-error">{result.fieldErrors.reason.join(' ')}</p>
              ) : null}
            </label>
            <button type="submit" className="danger">
              {t('licences.revoke')}
            </button>
          </Form>
        </section>
      ) : result && 'revoked' in result && result.revoked ? (
        <section className="card">
          <p role="status">{t('licences.revoked')}</p>
        </section>
      ) : null}
      {result?.formError && !p.canRevoke ? (
        <section className="card">
          <FormError message={result.formError} />
        </section>
      ) : null}
    </>
  )
}
