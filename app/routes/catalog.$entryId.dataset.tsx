import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatBytes, Notice, pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import { datasetPage, receiveEntryDataset } from '~/services/sharing/datasets.server'
import { formFailure, formNotice } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C4 (Art. 23–24): the source department stores its entry's data (one CSV/TSV table naming every
// catalogued field), from which each online sharing grant gets its own projected, fingerprinted copy.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'decide:sharing-request:own-org')
  const t = await getT(request)
  return pageGuard(t, () => datasetPage(user, params.entryId ?? ''))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'decide:sharing-request:own-org')
  const t = await getT(request)
  try {
    const stored = await receiveEntryDataset(user, params.entryId ?? '', request)
    return formNotice(t('sharing.dataset.stored', { count: stored.grantsQueued }))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function EntryDatasetPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entry, dataset, onlineGrants } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <p>
        <Link to={`/catalog/${entry.id}`}>← {pick(entry.title, lang)}</Link>
      </p>
      <h1>{t('sharing.dataset.title')}</h1>
      <p className="muted">{t('sharing.dataset.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError ?? result?.fieldErrors?.file?.join(' ')} />
      <dl className="details">
        <dt>{t('sharing.dataset.columns')}</dt>
        <dd>{entry.fields.map((f) => `${pick(f.label, lang)} (${f.name})`).join('、')}</dd>
        <dt>{t('sharing.dataset.grants')}</dt>
        <dd>{onlineGrants}</dd>
        <dt>{t('sharing.dataset.stored_at')}</dt>
        <dd>
          {dataset ? (
            <>
              {dataset.fileName} · {formatBytes(dataset.sizeBytes)} ·{' '}
              <DateTime iso={dataset.uploadedAt} />{' '}
              <span className="mono">{dataset.sha256.slice(0, 16)}…</span>
            </>
          ) : (
            t('sharing.dataset.missing')
          )}
        </dd>
      </dl>
      <Form
        method="post"
        encType="multipart/form-data"
        className="stack"
        key={dataset?.sha256 ?? 'none'}
      >
        <label>
          {t('sharing.dataset.file')}
          <input type="file" name="file" accept=".csv,.tsv,text/csv" required />
        </label>
        <button type="submit" className="primary">
          {t('sharing.dataset.upload')}
        </button>
      </Form>
    </section>
  )
}
