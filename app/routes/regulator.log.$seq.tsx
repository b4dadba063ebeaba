// Issue 8 regulator console: one log entry, its inclusion proof against a signed checkpoint and the
// objects it touched.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { regulatorEntry } from '~/services/supervision/queries.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

const paramsSchema = z.strictObject({
  seq: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { seq } = validate(paramsSchema, { seq: params.seq }, t.locale)
    return regulatorEntry(user, seq)
  })
}

export default function RegulatorLogEntry() {
  const { t, i18n } = useTranslation()
  const { receipt, subjects } = useLoaderData<typeof loader>()
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  const { entry, checkpoint } = receipt
  const rows: [string, string][] = [
    ['ledger.at', formatDateTime(entry.at, lang)],
    ['ledger.action', entry.action],
    ['regulatorConsole.actorOrgId', entry.actorOrgId ?? '—'],
    ['regulatorConsole.actorUserId', entry.actorUserId ?? '—'],
    ['regulatorConsole.summary', entry.summary ? JSON.stringify(entry.summary) : '—'],
    ['regulatorConsole.alg', entry.alg],
    ['regulatorConsole.payloadDigest', entry.payloadDigest],
    ['regulatorConsole.prevHash', entry.prevHash],
    ['ledger.hash', entry.hash],
  ]
  return (
    <section className="card">
      <p>
        <Link to="/regulator/log">← {t('regulatorConsole.back')}</Link>
      </p>
      <h1>{t('regulatorConsole.entryTitle', { seq: receipt.seq })}</h1>
      <h2>{t('regulatorConsole.fields')}</h2>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{t(label)}</dt>
            <dd className="mono">{value}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('regulatorConsole.touched')}</h2>
      <ul>
        {subjects.map(({ subject, href }) => (
          <li key={subject} className="mono">
            {href ? (
              <Link to={href}>{subject}</Link>
            ) : (
              `${subject} (${t('regulatorConsole.noPage')})`
            )}
            {href && subject.startsWith('product:') ? (
              <>
                {' · '}
                <Link to={`/regulator/products/${subject.slice('product:'.length)}`}>
                  {t('supervision.product.follow')}
                </Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <h2>{t('regulatorConsole.proof')}</h2>
      <dl>
        <dt>{t('regulatorConsole.leafIndex')}</dt>
        <dd className="mono">{receipt.index}</dd>
        <dt>{t('regulatorConsole.leafHash')}</dt>
        <dd className="mono">{receipt.leafHash}</dd>
      </dl>
      {receipt.inclusionProof.length ? (
        <ol className="mono" data-testid="inclusion-proof">
          {receipt.inclusionProof.map((h, i) => (
            <li key={i}>{h}</li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t('regulatorConsole.proofEmpty')}</p>
      )}
      <h2>{t('regulatorConsole.checkpoint')}</h2>
      <dl>
        <dt>{t('regulatorConsole.treeSize')}</dt>
        <dd className="mono">{checkpoint.treeSize}</dd>
        <dt>{t('regulatorConsole.rootHash')}</dt>
        <dd className="mono">{checkpoint.rootHash}</dd>
        <dt>{t('regulatorConsole.keyId')}</dt>
        <dd className="mono">{checkpoint.keyId}</dd>
        <dt>{t('regulatorConsole.keyAlg')}</dt>
        <dd className="mono">{checkpoint.keyAlg}</dd>
        <dt>{t('regulatorConsole.signature')}</dt>
        <dd className="mono" style={{ wordBreak: 'break-all' }}>
          {checkpoint.signature}
        </dd>
      </dl>
      <pre className="mono" tabIndex={0}>
        {checkpoint.body}
      </pre>
    </section>
  )
}
