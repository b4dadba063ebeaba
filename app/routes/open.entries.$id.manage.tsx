import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/catalog'
import { FormError } from '~/components/form'
import { formatBytes, OpenNav } from '~/components/open-data'
import {
  applicantNames,
  decideApplication,
  listApplications,
} from '~/services/open-data/applications.server'
import {
  currentFiles,
  MAX_FILE_BYTES,
  publishDistributionFile,
} from '~/services/open-data/files.server'
import { openRecord } from '~/services/open-data/portal.server'
import { decisionFormSchema } from '~/services/open-data/schemas'
import openCss from '~/styles/open-data.css?url'
import { DomainError } from '~/utils/errors'
import { formFailure, formDone } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'
import { requirePermission } from '~/utils/permissions.server'
import { formToObject, readFormData, validate } from '~/utils/validation.server'
import { formatDateTime } from '~/utils/format'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

// The source agency of an open entry: publishes its data files (Art. 33) and decides the
// applications for conditionally open data (Art. 32).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const record = await openRecord(params.id ?? '')
    const applications = await listApplications(user, record.id)
    const names = await applicantNames([...new Set(applications.map((a) => a.applicantOrgId))])
    const files = await currentFiles(record.id)
    return {
      id: record.id,
      title: record.content.title,
      conditional: record.content.openAttribute === 'open_conditional',
      distributions: record.content.distributions.map((d) => {
        const f = files.get(d.key)
        return {
          key: d.key,
          title: d.title,
          format: d.format,
          file: f ? { filename: f.filename, size: f.size, sha256: f.sha256 } : null,
        }
      }),
      applications: applications.map((a) => ({
        id: a._id,
        applicant: names.get(a.applicantOrgId) ?? { zh: a.applicantOrgId, en: a.applicantOrgId },
        purpose: a.purpose,
        conditions: a.conditionsStatement,
        status: a.status,
        reason: a.reason,
        createdAt: a.createdAt.toISOString(),
      })),
    }
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  try {
    const type = request.headers.get('Content-Type') ?? ''
    if (type.startsWith('multipart/form-data')) {
      const form = await readFormData(request, MAX_FILE_BYTES + 64 * 1024)
      const file = form.get('file')
      const key = String(form.get('key') ?? '')
      if (!(file instanceof File) || file.size === 0) {
        throw new DomainError('empty_file', 'error.openData.emptyFile', 400, {
          file: ['error.openData.emptyFile'],
        })
      }
      await publishDistributionFile({
        user,
        entryId: params.id ?? '',
        key,
        filename: file.name,
        contentType: file.type,
        bytes: new Uint8Array(await file.arrayBuffer()),
      })
      return formDone('uploaded' as const)
    }
    const input = validate(decisionFormSchema, formToObject(await readFormData(request)), t.locale)
    await decideApplication({
      user,
      applicationId: input.applicationId,
      decision: input.decision,
      reason: input.reason,
    })
    return formDone('decided' as const)
  } catch (error) {
    if (error instanceof DomainError || error instanceof TypeError) {
      return formFailure(
        error instanceof TypeError
          ? new DomainError('invalid_input', 'error.badRequest', 400)
          : error,
        t,
      )
    }
    throw error
  }
}

export default function ManageOpenData() {
  const { t } = useTranslation()
  const lang = useLang()
  const { id, title, conditional, distributions, applications } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <section className="card">
        <OpenNav />
        <h1>{t('openData.manage.title', { title: pick(title, lang) })}</h1>
        <p className="muted">{t('openData.manage.intro')}</p>
        <p>
          <Link to={`/open/entries/${id}`}>← {pick(title, lang)}</Link>
        </p>
        <FormError message={result?.formError} />
        {result?.done === 'uploaded' ? (
          <p className="notice">{t('openData.manage.uploaded')}</p>
        ) : null}
        {result?.done === 'decided' ? (
          <p className="notice">{t('openData.manage.decided')}</p>
        ) : null}
      </section>
      <section className="card">
        <h2>{t('openData.manage.files')}</h2>
        {distributions.map((d) => (
          <div key={d.key}>
            <h3>
              {pick(d.title, lang)} <span className="badge">{d.format}</span>
            </h3>
            {d.file ? (
              <p className="muted">
                {t('openData.manage.current', {
                  name: d.file.filename,
                  size: formatBytes(d.file.size),
                  sha: d.file.sha256.slice(0, 16),
                })}
              </p>
            ) : null}
            <Form method="post" encType="multipart/form-data" className="inline-form">
              <input type="hidden" name="key" value={d.key} />
              <label>
                {t('openData.manage.file')} <input type="file" name="file" required />
              </label>
              <button type="submit" className="secondary">
                {t('openData.manage.upload')}
              </button>
            </Form>
          </div>
        ))}
      </section>
      {conditional ? (
        <section className="card">
          <h2>{t('openData.manage.applications')}</h2>
          {applications.length === 0 ? <p className="muted">{t('openData.manage.none')}</p> : null}
          <table>
            <thead>
              <tr>
                <th>{t('openData.manage.applicant')}</th>
                <th>{t('openData.manage.purpose')}</th>
                <th>{t('openData.manage.conditions')}</th>
                <th>{t('openData.manage.status')}</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((a) => (
                <tr key={a.id}>
                  <td>
                    {pick(a.applicant, lang)}
                    <br />
                    <span className="muted">{formatDateTime(a.createdAt, lang)}</span>
                  </td>
                  <td>{a.purpose}</td>
                  <td>{a.conditions}</td>
                  <td>
                    {a.status === 'pending' ? (
                      <Form method="post" className="stack">
                        <input type="hidden" name="intent" value="decide" />
                        <input type="hidden" name="applicationId" value={a.id} />
                        <label>
                          {t('openData.manage.reason')}
                          <input name="reason" maxLength={1000} />
                        </label>
                        <span className="inline-form">
                          <button
                            type="submit"
                            name="decision"
                            value="approved"
                            className="primary"
                          >
                            {t('openData.manage.approve')}
                          </button>
                          <button
                            type="submit"
                            name="decision"
                            value="refused"
                            className="secondary"
                          >
                            {t('openData.manage.refuse')}
                          </button>
                        </span>
                      </Form>
                    ) : (
                      <>
                        <span className={`badge ${a.status === 'approved' ? 'ok' : 'bad'}`}>
                          {t(`openData.manage.statuses.${a.status}`)}
                        </span>
                        {a.reason ? <p>{a.reason}</p> : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  )
}
