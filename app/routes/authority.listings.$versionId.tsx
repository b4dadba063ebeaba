import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { formatBytes, GradeBadge, MarketNav, pick, StateBadge, useLang } from '~/components/market'
import { inputLabels } from '~/services/products/console.server'
import {
  listingDetail,
  reviewVersion,
  setScreeningByHand,
} from '~/services/products/listing.server'
import { marketLinks } from '~/services/products/pages.server'
import { authorityListingActionSchema, reasonLines } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { formFailure } from '~/utils/forms.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'review:listing:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const detail = await listingDetail(user, params.versionId ?? '')
    return {
      nav: marketLinks(user, t),
      ...detail,
      inputTitles: await inputLabels(detail.version.inputs),
    }
  })
}

// Approve / return an important-grade version with reasons, or set screening by hand (Art. 32).
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'review:listing:any')
  const t = await getT(request)
  const versionId = params.versionId ?? ''
  try {
    const input = await parseForm(request, authorityListingActionSchema, t.locale)
    if (input.intent === 'review') {
      await reviewVersion({
        reviewer: user,
        versionId,
        decision: input.decision,
        reasons: reasonLines(input.reasons),
      })
    } else {
      await setScreeningByHand({
        authority: user,
        versionId,
        status: input.status,
        note: input.note,
      })
    }
    return redirect(`/authority/listings/${versionId}?done=${input.intent}`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function ListingReview() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, version, product, history, orgNames, inputTitles } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const canReview = version.state === 'submitted' && version.review.status === 'pending'
  const canScreen =
    version.state === 'submitted' ||
    (version.state === 'blocked' && version.blockedReason === 'screening_failed')
  return (
    <>
      <section className="card">
        <h1>
          {pick(product?.title, lang)} · v{version.number} <StateBadge state={version.state} />
        </h1>
        <MarketNav links={nav} />
        <p>
          <Link to="/authority/listings">← {t('market.reviewQueue.title')}</Link> ·{' '}
          <Link to={`/market/${version.productId}/v/${version.number}`}>
            {t('market.console.provenance')}
          </Link>
        </p>
        <FormError message={failure?.formError} />
        <table className="details">
          <tbody>
            <tr>
              <th>{t('market.product.provider')}</th>
              <td>{pick(orgNames[version.ownerOrgId], lang)}</td>
            </tr>
            <tr>
              <th>{t('market.form.grade')}</th>
              <td>{product ? <GradeBadge grade={product.grade} /> : null}</td>
            </tr>
            <tr>
              <th>{t('market.console.screening')}</th>
              <td>
                {t(`market.screening.${version.screening.status}`)}
                {version.screening.source
                  ? ` · ${t(`market.screeningBy.${version.screening.source}`)}`
                  : ''}
                {version.screening.note ? ` — ${version.screening.note}` : ''}
              </td>
            </tr>
            <tr>
              <th>{t('market.console.review')}</th>
              <td>{t(`market.review.${version.review.status}`)}</td>
            </tr>
            <tr>
              <th>{t('market.provenance.activity')}</th>
              <td>
                {pick(version.activity.label, lang)}{' '}
                {version.activity.description ? `— ${version.activity.description}` : ''}
              </td>
            </tr>
            <tr>
              <th>{t('market.provenance.used')}</th>
              <td>
                <ul className="reasons">
                  {version.inputs.map((i) => (
                    <li key={`${i.kind}:${i.ref}`}>
                      {pick(inputTitles[`${i.kind}:${i.ref}`], lang)} —{' '}
                      {i.basis ? t(`market.basis.${i.basis}`) : '—'}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
            <tr>
              <th>{t('market.product.files')}</th>
              <td>
                {version.distributions.map((d) => (
                  <div key={d.key}>
                    {d.fileName ?? d.endpoint} · {d.format} · {formatBytes(d.sizeBytes)}{' '}
                    <span className="digest">{d.sha256}</span>
                  </div>
                ))}
              </td>
            </tr>
          </tbody>
        </table>
      </section>
      <div className="two-col">
        <section className="card">
          <h2>{t('market.reviewQueue.decide')}</h2>
          {canReview ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="review" />
              <label>
                {t('market.reviewQueue.reasons')}
                <span className="hint">{t('market.reviewQueue.reasonsHint')}</span>
                <textarea
                  name="reasons"
                  rows={3}
                  aria-invalid={failure?.fieldErrors?.reasons ? true : undefined}
                />
              </label>
              <div className="inline-form">
                <button type="submit" name="decision" value="approved" className="primary">
                  {t('market.reviewQueue.approve')}
                </button>{' '}
                <button type="submit" name="decision" value="returned" className="secondary">
                  {t('market.reviewQueue.return')}
                </button>
              </div>
            </Form>
          ) : (
            <p className="muted">{t('market.reviewQueue.noDecision')}</p>
          )}
        </section>
        <section className="card">
          <h2>{t('market.reviewQueue.screeningTitle')}</h2>
          {canScreen ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="screening" />
              <p className="hint">{t('market.reviewQueue.screeningHint')}</p>
              <label>
                {t('market.reviewQueue.screeningNote')}
                <input name="note" required />
              </label>
              <div className="inline-form">
                <button type="submit" name="status" value="passed" className="primary">
                  {t('market.reviewQueue.screeningPassed')}
                </button>{' '}
                <button type="submit" name="status" value="failed" className="secondary">
                  {t('market.reviewQueue.screeningFailed')}
                </button>
              </div>
            </Form>
          ) : (
            <p className="muted">{t('market.reviewQueue.noScreening')}</p>
          )}
        </section>
      </div>
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
                <td>{h.actorOrgId ? pick(orgNames[h.actorOrgId], lang) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}
