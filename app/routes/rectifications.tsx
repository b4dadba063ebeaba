import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import {
  answerRectification,
  closeRectification,
  coordinatedAgencies,
  issueRectification,
  myRectifications,
} from '~/services/rectifications/rectifications.server'
import { rectificationFormSchema } from '~/services/rectifications/schemas'
import { ART52_ITEMS } from '~/vocab/rectifications'
import { formFailure, formNotice, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '限期整改 · Rectification notices' }]

const MAY = ['issue:rectification:own-org', 'answer:rectification:own-org'] as const

// C12 (Art. 52): the authority issues rectification notices and closes them once answered; the
// body answers with the measures it took. Overdue notices are escalated by the hourly sweep.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, [...MAY])
  const t = await getT(request)
  return pageGuard(t, async () => ({
    notices: await myRectifications(user),
    agencies: user.permissions.has('issue:rectification:own-org')
      ? await coordinatedAgencies(user)
      : [],
    issuer: user.permissions.has('issue:rectification:own-org'),
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAnyPermission(request, [...MAY])
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, rectificationFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    if (input.intent === 'answer') {
      await answerRectification(user, input.rectificationId, input.measures)
      return formNotice(t('rectifications.answered'))
    }
    if (input.intent === 'close') {
      await closeRectification(user, input.rectificationId, input.note)
      return formNotice(t('rectifications.closed'))
    }
    const { intent: _intent, ...notice } = input
    await issueRectification(user, notice)
    return formNotice(t('rectifications.issued'))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function Rectifications() {
  const { t } = useTranslation()
  const lang = useLang()
  const { notices, agencies, issuer } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  const fieldError = (name: string) =>
    errors[name] ? <span className="field-error">{errors[name].join(' ')}</span> : null
  return (
    <section className="card stack">
      <h1>{t('rectifications.title')}</h1>
      <p className="muted">{t('rectifications.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError} />
      {notices.length === 0 ? <p className="muted">{t('rectifications.none')}</p> : null}
      {notices.map((r) => (
        <article key={r.id} className="stack card" data-rectification={r.status}>
          <h2>
            {pick(r.agency.name, lang)} · {t(`rectifications.status.${r.status}`)}
          </h2>
          <p className="muted">
            {t('rectifications.item')} {r.item}：{t(`rectifications.items.${r.item}`)}
          </p>
          <p style={{ whiteSpace: 'pre-wrap' }}>{r.finding}</p>
          {r.evidenceSeqs.length ? (
            <p className="mono">
              {r.evidenceSeqs.map((seq) => (
                <span key={seq}>
                  <Link to={`/regulator/log/${seq}`}>{seq}</Link>{' '}
                </span>
              ))}
            </p>
          ) : null}
          <p>
            {t('rectifications.due')}: <DateTime iso={r.dueAt} />
            {r.overdue ? (
              <span className="badge bad"> {t('rectifications.status.escalated')}</span>
            ) : null}
          </p>
          {r.seal ? (
            <p data-seal={r.seal.ok ? 'ok' : 'bad'}>
              <strong>{t('rectifications.seal')}</strong>:{' '}
              {r.seal.ok ? t('rectifications.sealOk') : t('rectifications.sealBad')} ·{' '}
              <span className="mono">
                {t('rectifications.sealKey')} {r.seal.keyId} · SHA-256 {r.seal.sha256.slice(0, 16)}…
              </span>{' '}
              · <a href={`/rectifications/${r.id}/seal`}>{t('rectifications.sealDownload')}</a>
            </p>
          ) : null}
          {r.answer ? (
            <p>
              <strong>{t('rectifications.measures')}</strong> (<DateTime iso={r.answer.at} />
              ): {r.answer.measures}
            </p>
          ) : null}
          {r.closedNote ? (
            <p>
              <strong>{t('rectifications.closeNote')}</strong>: {r.closedNote}
            </p>
          ) : null}
          {!issuer && !r.answer ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="answer" />
              <input type="hidden" name="rectificationId" value={r.id} />
              <label>
                {t('rectifications.measures')}
                <textarea name="measures" rows={3} required minLength={10} maxLength={4000} />
              </label>
              <button type="submit" className="primary">
                {t('rectifications.answerSubmit')}
              </button>
            </Form>
          ) : null}
          {issuer && r.answer && r.status !== 'closed' ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="close" />
              <input type="hidden" name="rectificationId" value={r.id} />
              <label>
                {t('rectifications.closeNote')}
                <input name="note" required minLength={2} maxLength={2000} />
              </label>
              <button type="submit" className="primary">
                {t('rectifications.closeSubmit')}
              </button>
            </Form>
          ) : null}
        </article>
      ))}
      {issuer ? (
        <>
          <h2>{t('rectifications.issue')}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="issue" />
            <label>
              {t('rectifications.agency')}
              <select name="agencyOrgId" required defaultValue={String(v.agencyOrgId ?? '')}>
                <option value="" />
                {agencies.map((a) => (
                  <option key={a.id} value={a.id}>
                    {pick(a.name, lang)}
                  </option>
                ))}
              </select>
              {fieldError('agencyOrgId')}
            </label>
            <label>
              {t('rectifications.item')}
              <select name="item" required defaultValue={String(v.item ?? '2')}>
                {ART52_ITEMS.map((i) => (
                  <option key={i} value={i}>
                    {i}. {t(`rectifications.items.${i}`)}
                  </option>
                ))}
              </select>
              {fieldError('item')}
            </label>
            <label>
              {t('rectifications.finding')}
              <textarea
                name="finding"
                rows={3}
                required
                minLength={10}
                maxLength={4000}
                defaultValue={String(v.finding ?? '')}
              />
              {fieldError('finding')}
            </label>
            <label>
              {t('rectifications.evidence')}
              <input name="evidence" maxLength={2000} defaultValue={String(v.evidence ?? '')} />
            </label>
            <label>
              {t('rectifications.days')}
              <input
                name="days"
                type="number"
                min={1}
                max={180}
                required
                defaultValue={String(v.days ?? '10')}
              />
              {fieldError('days')}
            </label>
            <button type="submit" className="primary">
              {t('rectifications.issueSubmit')}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  )
}
