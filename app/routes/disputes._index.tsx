import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { disputeBodies, myDisputes, openDispute } from '~/services/disputes/disputes.server'
import { disputeOpenSchema } from '~/services/disputes/schemas'
import { DISPUTE_MATTERS } from '~/vocab/disputes'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '公共数据争议 · Data disputes' }]

// C13 (Art. 51): a body's disputes — either side, invited, or coordinating — and the form to open one.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:dispute:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    disputes: await myDisputes(user),
    bodies: user.permissions.has('open:dispute:own-org') ? await disputeBodies(user) : [],
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'open:dispute:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, disputeOpenSchema, t.locale)
    values = form.values
    const { disputeId } = await openDispute(user, form.parse())
    return redirect(`/disputes/${disputeId}`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function Disputes() {
  const { t } = useTranslation()
  const lang = useLang()
  const { disputes, bodies } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  const fieldError = (name: string) =>
    errors[name] ? <span className="field-error">{errors[name].join(' ')}</span> : null
  return (
    <section className="card">
      <h1>{t('disputes.title')}</h1>
      <p className="muted">{t('disputes.intro')}</p>
      {disputes.length === 0 ? (
        <p className="muted">{t('disputes.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('disputes.claimant')}</th>
              <th>{t('disputes.respondent')}</th>
              <th>{t('disputes.matter')}</th>
              <th>{t('disputes.due')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {disputes.map((d) => (
              <tr key={d.id} data-dispute={d.stage}>
                <td>{pick(d.claimant.name, lang)}</td>
                <td>{pick(d.respondent.name, lang)}</td>
                <td>
                  {t(`disputes.matters.${d.matter}`)} · {t(`disputes.stages.${d.stage}`)}
                </td>
                <td>
                  {d.stageDueAt ? <DateTime iso={d.stageDueAt} /> : '—'}
                  {d.overdue ? <span className="badge bad"> {t('disputes.overdue')}</span> : null}
                </td>
                <td>
                  <Link to={`/disputes/${d.id}`}>{t('disputes.view')} →</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {bodies.length ? (
        <>
          <h2>{t('disputes.open')}</h2>
          <FormError message={result?.formError} />
          <Form method="post" className="stack">
            <label>
              {t('disputes.respondent')}
              <select
                name="respondentOrgId"
                required
                defaultValue={String(v.respondentOrgId ?? '')}
              >
                <option value="" />
                {bodies.map((b) => (
                  <option key={b.id} value={b.id}>
                    {pick(b.name, lang)}
                  </option>
                ))}
              </select>
              {fieldError('respondentOrgId')}
            </label>
            <label>
              {t('disputes.matter')}
              <select name="matter" required defaultValue={String(v.matter ?? 'use')}>
                {DISPUTE_MATTERS.map((m) => (
                  <option key={m} value={m}>
                    {t(`disputes.matters.${m}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('disputes.facts')}
              <textarea
                name="facts"
                rows={4}
                required
                minLength={20}
                maxLength={4000}
                defaultValue={String(v.facts ?? '')}
              />
              {fieldError('facts')}
            </label>
            <label>
              {t('disputes.documents')}
              <textarea
                name="documents"
                rows={2}
                maxLength={4000}
                defaultValue={String(v.documents ?? '')}
              />
            </label>
            <label>
              {t('disputes.asks')}
              <textarea
                name="asks"
                rows={2}
                required
                minLength={5}
                maxLength={2000}
                defaultValue={String(v.asks ?? '')}
              />
              {fieldError('asks')}
            </label>
            <button type="submit" className="primary">
              {t('disputes.openSubmit')}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  )
}
