import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import {
  FieldChecklist,
  LedgerReceipt,
  Notice,
  pick,
  RequestStatus,
  ResearchNav,
  useLang,
} from '~/components/research'
import { decideResearchRequest } from '~/services/research/decisions.server'
import { requestPage, researchLinks } from '~/services/research/pages.server'
import { researchDecisionInput } from '~/services/research/schemas'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission, requireUser } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

// Art. 26: one research request — what was asked, the owner's reply deadline (Art. 23: 5 working
// days), and the decision with its receipt. The owner (or the authority) decides here.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const t = await getT(request)
  if (
    !user.permissions.has('create:research-request:own-org') &&
    !user.permissions.has('decide:research-request:own-org')
  ) {
    throw new Response(t('error.forbidden'), { status: 403 })
  }
  return pageGuard(t, async () => ({
    nav: researchLinks(user, t),
    ...(await requestPage(user, params.requestId ?? '')),
  }))
}

// Art. 24, 26: approve with a minimal field set and an end date, or refuse with reasons.
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'decide:research-request:own-org')
  const t = await getT(request)
  try {
    const input = await parseForm(request, researchDecisionInput, t.locale)
    await decideResearchRequest(user, params.requestId ?? '', input)
    return redirect(`/research/requests/${params.requestId}?decided=1`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function ResearchRequestPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, request: r, orgNames, canDecide, isRequester } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [search] = useSearchParams()
  const d = r.decision
  const defaultEnd = r.periodEnd.slice(0, 10)
  return (
    <>
      <section className="card">
        <h1>
          {pick(r.subjectTitle, lang)} <RequestStatus status={r.status} overdue={r.overdue} />
        </h1>
        <ResearchNav links={nav} />
        {search.has('submitted') ? <Notice>{t('research.detail.submitted')}</Notice> : null}
        {search.has('decided') ? <Notice>{t('research.detail.decided')}</Notice> : null}
        <table className="details">
          <tbody>
            <tr>
              <th>{t(`research.kind.${r.subjectKind}`)}</th>
              <td>
                {r.productId ? (
                  <Link to={`/market/${r.productId}`}>{pick(r.subjectTitle, lang)}</Link>
                ) : null}
                {r.catalogEntryId ? (
                  <Link to={`/catalog/${r.catalogEntryId}`}>{pick(r.subjectTitle, lang)}</Link>
                ) : null}
              </td>
            </tr>
            <tr>
              <th>{t('research.requester')}</th>
              <td>{pick(orgNames[r.requesterOrgId], lang)}</td>
            </tr>
            <tr>
              <th>{t('research.owner')}</th>
              <td>{pick(orgNames[r.ownerOrgId], lang)}</td>
            </tr>
            <tr>
              <th>{t('research.useKindLabel')}</th>
              <td>{t(`research.useKind.${r.useKind}`)}</td>
            </tr>
            <tr>
              <th>{t('research.purpose')}</th>
              <td style={{ whiteSpace: 'pre-line' }}>{r.purpose}</td>
            </tr>
            <tr>
              <th>{t('research.project')}</th>
              <td>
                {r.project.name} <span className="mono">{r.project.number}</span>
              </td>
            </tr>
            <tr>
              <th>{t('research.people')}</th>
              <td>
                {r.people.map((p, i) => (
                  <div key={i}>
                    {p.name} — {p.role}
                  </div>
                ))}
              </td>
            </tr>
            <tr>
              <th>{t('research.fields')}</th>
              <td>
                {r.fields.length ? (
                  r.fields.map((f) => <code key={f.name}>{f.name} </code>)
                ) : (
                  <span className="muted">{t('research.allFields')}</span>
                )}
              </td>
            </tr>
            <tr>
              <th>{t('research.period')}</th>
              <td>
                {formatDateTime(r.periodStart, lang)} — {formatDateTime(r.periodEnd, lang)}
              </td>
            </tr>
            <tr>
              <th>{t('research.ethicsRef')}</th>
              <td className="mono">{r.ethicsRef}</td>
            </tr>
            <tr>
              <th>{t('research.submittedAt')}</th>
              <td>{formatDateTime(r.createdAt, lang)}</td>
            </tr>
            <tr>
              <th>{t('research.replyDueAt')}</th>
              <td>
                {formatDateTime(r.replyDueAt, lang)}{' '}
                <span className="muted">{t('research.detail.replyRule')}</span>
              </td>
            </tr>
          </tbody>
        </table>
        <LedgerReceipt seq={r.submittedSeq} />
      </section>

      {d ? (
        <section className="card">
          <h2>{t('research.detail.decision')}</h2>
          <p>
            <RequestStatus status={d.outcome} /> · {pick(orgNames[d.decidedByOrgId], lang)} ·{' '}
            {formatDateTime(d.decidedAt, lang)} ·{' '}
            <a href={`/seals/research-decision/${r.id}`} download>
              {t('research.detail.sealed')}
            </a>
          </p>
          {d.outcome === 'approved' ? (
            <>
              <p>
                {t('research.detail.grantedFields')}:{' '}
                {d.fields.length
                  ? d.fields.map((f) => <code key={f}>{f} </code>)
                  : t('research.allFields')}
              </p>
              <p>
                {t('research.detail.grantedUntil')}: {d.end ? formatDateTime(d.end, lang) : '—'}
              </p>
              <p className="muted">{t('research.detail.licenceTerms')}</p>
              {d.licenceId && isRequester ? (
                <p>
                  <Link to={`/usage-reports/${d.licenceId}`}>
                    {t('research.detail.usageReports')}
                  </Link>
                </p>
              ) : null}
            </>
          ) : (
            <p style={{ whiteSpace: 'pre-line' }}>
              {t('research.detail.reasons')}: {d.reasons}
            </p>
          )}
          <LedgerReceipt seq={d.ledgerSeq} />
        </section>
      ) : null}

      {canDecide ? (
        <section className="card">
          <h2>{t('research.decide.title')}</h2>
          <FormError message={failure?.formError} />
          <div className="two-col">
            <Form method="post" className="stack">
              <h3>{t('research.decide.approve')}</h3>
              <p className="muted">{t('research.decide.approveHint')}</p>
              {r.fields.length ? (
                <FieldChecklist
                  name="fields"
                  fields={r.fields.map((f) => ({ name: f.name, label: f.label }))}
                  checked={r.fields.map((f) => f.name)}
                  errors={failure?.fieldErrors?.fields}
                />
              ) : null}
              <label>
                {t('research.decide.end')}
                <input
                  type="date"
                  name="end"
                  required
                  defaultValue={defaultEnd}
                  max={defaultEnd}
                  aria-invalid={failure?.fieldErrors?.end ? true : undefined}
                />
                {failure?.fieldErrors?.end ? (
                  <p className="field-error">{failure.fieldErrors.end.join(' ')}</p>
                ) : null}
              </label>
              <button type="submit" name="intent" value="approve" className="primary">
                {t('research.decide.approveButton')}
              </button>
            </Form>
            <Form method="post" className="stack">
              <h3>{t('research.decide.refuse')}</h3>
              <label>
                {t('research.decide.reasons')}
                <span className="hint">{t('research.decide.reasonsHint')}</span>
                <textarea
                  name="reasons"
                  rows={4}
                  aria-invalid={failure?.fieldErrors?.reasons ? true : undefined}
                />
                {failure?.fieldErrors?.reasons ? (
                  <p className="field-error">{failure.fieldErrors.reasons.join(' ')}</p>
                ) : null}
              </label>
              <button type="submit" name="intent" value="refuse" className="secondary">
                {t('research.decide.refuseButton')}
              </button>
            </Form>
          </div>
        </section>
      ) : null}
    </>
  )
}
