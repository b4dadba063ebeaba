import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useRevalidator,
  useSearchParams,
} from '@remix-run/react'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { formatBytes, MarketNav, Notice, pick, StateBadge, useLang } from '~/components/market'
import { subjectReports } from '~/services/desensitize/screening.server'
import { versionConsoleData } from '~/services/products/console.server'
import { marketLinks } from '~/services/products/pages.server'
import { versionActionSchema } from '~/services/products/schemas'
import { receiveVersionFile } from '~/services/products/upload.server'
import { removeFileFromDraft, submitVersion } from '~/services/products/versions.server'
import marketCss from '~/styles/market.css?url'
import { formFailure } from '~/utils/forms.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C7: a version in the console — upload its files (streamed; progress with JavaScript),
// submit it, and follow its screening and review.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const data = await versionConsoleData(user, params.productId ?? '', Number(params.number))
    // Art. 32: the version's scan reports (a failed one offers desensitization).
    return {
      nav: marketLinks(user, t),
      ...data,
      scanReports: await subjectReports(user, `product-version:${data.version.id}`),
    }
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  const productId = params.productId ?? ''
  const number = Number(params.number)
  const here = `/provider/products/${productId}/versions/${number}`
  try {
    // Without JavaScript the file form posts here (multipart, streamed like the API).
    if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
      const file = await receiveVersionFile(user, productId, number, request)
      return redirect(`${here}?uploaded=${encodeURIComponent(file.fileName)}`)
    }
    const input = await parseForm(request, versionActionSchema, t.locale)
    if (input.intent === 'removeFile') {
      await removeFileFromDraft(user, productId, number, input.key)
      return redirect(here)
    }
    await submitVersion(user, productId, number)
    return redirect(`${here}?submitted=1`)
  } catch (error) {
    return formFailure(error, t)
  }
}

