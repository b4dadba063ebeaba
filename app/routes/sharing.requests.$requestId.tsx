import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import { FieldChecklist } from '~/components/research'
import { recordOfflineHandover } from '~/services/sharing/handovers.server'
import { sharingRequestPage } from '~/services/sharing/pages.server'
import {
  replyToSharingRequest,
  reviewSharingGrant,
  revokeSharingGrant,
} from '~/services/sharing/requests.server'
import { ConfidentialityPanel } from '~/components/confidentiality'
import { requestPageInput } from '~/services/sharing/schemas'
import {
  formDone,
  formFailure,
  formNotice,
  readForm,
  type PostedValues,
} from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'
import { DomainError } from '~/utils/errors'
import { issueGrantApiKey } from '~/services/sharing/delivery.server'
import { formatDate } from '~/utils/format'
import { SHARING_MODES } from '~/vocab/sharing'

// C4 (Art. 23–24): one sharing request — what was asked and why, and the source department's
// reply: agree on the terms (never more fields than asked) or refuse citing a law, regulation or rule.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, [
    'create:sharing-request:own-org',
    'coordinate:sharing-request:any',
    'receive:sharing-grant:own-org',
  ])
  const t = await getT(request)
  return pageGuard(t, () => sharingRequestPage(user, params.requestId ?? ''))
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Both agencies post here (the source replies, revokes, records hand-overs; the requester issues
  // its API key); each service checks its own permission and side.
  const user = await requireAnyPermission(request, [
    'decide:sharing-request:own-org',
    'create:sharing-request:own-org',
    'receive:sharing-grant:own-org',
  ])
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, requestPageInput, t.locale)
    values = form.values
    const input = form.parse()
    if ('intent' in input && input.intent === 'issue-key') {
      const page = await sharingRequestPage(user, params.requestId ?? '')
      if (!page.access) throw new DomainError('not_api', 'error.sharing.notApiGrant', 409)
      const { key } = await issueGrantApiKey(user, page.access.grantId)
      return formDone({ apiKey: key }, t('sharing.access.keyIssued'))
    }
    if ('intent' in input && input.intent === 'confidentiality-review') {
      const reviewed = await reviewSharingGrant(user, params.requestId ?? '', input)
      return formNotice(
        reviewed.status === 'pending'
          ? t(`confidentiality.recorded.${input.outcome}`)
          : t(`sharing.answered.${reviewed.status}`),
      )
    }
    if ('intent' in input && input.intent === 'revoke') {
      await revokeSharingGrant(user, params.requestId ?? '', input.reason)
      return formNotice(t('sharing.revoke.done'))
    }
    if ('intent' in input) {
      const { intent: _intent, ...handover } = input
      await recordOfflineHandover(user, params.requestId ?? '', handover)
      return formNotice(t('sharing.handover.recorded'))
    }
    const result = await replyToSharingRequest(user, params.requestId ?? '', input)
    return formNotice(t(`sharing.answered.${result.status}`))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback)
const list = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : [])

