import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { BatchStatus } from '~/components/verification'
import { verificationBatch } from '~/services/verification/batches.server'
import { verificationOffers } from '~/services/verification/verify.server'
import { methodNotAllowed, pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// While the batch is queued or running the page reloads itself (no JavaScript needed).
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: '批量核验 · Batch verification' },
  ...(data?.refresh ? [{ httpEquiv: 'refresh', content: '3' } as const] : []),
]

// C5 (Art. 23 ¶3): one batch of the user's agency — its progress, and its flags once done.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'verify:record:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const batch = await verificationBatch(user, params.batchId ?? '')
    const entry = (await verificationOffers()).find((e) => e.entryId === batch.entryId)
    return {
      batch,
      title: entry?.title ?? null,
      refresh: batch.status === 'queued' || batch.status === 'running',
    }
  })
}

export const action = methodNotAllowed

export default function VerificationBatchPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { batch, title } = useLoaderData<typeof loader>()
  const [search] = useSearchParams()
  return (
    <section className="card">
      <p>
        <Link to="/verification/batches">← {t('verification.batch.list')}</Link>
      </p>
      <h1>
        {t('verification.batch.title')} · {batch.fileName}
      </h1>
      {search.get('repeated') ? <Notice>{t('verification.batch.repeated')}</Notice> : null}
      {batch.status === 'queued' ? (
        <Notice>{t('verification.batch.submitted', { rows: batch.rows })}</Notice>
      ) : null}
      <dl className="details">
        <dt>{t('verification.entry')}</dt>
        <dd>{title ? pick(title, lang) : batch.entryId}</dd>
        <dt>{t('verification.batch.created')}</dt>
        <dd>
          <DateTime iso={batch.createdAt} />
        </dd>
        <dt>{t('verification.batch.rows')}</dt>
        <dd>{batch.rows}</dd>
        <dt>{t('verification.batch.progress')}</dt>
        <dd>
          <BatchStatus batch={batch} />
        </dd>
        {batch.status === 'done' ? (
          <>
            <dt>{t('verification.batch.found')}</dt>
            <dd>
              {batch.found} / {batch.rows}
            </dd>
          </>
        ) : null}
      </dl>
      {batch.hasResult ? (
        <p>
          <a className="button primary" href={`/verification/batches/${batch.id}/result`} download>
            {t('verification.batch.download')}
          </a>
        </p>
      ) : null}
    </section>
  )
}
