import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import { BatchStatus } from '~/components/verification'
import {
  submitVerificationBatch,
  verificationBatches,
} from '~/services/verification/batches.server'
import { verificationOffers } from '~/services/verification/verify.server'
import { formFailure } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// While a batch is queued or running the page reloads itself (no JavaScript needed).
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: '批量核验 · Batch verification' },
  ...(data?.refresh ? [{ httpEquiv: 'refresh', content: '3' } as const] : []),
]

// C5 (Art. 23 ¶3), batch mode: an agency uploads a file of records to verify against an entry
// that offers verification; a job answers them into a file of match flags.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'verify:record:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const [entries, batches] = await Promise.all([verificationOffers(), verificationBatches(user)])
    return {
      entries,
      batches,
      refresh: batches.some((b) => b.status === 'queued' || b.status === 'running'),
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'verify:record:own-org')
  const t = await getT(request)
  try {
    const entryId = new URL(request.url).searchParams.get('entry') ?? ''
    const batch = await submitVerificationBatch(user, entryId, request)
    return redirect(`/verification/batches/${batch.id}${batch.repeated ? '?repeated=1' : ''}`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function VerificationBatchesPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entries, batches } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [search] = useSearchParams()
  const chosen = entries.find((e) => e.entryId === search.get('entry')) ?? entries[0]
  const titles = new Map(entries.map((e) => [e.entryId, e.title]))
  // The header names fields by their codes: each shown with its label.
  const names = (fields: { name: string; label: { zh: string; en: string } }[]) =>
    fields.map((f) => `${f.name} ${pick(f.label, lang)}`).join(', ') || '—'
  return (
    <>
      <section className="card">
        <p>
          <Link to="/verification">← {t('verification.batch.single')}</Link>
        </p>
        <h1>{t('verification.batch.title')}</h1>
        <Form method="get" className="inline-form">
          <label>
            {t('verification.entry')}{' '}
            <select name="entry" defaultValue={chosen?.entryId}>
              {entries.map((e) => (
                <option key={e.entryId} value={e.entryId}>
                  {pick(e.title, lang)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="secondary">
            {t('common.choose')}
          </button>
        </Form>
        {chosen ? (
          <Form
            method="post"
            encType="multipart/form-data"
            action={`/verification/batches?entry=${chosen.entryId}`}
            className="stack"
          >
            <p className="muted">
              {t('verification.batch.intro', {
                keyFields: names(chosen.keyFields),
                checkFields: names(chosen.checkFields),
              })}
            </p>
            <FormError message={result?.formError ?? result?.fieldErrors?.file?.join(' ')} />
            {!chosen.ready ? <p className="muted">{t('verification.notReady')}</p> : null}
            <label>
              {t('verification.batch.file')}
              <input type="file" name="file" accept=".csv,.tsv,text/csv" required />
            </label>
            <button type="submit" className="primary">
              {t('verification.batch.upload')}
            </button>
          </Form>
        ) : null}
      </section>
      <section className="card">
        <h2>{t('verification.batch.list')}</h2>
        {batches.length === 0 ? (
          <p className="muted">{t('verification.batch.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('verification.batch.file_name')}</th>
                <th>{t('verification.entry')}</th>
                <th>{t('verification.batch.created')}</th>
                <th>{t('verification.batch.progress')}</th>
                <th>{t('verification.batch.found')}</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id} data-batch={b.id}>
                  <td>
                    <Link to={`/verification/batches/${b.id}`}>{b.fileName}</Link>
                  </td>
                  <td>{pick(titles.get(b.entryId), lang) || b.entryId}</td>
                  <td>
                    <DateTime iso={b.createdAt} />
                  </td>
                  <td>
                    <BatchStatus batch={b} />
                  </td>
                  <td>{b.status === 'done' ? `${b.found} / ${b.rows}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
