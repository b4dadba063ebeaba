import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { FieldChecklist, Notice, pick, ResearchNav, useLang } from '~/components/research'
import { newRequestPage, researchLinks } from '~/services/research/pages.server'
import { submitResearchRequest } from '~/services/research/requests.server'
import { researchRequestFormSchema, researchSubjectQuery } from '~/services/research/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'

// Art. 26: a university or research institute asks for public-interest access to a listed product
// (?product=) or a catalog entry (?entry=): purpose, project, people, fields, period, ethics reference.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:research-request:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(researchSubjectQuery, queryObject(request), t.locale)
    return {
      nav: researchLinks(user, t),
      isResearchOrg: user.org?.type === 'research',
      ...(await newRequestPage(query)),
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:research-request:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, researchRequestFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    const { requestId } = await submitResearchRequest(user, input)
    return redirect(`/research/requests/${requestId}?submitted=1`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback)
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []

function today(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10)
}

export default function NewResearchRequest() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, subject, isResearchOrg } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const v = failure?.values ?? {}
  const fe = failure?.fieldErrors ?? {}
  return (
    <section className="card">
      <h1>{t('research.new.title')}</h1>
      <ResearchNav links={nav} />
      <p className="muted">{t('research.new.intro')}</p>
      {!isResearchOrg ? <Notice tone="warn">{t('error.research.notResearchOrg')}</Notice> : null}
      {!subject ? (
        <p>
          {t('research.new.pickSubject')} <Link to="/market">{t('research.mine.fromMarket')}</Link>{' '}
          · <Link to="/catalog">{t('research.mine.fromCatalog')}</Link>
        </p>
      ) : (
        <Form method="post" className="stack research-form">
          <FormError message={failure?.formError} />
          <input type="hidden" name="subjectKind" value={subject.kind} />
          <input type="hidden" name="subjectId" value={subject.id} />
          <p>
            <strong>{t(`research.kind.${subject.kind}`)}:</strong> {pick(subject.title, lang)}
            <br />
            <span className="muted">
              {t('research.owner')}: {pick(subject.owner, lang)}
            </span>
          </p>
          <label>
            {t('research.useKindLabel')}
            <span className="hint">{t('research.new.useKindHint')}</span>
            <select name="useKind" defaultValue={str(v.useKind, 'research')}>
              {(['research', 'education', 'public_interest'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`research.useKind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('research.purpose')}
            <textarea
              name="purpose"
              rows={3}
              required
              defaultValue={str(v.purpose)}
              aria-invalid={fe.purpose ? true : undefined}
            />
            {fe.purpose ? <p className="field-error">{fe.purpose.join(' ')}</p> : null}
          </label>
          <label>
            {t('research.projectName')}
            <input
              name="projectName"
              required
              defaultValue={str(v.projectName)}
              aria-invalid={fe['project.name'] || fe.projectName ? true : undefined}
            />
          </label>
          <label>
            {t('research.projectNumber')}
            <input name="projectNumber" required defaultValue={str(v.projectNumber)} />
          </label>
          <label>
            {t('research.people')}
            <span className="hint">{t('research.new.peopleHint')}</span>
            <textarea
              name="people"
              rows={3}
              required
              defaultValue={str(v.people)}
              aria-invalid={fe.people ? true : undefined}
            />
            {fe.people ? <p className="field-error">{fe.people.join(' ')}</p> : null}
          </label>
          <div>
            <strong>{t('research.fields')}</strong>
            <p className="hint muted">
              {subject.fields.length ? t('research.new.fieldsHint') : t('research.new.noFields')}
            </p>
            <FieldChecklist
              name="fields"
              fields={subject.fields}
              checked={list(v.fields)}
              errors={fe.fields}
            />
          </div>
          <div className="two-inputs">
            <label>
              {t('research.periodStart')}
              <input
                type="date"
                name="periodStart"
                required
                defaultValue={str(v.periodStart, today())}
              />
            </label>
            <label>
              {t('research.periodEnd')}
              <input
                type="date"
                name="periodEnd"
                required
                defaultValue={str(v.periodEnd, today(180))}
                aria-invalid={fe.periodEnd ? true : undefined}
              />
              {fe.periodEnd ? <p className="field-error">{fe.periodEnd.join(' ')}</p> : null}
            </label>
          </div>
          <label>
            {t('research.ethicsRef')}
            <span className="hint">{t('research.new.ethicsHint')}</span>
            <input name="ethicsRef" required defaultValue={str(v.ethicsRef)} />
          </label>
          <p className="muted">{t('research.new.pledge')}</p>
          <button type="submit" className="primary">
            {t('research.new.submit')}
          </button>
        </Form>
      )}
    </section>
  )
}