export default function SharingRequestPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const [search] = useSearchParams()
  const {
    request: r,
    fields,
    decision,
    orgNames,
    canReply,
    canRevoke,
    canHandOver,
    handovers,
    coordinations,
    access,
    dataset,
    filings,
    canCommentOnFiling,
    confidentiality,
  } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const fe = result?.fieldErrors ?? {}
  const row = (label: string, value: React.ReactNode) => (
    <>
      <dt>{label}</dt>
      <dd>{value || '—'}</dd>
    </>
  )
  return (
    <>
      <section className="card">
        <p>
          <Link to="/sharing">← {t('sharing.title')}</Link>
        </p>
        <h1>
          {pick(r.title, lang)} <span className="badge">{t(`sharing.status.${r.status}`)}</span>
        </h1>
        {search.has('submitted') && !result ? <Notice>{t('sharing.new.sent')}</Notice> : null}
        {result?.notice ? <Notice>{result.notice}</Notice> : null}
        <dl className="details">
          {row(t('sharing.requester'), pick(orgNames[r.requesterOrgId], lang))}
          {row(t('sharing.source'), pick(orgNames[r.sourceOrgId], lang))}
          {row(t('sharing.scenario'), r.scenario)}
          {row(t('sharing.usingUnit'), r.usingUnit)}
          {row(t('sharing.duty'), r.duty)}
          {row(t('sharing.fields'), fields.map((f) => pick(f.label, lang)).join('、'))}
          {row(t('sharing.mode'), t(`sharing.modes.${r.mode}`))}
          {row(t('sharing.periodEnd'), <DateTime iso={r.periodEnd} />)}
          {r.replyDueAt ? row(t('sharing.replyDue'), <DateTime iso={r.replyDueAt} />) : null}
          {r.escalatedAt ? row(t('sharing.escalated'), <DateTime iso={r.escalatedAt} />) : null}
          {r.art26
            ? row(
                t('sharing.art26.basis'),
                `${t(`sharing.art26.purposes.${r.art26.purpose}`)} · ${r.art26.basis}`,
              )
            : null}
        </dl>
        {filings.length ? (
          <>
            <h2>{t('sharing.filings.title')}</h2>
            <p className="muted">{t('sharing.filings.onRequest')}</p>
            <ul>
              {filings.map((f) => (
                <li key={f.authorityOrgId}>
                  {pick(orgNames[f.authorityOrgId], lang)} (
                  {t(`sharing.filings.relations.${f.relation}`)})
                  {f.filedSeq ? (
                    <span className="muted">
                      {' '}
                      ({t('sharing.coordination.receipt', { seq: f.filedSeq })})
                    </span>
                  ) : null}
                  {f.comments.length ? (
                    <ul>
                      {f.comments.map((c) => (
                        <li key={c.seq}>
                          <DateTime iso={c.at} /> — {c.note}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
            {canCommentOnFiling ? (
              <Form method="post" action="/authority/sharing" className="stack">
                <input type="hidden" name="intent" value="comment" />
                <input type="hidden" name="requestId" value={r.id} />
                <label>
                  {t('sharing.filings.comment')}
                  <input name="note" required minLength={4} />
                </label>
                <button type="submit">{t('sharing.filings.send')}</button>
              </Form>
            ) : null}
          </>
        ) : null}
        {coordinations.length ? (
          <>
            <h2>{t('sharing.coordination.title')}</h2>
            <ul>
              {coordinations.map((c) => (
                <li key={c.seq}>
                  <DateTime iso={c.at} /> — {c.note}{' '}
                  <span className="muted">
                    ({t('sharing.coordination.receipt', { seq: c.seq })})
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      {confidentiality ? (
        <ConfidentialityPanel
          state={confidentiality}
          intro={t('confidentiality.grantIntro')}
          intent="confidentiality-review"
          fieldError={v.intent === 'confidentiality-review' ? fe.note?.join(' ') : undefined}
        />
      ) : null}
      {decision ? (
        <section className="card">
          <h2>{t(`sharing.decision.${decision.outcome}`)}</h2>
          <dl className="details">
            {row(t('sharing.decision.at'), <DateTime iso={decision.decidedAt} />)}
            {decision.automatic
              ? row(t('sharing.decision.how'), t('sharing.decision.automatic'))
              : null}
            {decision.outcome === 'granted' ? (
              <>
                {row(
                  t('sharing.fields'),
                  decision.fields.map((f) => pick(f.label, lang)).join('、'),
                )}
                {row(t('sharing.mode'), decision.mode ? t(`sharing.modes.${decision.mode}`) : '')}
                {row(t('sharing.decision.end'), <DateTime iso={decision.end} />)}
                {row(t('sharing.decision.deliveryDue'), <DateTime iso={decision.deliveryDueAt} />)}
                {decision.deliveredAt
                  ? row(
                      t('sharing.decision.delivered'),
                      <time dateTime={decision.deliveredAt}>
                        {formatDate(decision.deliveredAt, lang)}
                      </time>,
                    )
                  : null}
              </>
            ) : (
              row(
                t('sharing.decision.citation'),
                decision.citation
                  ? `${decision.citation.instrument} ${decision.citation.article}`
                  : '',
              )
            )}
            {decision.note ? row(t('sharing.decision.note'), decision.note) : null}
          </dl>
          {decision.revokedAt ? (
            <p className="notice" role="status">
              {t('sharing.revoke.revoked')}: <DateTime iso={decision.revokedAt} /> —{' '}
              {decision.revokeReason}
            </p>
          ) : null}
          {decision.outcome === 'granted' ? <p className="muted">{t('sharing.noPassOn')}</p> : null}
          {decision.grantId ? (
            <p>
              <a href={`/seals/sharing-grant/${decision.grantId}`} download>
                {t('sharing.sealed')}
              </a>
            </p>
          ) : null}
          {access ? (
            <GrantAccess access={access} apiKey={result?.done?.apiKey ?? null} requestId={r.id} />
          ) : null}
          {dataset ? (
            <p>
              {dataset.fileName ? (
                <>
                  {t('sharing.dataset.current', { file: dataset.fileName })}{' '}
                  <DateTime iso={dataset.uploadedAt} />{' '}
                </>
              ) : (
                <>{t('sharing.dataset.missing')} </>
              )}
              <Link to={`/catalog/${dataset.entryId}/dataset`}>{t('sharing.dataset.manage')}</Link>
            </p>
          ) : null}
          {handovers.length ? (
            <>
              <h3>{t('sharing.handover.list')}</h3>
              <table>
                <thead>
                  <tr>
                    <th>{t('sharing.handover.at')}</th>
                    <th>{t('sharing.handover.medium')}</th>
                    <th>{t('sharing.handover.rows')}</th>
                    <th>{t('sharing.handover.people')}</th>
                    <th>SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  {handovers.map((h) => (
                    <tr key={h.id}>
                      <td>
                        <time dateTime={h.handedOverAt}>{formatDate(h.handedOverAt, lang)}</time>
                      </td>
                      <td>{h.medium}</td>
                      <td>{h.rows}</td>
                      <td>
                        {h.handedOverBy} → {h.receivedBy}
                      </td>
                      <td className="mono">{h.contentSha256.slice(0, 16)}…</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          {canHandOver ? (
            <Form method="post" className="stack" key={handovers.length}>
              <input type="hidden" name="intent" value="handover" />
              <h3>{t('sharing.handover.title')}</h3>
              <p className="hint muted">{t('sharing.handover.hint')}</p>
              <FieldChecklist
                name="fields"
                fields={decision.fields}
                checked={
                  v.intent === 'handover' ? list(v.fields) : decision.fields.map((f) => f.name)
                }
                errors={fe.fields}
              />
              {(
                [
                  ['rows', 'number'],
                  ['contentSha256', 'text'],
                  ['medium', 'text'],
                  ['handedOverAt', 'date'],
                  ['handedOverBy', 'text'],
                  ['receivedBy', 'text'],
                ] as const
              ).map(([name, type]) => (
                <label key={name}>
                  {t(`sharing.handover.${name}`)}
                  <input name={name} type={type} required defaultValue={str(v[name])} />
                  {fe[name] ? <p className="field-error">{fe[name].join(' ')}</p> : null}
                </label>
              ))}
              <button type="submit">{t('sharing.handover.record')}</button>
            </Form>
          ) : null}
          {canRevoke ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="revoke" />
              <h3>{t('sharing.revoke.title')}</h3>
              <p className="hint muted">{t('sharing.revoke.hint')}</p>
              <label>
                {t('sharing.revoke.reason')}
                <input name="reason" required minLength={4} defaultValue={str(v.reason)} />
                {fe.reason ? <p className="field-error">{fe.reason.join(' ')}</p> : null}
              </label>
              <button type="submit">{t('sharing.revoke.title')}</button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {canReply ? (
        <section className="card">
          <h2>{t('sharing.reply.title')}</h2>
          <FormError message={result?.formError} />
          <Form method="post" className="stack">
            <input type="hidden" name="outcome" value="granted" />
            <h3>{t('sharing.reply.agree')}</h3>
            <p className="hint muted">{t('sharing.reply.fieldsHint')}</p>
            <FieldChecklist
              name="fields"
              fields={fields}
              checked={v.outcome === 'granted' ? list(v.fields) : fields.map((f) => f.name)}
              errors={fe.fields}
            />
            <label>
              {t('sharing.mode')}
              <select name="mode" defaultValue={str(v.mode, r.mode)}>
                {SHARING_MODES.map((m) => (
                  <option key={m} value={m}>
                    {t(`sharing.modes.${m}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('sharing.decision.end')}
              <input
                type="date"
                name="end"
                required
                defaultValue={str(v.end, r.periodEnd.slice(0, 10))}
              />
              {fe.end ? <p className="field-error">{fe.end.join(' ')}</p> : null}
            </label>
            <label>
              {t('sharing.decision.note')}
              <input name="note" defaultValue={v.outcome === 'granted' ? str(v.note) : ''} />
            </label>
            <button type="submit" className="primary">
              {t('sharing.reply.agree')}
            </button>
          </Form>
          <Form method="post" className="stack">
            <input type="hidden" name="outcome" value="refused" />
            <h3>{t('sharing.reply.refuse')}</h3>
            <p className="hint muted">{t('sharing.reply.refuseHint')}</p>
            <label>
              {t('sharing.reply.instrument')}
              <input name="instrument" defaultValue={str(v.instrument)} />
              {fe.instrument ? <p className="field-error">{fe.instrument.join(' ')}</p> : null}
            </label>
            <label>
              {t('sharing.reply.article')}
              <input name="article" defaultValue={str(v.article)} />
              {fe.article ? <p className="field-error">{fe.article.join(' ')}</p> : null}
            </label>
            <label>
              {t('sharing.decision.note')}
              <input name="note" defaultValue={v.outcome === 'refused' ? str(v.note) : ''} />
            </label>
            <button type="submit">{t('sharing.reply.refuse')}</button>
          </Form>
        </section>
      ) : null}
    </>
  )
}

type Access = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['access']>

/** Art. 24: the grant's online copy — its download, or the key of its API — for the requester. */
function GrantAccess({
  access,
  apiKey,
  requestId,
}: {
  access: Access
  apiKey: string | null
  requestId: string
}) {
  const { t } = useTranslation()
  const d = access.delivery
  return (
    <div className="stack">
      <h3>{t('sharing.access.title')}</h3>
      {!access.inForce ? (
        <p className="muted">{t('sharing.access.ended')}</p>
      ) : !d ? (
        <p className="muted">{t('sharing.access.waiting')}</p>
      ) : (
        <p>
          {t('sharing.access.delivered', { fields: d.fields.length })}{' '}
          <DateTime iso={d.deliveredAt} />
          {d.rows !== null ? <> · {t('sharing.access.rows', { rows: d.rows })}</> : null} ·{' '}
          {t(d.fingerprinted ? 'sharing.access.fingerprinted' : 'sharing.access.notFingerprinted')}
        </p>
      )}
      {access.mayUse && d && access.mode === 'file' ? (
        <p>
          <a href={`/sharing/grants/${access.grantId}/download`} download>
            {t('sharing.access.download', { file: d.fileName ?? '' })}
          </a>
        </p>
      ) : null}
      {access.mayUse && access.mode === 'api' ? (
        <>
          <p className="muted">
            {t('sharing.access.apiHint', { path: `/api/v1/sharing/grants/${access.grantId}/rows` })}
          </p>
          {apiKey ? (
            <p>
              {t('sharing.access.keyOnce')} <code className="mono">{apiKey}</code>
            </p>
          ) : null}
          <Form method="post" action={`/sharing/requests/${requestId}`}>
            <input type="hidden" name="intent" value="issue-key" />
            <button type="submit">{t('sharing.access.issueKey')}</button>
          </Form>
        </>
      ) : null}
    </div>
  )
}
