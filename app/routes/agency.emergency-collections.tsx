import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import {
  declareEmergencyCollection,
  emergencyEntryChoices,
  endEmergencyCollection,
  myEmergencyCollections,
} from '~/services/emergency/collections.server'
import { emergencyFormSchema } from '~/services/emergency/schemas'
import { formFailure, formNotice, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '应急采集 · Emergency collections' }]

// C10 (Art. 40): an agency declares an emergency collection and ends it; the end seals what was
// collected, revokes its grants and writes a signed report.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'declare:emergency-collection:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    collections: await myEmergencyCollections(user),
    entries: await emergencyEntryChoices(user),
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'declare:emergency-collection:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, emergencyFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    if (input.intent === 'end') {
      await endEmergencyCollection(user, input.collectionId)
      return formNotice(t('emergency.ended'))
    }
    const { intent: _intent, ...declaration } = input
    await declareEmergencyCollection(user, declaration)
    return formNotice(t('emergency.declared'))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function EmergencyCollections() {
  const { t } = useTranslation()
  const lang = useLang()
  const { collections, entries } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  const ticked = new Set([v.entryIds ?? []].flat().map(String))
  const fieldError = (name: string) =>
    errors[name] ? <span className="field-error">{errors[name].join(' ')}</span> : null
  return (
    <section className="card">
      <h1>{t('emergency.title')}</h1>
      <p className="muted">{t('emergency.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError} />
      {collections.length === 0 ? <p className="muted">{t('emergency.none')}</p> : null}
      {collections.map((c) => (
        <article key={c.id} className="stack card" data-emergency={c.status}>
          <h2>
            {c.event} · {t(`emergency.status.${c.status}`)}
          </h2>
          <p className="muted">
            {c.instrument} {c.article} · <DateTime iso={c.declaredAt} /> –{' '}
            <DateTime iso={c.endedAt ?? c.endsAt} />
          </p>
          <p>{c.entries.map((e) => pick(e.title, lang)).join('、')}</p>
          {c.report ? (
            <p data-report>
              {t('emergency.report', {
                datasets: c.report.datasets,
                sensitive: c.report.sensitive,
                grants: c.report.grantsRevoked,
                files: c.report.openFiles,
                versions: c.report.versionsWithdrawn,
                licences: c.report.licencesRevoked,
              })}
              <br />
              <span className="mono">SHA-256 {c.report.sha256}</span>
            </p>
          ) : c.status === 'ended' ? (
            <p className="muted">{t('emergency.closing')}</p>
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="end" />
              <input type="hidden" name="collectionId" value={c.id} />
              <button type="submit" className="secondary">
                {t('emergency.end')}
              </button>
            </Form>
          )}
        </article>
      ))}
      <h2>{t('emergency.declare')}</h2>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="declare" />
        <label>
          {t('emergency.event')}
          <textarea
            name="event"
            rows={2}
            required
            minLength={5}
            maxLength={1000}
            defaultValue={String(v.event ?? '')}
          />
          {fieldError('event')}
        </label>
        <label>
          {t('emergency.instrument')}
          <input
            name="instrument"
            required
            minLength={4}
            maxLength={200}
            defaultValue={String(v.instrument ?? '')}
          />
          {fieldError('instrument')}
        </label>
        <label>
          {t('emergency.article')}
          <input name="article" required maxLength={50} defaultValue={String(v.article ?? '')} />
          {fieldError('article')}
        </label>
        <fieldset>
          <legend>{t('emergency.entries')}</legend>
          {entries.map((e) => (
            <label key={e.id} className="check">
              <input
                type="checkbox"
                name="entryIds"
                value={e.id}
                defaultChecked={ticked.has(e.id)}
              />
              <span>{pick(e.title, lang)}</span>
            </label>
          ))}
          {fieldError('entryIds')}
        </fieldset>
        <label>
          {t('emergency.endsOn')}
          <input name="endsOn" type="date" required defaultValue={String(v.endsOn ?? '')} />
          {fieldError('endsOn')}
        </label>
        <button type="submit" className="primary">
          {t('emergency.declareSubmit')}
        </button>
      </Form>
    </section>
  )
}
