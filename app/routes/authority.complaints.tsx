import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { answerComplaint, authorityComplaints } from '~/services/subjects/complaints.server'
import { recordRequestDays, setRecordRequestDays } from '~/services/subjects/record-requests.server'
import { complaintAnswerSchema, recordRequestDaysSchema } from '~/services/subjects/schemas'
import { formFailure, formNotice } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

// C10 (Art. 43): the data authority handles complaints about bodies at its level — accept or not
// (with reasons), then decide with reasons, each within its working-day deadline.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'handle:complaint:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    complaints: await authorityComplaints(user),
    days: await recordRequestDays(),
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'handle:complaint:own-org')
  const t = await getT(request)
  try {
    // Art. 42: the deadline departments have to decide data subjects' record requests.
    if (new URL(request.url).searchParams.get('form') === 'days') {
      const { days } = await parseForm(request, recordRequestDaysSchema, t.locale)
      await setRecordRequestDays(user, days)
      return formNotice(t('complaintsDesk.daysSaved'))
    }
    const answer = await answerComplaint(
      user,
      await parseForm(request, complaintAnswerSchema, t.locale),
    )
    return formNotice(
      answer.step === 'accept'
        ? t(`home.subject.complaintStatus.${answer.decision}`)
        : t(`home.subject.complaintOutcome.${answer.decision}`),
    )
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function ComplaintsDesk() {
  const { t } = useTranslation()
  const lang = useLang()
  const { complaints, days } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('complaintsDesk.title')}</h1>
      <p className="muted">{t('complaintsDesk.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError
        message={
          result?.formError ?? (result?.fieldErrors?.note ?? result?.fieldErrors?.days)?.join(' ')
        }
      />
      <section className="stack" id="days">
        <h2>{t('complaintsDesk.daysTitle')}</h2>
        <p className="muted">{t('complaintsDesk.daysIntro')}</p>
        <Form method="post" action="?form=days" className="inline-form">
          <label>
            {t('complaintsDesk.days')}
            <input name="days" type="number" min={1} max={60} required defaultValue={days} />
          </label>
          <button type="submit" className="secondary">
            {t('common.save')}
          </button>
        </Form>
      </section>
      {complaints.length === 0 ? <p className="muted">{t('complaintsDesk.none')}</p> : null}
      {complaints.map((c) => (
        <article key={c.id} className="stack card" data-complaint={c.status}>
          <h2>
            {pick(c.respondent, lang)} · {t(`home.subject.complaintStatus.${c.status}`)}
            {c.overdue ? <span className="badge bad"> {t('home.subject.overdue')}</span> : null}
          </h2>
          <p className="muted">
            {c.complainant} · <DateTime iso={c.submittedAt} /> · {t('home.subject.dueBy')}:{' '}
            <DateTime iso={c.status === 'submitted' ? c.acceptDueAt : c.decideDueAt} />
          </p>
          <p>
            <strong>{t('home.subject.facts')}:</strong> {c.facts}
          </p>
          <p>
            <strong>{t('home.subject.remedy')}:</strong> {c.remedy}
          </p>
          {c.note ? (
            <p>
              <strong>{t('complaintsDesk.note')}:</strong> {c.note}
            </p>
          ) : null}
          {c.status === 'submitted' ? (
            <Form method="post" className="stack">
              <input type="hidden" name="step" value="accept" />
              <input type="hidden" name="complaintId" value={c.id} />
              <label>
                {t('complaintsDesk.note')}
                <textarea name="note" rows={2} maxLength={2000} />
              </label>
              <div className="inline-form">
                <button type="submit" name="decision" value="accepted" className="primary">
                  {t('complaintsDesk.accept')}
                </button>
                <button type="submit" name="decision" value="not_accepted" className="secondary">
                  {t('complaintsDesk.notAccept')}
                </button>
              </div>
            </Form>
          ) : null}
          {c.status === 'accepted' ? (
            <Form method="post" className="stack">
              <input type="hidden" name="step" value="decide" />
              <input type="hidden" name="complaintId" value={c.id} />
              <label>
                {t('complaintsDesk.outcome')}
                <select name="decision">
                  {(['upheld', 'partly_upheld', 'dismissed'] as const).map((o) => (
                    <option key={o} value={o}>
                      {t(`home.subject.complaintOutcome.${o}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('complaintsDesk.note')}
                <textarea name="note" rows={3} required minLength={10} maxLength={4000} />
              </label>
              <button type="submit" className="primary">
                {t('complaintsDesk.decide')}
              </button>
            </Form>
          ) : null}
        </article>
      ))}
    </section>
  )
}
