import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import {
  acceptProject,
  fileDataList,
  myProjects,
  projectUnits,
  registerProject,
} from '~/services/projects/projects.server'
import { projectFormSchema } from '~/services/projects/schemas'
import { formFailure, formNotice, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '信息化项目数据清单 · Project data lists' }]

const MAY = ['register:it-project:own-org', 'file:project-data-list:own-org'] as const

// C12 (Art. 49 ¶2, 50): the authority registers fiscally funded IT projects and accepts them once
// every item of the data list is catalogued, aggregated and shared; the project unit files the list.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, [...MAY])
  const t = await getT(request)
  const registrar = user.permissions.has('register:it-project:own-org')
  return pageGuard(t, async () => ({
    projects: await myProjects(user),
    units: registrar ? await projectUnits(user) : [],
    registrar,
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAnyPermission(request, [...MAY])
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, projectFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    if (input.intent === 'register') {
      await registerProject(user, input)
      return formNotice(t('projects.registered'))
    }
    if (input.intent === 'file') {
      const { items } = await fileDataList(user, input.projectId, input.entries)
      return formNotice(t('projects.filed', { n: items }))
    }
    await acceptProject(user, input.projectId)
    return formNotice(t('projects.accepted'))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function Projects() {
  const { t } = useTranslation()
  const lang = useLang()
  const { projects, units, registrar } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  const yes = (ok: boolean) => (
    <span className={`badge ${ok ? 'ok' : 'bad'}`}>
      {ok ? t('projects.yes') : t('projects.no')}
    </span>
  )
  return (
    <section className="card stack">
      <h1>{t('projects.title')}</h1>
      <p className="muted">{t('projects.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError} />
      {projects.length === 0 ? <p className="muted">{t('projects.none')}</p> : null}
      {projects.map((p) => (
        <article
          key={p.id}
          className="stack card"
          data-project={p.acceptedAt ? 'accepted' : p.ready ? 'ready' : 'open'}
        >
          <h2>
            {p.name} · {pick(p.unit.name, lang)}
          </h2>
          <p className="muted">
            {t('projects.registeredAt')} <DateTime iso={p.registeredAt} />
            {p.dataListFiledAt ? (
              <>
                {' '}
                · {t('projects.filedAt')} <DateTime iso={p.dataListFiledAt} />
              </>
            ) : null}
            {p.acceptedAt ? (
              <>
                {' '}
                · <span className="badge ok">{t('projects.acceptedAt')}</span>{' '}
                <DateTime iso={p.acceptedAt} />
              </>
            ) : null}
          </p>
          {p.items.length ? (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('projects.entry')}</th>
                  <th>{t('projects.catalogued')}</th>
                  <th>{t('projects.aggregated')}</th>
                  <th>{t('projects.shared')}</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((i) => (
                  <tr key={i.ref} data-ok={i.ok ? 'yes' : 'no'}>
                    <td>
                      {i.entryId ? (
                        <Link to={`/catalog/${i.entryId}`}>
                          <span className="mono">{i.code}</span> {pick(i.title, lang)}
                        </Link>
                      ) : (
                        <span className="mono">{i.ref}</span>
                      )}
                    </td>
                    <td>{yes(i.catalogued)}</td>
                    <td>{yes(i.aggregated)}</td>
                    <td>
                      {yes(i.shared)}{' '}
                      {i.sharingType ? (
                        <span className="muted">{t(`catalog.sharingType.${i.sharingType}`)}</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{t('projects.noList')}</p>
          )}
          {!registrar && !p.acceptedAt ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="file" />
              <input type="hidden" name="projectId" value={p.id} />
              <label>
                {t('projects.entries')}
                <textarea
                  name="entries"
                  rows={3}
                  required
                  defaultValue={
                    v.projectId === p.id
                      ? String(v.entries ?? '')
                      : p.items.map((i) => i.code ?? i.ref).join('\n')
                  }
                />
                {errors.entries ? (
                  <span className="field-error">{errors.entries.join(' ')}</span>
                ) : null}
              </label>
              <button type="submit" className="primary">
                {t('projects.fileSubmit')}
              </button>
            </Form>
          ) : null}
          {registrar && !p.acceptedAt ? (
            <Form method="post">
              <input type="hidden" name="intent" value="accept" />
              <input type="hidden" name="projectId" value={p.id} />
              <button type="submit" className={p.ready ? 'primary' : 'secondary'}>
                {t('projects.acceptSubmit')}
              </button>
            </Form>
          ) : null}
        </article>
      ))}
      {registrar ? (
        <>
          <h2>{t('projects.register')}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="register" />
            <label>
              {t('projects.name')}
              <input
                name="name"
                required
                minLength={2}
                maxLength={200}
                defaultValue={String(v.name ?? '')}
              />
              {errors.name ? <span className="field-error">{errors.name.join(' ')}</span> : null}
            </label>
            <label>
              {t('projects.unit')}
              <select name="unitOrgId" required defaultValue={String(v.unitOrgId ?? '')}>
                <option value="" />
                {units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {pick(u.name, lang)}
                  </option>
                ))}
              </select>
              {errors.unitOrgId ? (
                <span className="field-error">{errors.unitOrgId.join(' ')}</span>
              ) : null}
            </label>
            <button type="submit" className="primary">
              {t('projects.registerSubmit')}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  )
}
