import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { disputeBodies, disputePage, stepDispute } from '~/services/disputes/disputes.server'
import { disputeStepSchema } from '~/services/disputes/schemas'
import { formFailure, formNotice, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '争议 · Dispute' }]

// C13 (Art. 51): one dispute as its parties, its authority and the invited bodies see it, with what
// the viewer may do at its stage.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:dispute:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const dispute = await disputePage(user, params.disputeId ?? '')
    return {
      dispute,
      bodies:
        dispute.may.close && dispute.stage === 'coordination' ? await disputeBodies(user) : [],
    }
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'read:dispute:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, disputeStepSchema, t.locale)
    values = form.values
    await stepDispute(user, params.disputeId ?? '', form.parse())
    return formNotice(t('disputes.saved'))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function DisputePage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { dispute: d, bodies } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors = result?.fieldErrors ?? {}
  const fieldError = (name: string) =>
    errors[name] ? <span className="field-error">{errors[name].join(' ')}</span> : null
  return (
    <section className="card stack" data-stage={d.stage}>
      <p>
        <Link to="/disputes">← {t('disputes.title')}</Link>
      </p>
      <h1>
        {pick(d.claimant.name, lang)} ⇄ {pick(d.respondent.name, lang)}
      </h1>
      <p className="muted">
        {t(`disputes.matters.${d.matter}`)} · {t(`disputes.roles.${d.role}`)} ·{' '}
        <DateTime iso={d.openedAt} />
      </p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError} />
      <ol className="stack" aria-label={t('disputes.outcomes')}>
        {(['negotiation', 'coordination', 'consultation', 'opinion', 'submitted'] as const).map(
          (s) => {
            const done = d.outcomes.find((o) => o.stage === s)
            return (
              <li key={s} data-step={s} aria-current={d.stage === s ? 'step' : undefined}>
                <strong>{t(`disputes.stages.${s}`)}</strong>
                {done ? ` · ${t(`disputes.outcome.${done.outcome}`)}: ${done.note}` : null}
                {s === 'opinion' && d.opinion
                  ? ` · ${t('disputes.submittedTo')}: ${d.opinion.submittedTo}`
                  : null}
                {s === 'submitted' && d.decision
                  ? ` · ${t('disputes.decision')}: ${d.decision.text}`
                  : null}
                {d.stage === s ? <span className="badge"> {t('disputes.current')}</span> : null}
                {d.stage === s && d.stageDueAt ? (
                  <>
                    {' '}
                    · {t('disputes.due')} <DateTime iso={d.stageDueAt} />
                    {d.overdue ? <span className="badge bad"> {t('disputes.overdue')}</span> : null}
                  </>
                ) : null}
              </li>
            )
          },
        )}
      </ol>
      <p>
        <strong>{t('disputes.authority')}</strong>: {pick(d.authority.name, lang)} (
        {t(`disputes.route.${d.route}`)})
        {d.invited.length ? (
          <>
            <br />
            <strong>{t('disputes.invited')}</strong>:{' '}
            {d.invited.map((o) => pick(o.name, lang)).join('、')}
          </>
        ) : null}
      </p>
      <h2>{t('disputes.facts')}</h2>
      <p style={{ whiteSpace: 'pre-wrap' }}>{d.facts}</p>
      {d.documents.length ? (
        <ul>
          {d.documents.map((doc) => (
            <li key={doc}>{doc}</li>
          ))}
        </ul>
      ) : null}
      <p>
        <strong>{t('disputes.asks')}</strong>: {d.asks}
      </p>
      <h2>{t('disputes.positions')}</h2>
      {d.positions.length === 0 ? <p className="muted">{t('disputes.noPositions')}</p> : null}
      {d.positions.map((p, i) => (
        <blockquote key={i} data-position={p.stage}>
          <p className="muted">
            {pick(p.org, lang)} · {t(`disputes.stages.${p.stage}`)} · <DateTime iso={p.at} />
          </p>
          <p style={{ whiteSpace: 'pre-wrap' }}>{p.text}</p>
        </blockquote>
      ))}
      {d.opinion ? (
        <>
          <h2>{t('disputes.opinion')}</h2>
          <dl>
            <dt>{t('disputes.claimantReasons')}</dt>
            <dd>{d.opinion.claimantReasons}</dd>
            <dt>{t('disputes.respondentReasons')}</dt>
            <dd>{d.opinion.respondentReasons}</dd>
            <dt>{t('disputes.leaning')}</dt>
            <dd>{d.opinion.leaning}</dd>
            <dt>{t('disputes.submittedTo')}</dt>
            <dd>
              {d.opinion.submittedTo} · <DateTime iso={d.opinion.at} />
            </dd>
            {d.opinion.seal ? (
              <>
                <dt>{t('rectifications.seal')}</dt>
                <dd data-seal={d.opinion.seal.ok ? 'ok' : 'bad'}>
                  {d.opinion.seal.ok ? t('rectifications.sealOk') : t('rectifications.sealBad')} ·{' '}
                  <span className="mono">
                    {t('rectifications.sealKey')} {d.opinion.seal.keyId} · SHA-256{' '}
                    {d.opinion.seal.sha256.slice(0, 16)}…
                  </span>
                </dd>
              </>
            ) : null}
          </dl>
        </>
      ) : null}
      {d.decision ? (
        <>
          <h2>{t('disputes.decision')}</h2>
          <p data-decision>{d.decision.text}</p>
        </>
      ) : null}
      {d.may.position ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="position" />
          <label>
            {t('disputes.position')}
            <textarea name="text" rows={3} required minLength={10} maxLength={4000} />
            {fieldError('text')}
          </label>
          <button type="submit" className="secondary">
            {t('disputes.positionSubmit')}
          </button>
        </Form>
      ) : null}
      {d.may.close ? (
        <Form method="post" className="stack">
          <h2>{t('disputes.close')}</h2>
          <input type="hidden" name="intent" value="close" />
          <label>
            {t('disputes.closeNote')}
            <textarea name="note" rows={2} required minLength={5} maxLength={4000} />
            {fieldError('note')}
          </label>
          {bodies.length ? (
            <fieldset>
              <legend>{t('disputes.invite')}</legend>
              {bodies
                .filter(
                  (b) =>
                    b.id !== d.claimant.id && b.id !== d.respondent.id && b.id !== d.authority.id,
                )
                .map((b) => (
                  <label key={b.id} className="check">
                    <input type="checkbox" name="invitedOrgIds" value={b.id} />
                    <span>{pick(b.name, lang)}</span>
                  </label>
                ))}
              {fieldError('invitedOrgIds')}
            </fieldset>
          ) : null}
          <div className="row">
            <button type="submit" name="outcome" value="resolved" className="secondary">
              {t('disputes.resolvedSubmit')}
            </button>
            <button type="submit" name="outcome" value="failed" className="primary">
              {t('disputes.failedSubmit')}
            </button>
          </div>
        </Form>
      ) : null}
      {d.may.opinion ? (
        <Form method="post" className="stack">
          <h2>{t('disputes.opinion')}</h2>
          <input type="hidden" name="intent" value="opinion" />
          {(['claimantReasons', 'respondentReasons', 'leaning'] as const).map((name) => (
            <label key={name}>
              {t(`disputes.${name}`)}
              <textarea name={name} rows={3} required minLength={10} maxLength={4000} />
              {fieldError(name)}
            </label>
          ))}
          <label>
            {t('disputes.submittedTo')}
            <input
              name="submittedTo"
              required
              maxLength={200}
              defaultValue={t('disputes.submittedToDefault')}
            />
          </label>
          <button type="submit" className="primary">
            {t('disputes.opinionSubmit')}
          </button>
        </Form>
      ) : null}
      {d.may.decision ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="decision" />
          <label>
            {t('disputes.decision')}
            <textarea name="text" rows={3} required minLength={10} maxLength={4000} />
            {fieldError('text')}
          </label>
          <button type="submit" className="primary">
            {t('disputes.decisionSubmit')}
          </button>
        </Form>
      ) : null}
    </section>
  )
}
