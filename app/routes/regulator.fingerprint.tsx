// Issue 8 "Watermark/fingerprint look-up" (Art. 38 可追溯): a regulator uploads a leaked file and
// learns which licence's fingerprinted copy it came from, with the false-accusation probability.
// The upload streams to a temporary file (never kept); the query is logged before it runs.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LedgerReceipt, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { formatProbability } from '~/lib/binomial'
import {
  productsWithDeliveries,
  regulatorFingerprintLookup,
} from '~/services/delivery/lookup.server'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '指纹溯源 · Fingerprint look-up' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'lookup:fingerprint:any')
  return { products: await productsWithDeliveries() }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'lookup:fingerprint:any')
  const t = await getT(request)
  try {
    const r = await regulatorFingerprintLookup(user, request)
    return {
      formError: undefined,
      fieldErrors: undefined,
      result: {
        fileName: r.fileName,
        rows: r.rows,
        positions: r.positions,
        candidates: r.candidates,
        querySeq: r.querySeq,
        top: r.top.map((c) => ({
          licenceId: c.licenceId,
          licensee: c.licensee,
          productTitle: c.productTitle,
          matches: c.matches,
          trials: c.trials,
          fa: formatProbability({
            p: c.falseAccusationProbability,
            log10: c.log10FalseAccusationProbability,
          }),
          accused: c.accused,
        })),
      },
    }
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function FingerprintLookup() {
  const { t } = useTranslation()
  const lang = useLang()
  const { products } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const result = reply && 'result' in reply ? reply.result : undefined
  const traced = result?.top.find((c) => c.accused)
  return (
    <>
      <section className="card">
        <p>
          <Link to="/regulator">← {t('nav.home')}</Link>
        </p>
        <h1>{t('licences.lookupTitle')}</h1>
        <p className="muted">{t('licences.lookupIntro')}</p>
        <Form method="post" encType="multipart/form-data" className="stack">
          <FormError message={reply?.formError} />
          {/* The product field comes before the file: the server reads the parts in order. */}
          <label>
            {t('licences.lookupProduct')}
            <select name="product" defaultValue="">
              <option value="">{t('licences.lookupAllProducts')}</option>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.title, lang)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('licences.lookupFile')}
            <input type="file" name="file" accept=".csv,.tsv,.txt,.xlsx" required />
            {reply?.fieldErrors?.file ? (
              <p className="field-error">{reply.fieldErrors.file.join(' ')}</p>
            ) : null}
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {t('licences.lookupRun')}
          </button>
        </Form>
      </section>
      {result ? (
        <section className="card">
          <p>
            {t('licences.lookupResult', {
              file: result.fileName,
              rows: result.rows,
              positions: result.positions,
              candidates: result.candidates,
            })}
          </p>
          {result.candidates === 0 ? (
            <p className="muted">{t('licences.lookupNoCandidates')}</p>
          ) : null}
          <p role="status">
            <strong className={traced ? 'error' : ''}>
              {traced
                ? t('licences.lookupTraced', {
                    licence: traced.licenceId,
                    org: pick(traced.licensee, lang),
                    p: traced.fa,
                  })
                : t('licences.lookupNotTraced')}
            </strong>
          </p>
          {result.top.length ? (
            <table>
              <thead>
                <tr>
                  <th>{t('licences.lookupRank')}</th>
                  <th>{t('licences.lookupLicence')}</th>
                  <th>{t('licences.lookupOrg')}</th>
                  <th>{t('licences.subject')}</th>
                  <th>{t('licences.lookupAgree')}</th>
                  <th>{t('licences.lookupFa')}</th>
                  <th>{t('licences.lookupAccused')}</th>
                </tr>
              </thead>
              <tbody>
                {result.top.map((c, i) => (
                  <tr key={c.licenceId}>
                    <td>{i + 1}</td>
                    <td className="mono">
                      <Link to={`/licences/${c.licenceId}`}>{c.licenceId}</Link>
                    </td>
                    <td>
                      {pick(c.licensee, lang)} <span className="muted mono">{c.licensee.uscc}</span>
                    </td>
                    <td>{c.productTitle ? pick(c.productTitle, lang) : '-'}</td>
                    <td className="mono">
                      {c.matches}/{c.trials}
                    </td>
                    <td className="mono">{c.fa}</td>
                    <td>{c.accused ? <span className="badge bad">✓</span> : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <LedgerReceipt seq={result.querySeq} />
        </section>
      ) : null}
    </>
  )
}
