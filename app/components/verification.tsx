import { useTranslation } from 'react-i18next'

/** A batch verification's state: a progress bar while it runs, then done or why it failed. */
export function BatchStatus({
  batch,
}: {
  batch: { status: string; rows: number; processed: number; error: string | null }
}) {
  const { t } = useTranslation()
  const percent = batch.rows ? Math.floor((100 * batch.processed) / batch.rows) : 0
  return (
    <span data-status={batch.status}>
      {batch.status === 'running' || batch.status === 'queued' ? (
        <>
          <progress max={100} value={percent} aria-label={t('verification.batch.progress')} />{' '}
        </>
      ) : null}
      <span
        className={`badge ${batch.status === 'done' ? 'ok' : batch.status === 'failed' ? 'bad' : 'warn'}`}
      >
        {t(`verification.batch.status.${batch.status}`)}
      </span>
      {batch.status === 'running' ? ` ${percent}%` : null}
      {batch.error ? ` ${t(batch.error)}` : null}
    </span>
  )
}