function Uploader({ productId, number }: { productId: string; number: number }) {
  const { t } = useTranslation()
  const revalidator = useRevalidator()
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null)
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null)
  const upload = (event: FormEvent<HTMLFormElement>) => {
    const input = event.currentTarget.elements.namedItem('file') as HTMLInputElement | null
    const file = input?.files?.[0]
    if (!file || typeof XMLHttpRequest === 'undefined') return
    event.preventDefault()
    const body = new FormData()
    body.append('file', file)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/v1/products/${productId}/versions/${number}/files`)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) =>
      setProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size })
    xhr.onload = () => {
      setProgress(null)
      let reply: { file?: { fileName: string }; error?: { message: string } } = {}
      try {
        reply = JSON.parse(xhr.responseText) as typeof reply
      } catch {
        reply = {}
      }
      if (xhr.status < 300 && reply.file) {
        setMessage({ text: t('market.upload.done', { name: reply.file.fileName }), ok: true })
        if (input) input.value = ''
        revalidator.revalidate()
      } else
        setMessage({
          text: reply.error?.message ?? t('market.upload.failed', { status: xhr.status }),
          ok: false,
        })
    }
    xhr.onerror = () => {
      setProgress(null)
      setMessage({ text: t('market.upload.failed', { status: 0 }), ok: false })
    }
    setMessage(null)
    setProgress({ loaded: 0, total: file.size })
    xhr.send(body)
  }
  const percent =
    progress && progress.total ? Math.floor((progress.loaded / progress.total) * 100) : 0
  return (
    <form
      method="post"
      encType="multipart/form-data"
      onSubmit={upload}
      className="stack"
      data-testid="upload-form"
    >
      <label>
        {t('market.upload.file')}
        <span className="hint">{t('market.upload.hint')}</span>
        <input
          type="file"
          name="file"
          required
          accept=".csv,.tsv,.xlsx,.json,.geojson,.pdf,.md,.zip"
        />
      </label>
      <button type="submit" className="secondary" disabled={progress !== null}>
        {t('market.upload.submit')}
      </button>
      {progress ? (
        <div className="upload-progress" role="status" aria-live="polite">
          <progress max={100} value={percent} aria-label={t('market.upload.progress')} />
          <span>
            {percent}% · {formatBytes(progress.loaded)} / {formatBytes(progress.total)}
          </span>
        </div>
      ) : null}
      {message ? (
        <p className={message.ok ? 'notice' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      ) : null}
    </form>
  )
}

export default function ConsoleVersion() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, product, version, inputTitles, history, scanReports } =
    useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [search] = useSearchParams()
  const draft = version.state === 'draft'
  return (
    <>
      <section className="card">
        <h1>
          {pick(product.title, lang)} · v{version.number} <StateBadge state={version.state} />
        </h1>
        <MarketNav links={nav} />
        <p>
          <Link to={`/provider/products/${product.id}`}>← {t('market.console.back')}</Link>
          {version.state !== 'draft' ? (
            <>
              {' · '}
              <Link to={`/market/${product.id}/v/${version.number}`}>
                {t('market.console.provenance')}
              </Link>
            </>
          ) : null}
        </p>
        {search.get('uploaded') ? (
          <Notice>{t('market.upload.done', { name: search.get('uploaded') })}</Notice>
        ) : null}
        {search.has('submitted') ? <Notice>{t('market.console.submittedNotice')}</Notice> : null}
        <FormError message={failure?.formError} />
        <table className="details">
          <tbody>
            <tr>
              <th>{t('market.console.screening')}</th>
              <td>
                {t(`market.screening.${version.screening.status}`)}
                {version.screening.source
                  ? ` · ${t(`market.screeningBy.${version.screening.source}`)}`
                  : ''}
                {version.screening.note ? ` — ${version.screening.note}` : ''}
                {scanReports.map((r) => (
                  <span key={r.reportId}>
                    {' · '}
                    <Link
                      to={`/scans/${r.reportId}`}
                      className={r.status === 'failed' ? 'field-error' : undefined}
                    >
                      {t('scan.title')} ({t(`scan.${r.status}`)})
                    </Link>
                  </span>
                ))}
              </td>
            </tr>
            <tr>
              <th>{t('market.console.review')}</th>
              <td>
                {draft && product.grade.tier === 'important'
                  ? t('market.review.onSubmit')
                  : t(`market.review.${version.review.status}`)}
                {version.review.reasons.length ? (
                  <ul className="reasons">
                    {version.review.reasons.map((r, i) => (
                      <li key={i}>{r}</li>
                    ))}
                  </ul>
                ) : null}
              </td>
            </tr>
            {version.blockedReason ? (
              <tr>
                <th>{t('market.console.blocked')}</th>
                <td className="field-error">
                  {t(
                    `market.blocked.${version.blockedReason.startsWith('right_') ? 'rights' : version.blockedReason}`,
                  )}
                </td>
              </tr>
            ) : null}
            <tr>
              <th>{t('market.provenance.activity')}</th>
              <td>
                {pick(version.activity.label, lang)}
                {version.activity.description ? ` — ${version.activity.description}` : ''}
              </td>
            </tr>
            <tr>
              <th>{t('market.provenance.used')}</th>
              <td>
                <ul className="reasons">
                  {version.inputs.map((i) => (
                    <li key={`${i.kind}:${i.ref}`}>
                      {pick(inputTitles[`${i.kind}:${i.ref}`], lang) || `${i.kind}:${i.ref}`} —{' '}
                      {i.role === 'model'
                        ? t('market.provenance.edgeModel')
                        : i.basis
                          ? t(`market.basis.${i.basis}`)
                          : '—'}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>{t('market.product.files')}</h2>
        {version.distributions.length === 0 ? (
          <p className="muted">{t('market.upload.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('market.product.file')}</th>
                <th>{t('market.product.format')}</th>
                <th>{t('market.product.size')}</th>
                <th>SHA-256</th>
                {draft ? <th>{t('common.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {version.distributions.map((d) => (
                <tr key={d.key}>
                  <td>
                    {d.fileName ?? d.endpoint} <span className="muted mono">{d.key}</span>
                  </td>
                  <td>{d.format}</td>
                  <td className="nowrap">{formatBytes(d.sizeBytes)}</td>
                  <td className="digest">{d.sha256 ?? '—'}</td>
                  {draft ? (
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="removeFile" />
                        <input type="hidden" name="key" value={d.key} />
                        <button type="submit" className="link-button">
                          {t('market.upload.remove')}
                        </button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {draft ? (
          <>
            <Uploader productId={product.id} number={version.number} />
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="submit" />
              <p className="hint">
                {product.grade.tier === 'important'
                  ? t('market.console.submitImportant')
                  : t('market.console.submitGeneral')}
              </p>
              <button
                type="submit"
                className="primary"
                disabled={version.distributions.length === 0}
              >
                {t('market.console.submit')}
              </button>
            </Form>
          </>
        ) : null}
      </section>

      {history.length ? (
        <section className="card">
          <h2>{t('market.console.history')}</h2>
          <table>
            <tbody>
              {history.map((h, i) => (
                <tr key={i}>
                  <td className="nowrap">{formatDateTime(h.at, lang)}</td>
                  <td>{t(`market.history.${h.step}`)}</td>
                  <td>
                    {h.step === 'blocked'
                      ? t(`market.rightShort.${h.outcome}`)
                      : t(`market.historyOutcome.${h.outcome}`, { defaultValue: h.outcome })}
                  </td>
                  <td>{h.step === 'blocked' ? '' : h.reasons.join('；')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  )
}
