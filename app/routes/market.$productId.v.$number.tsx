import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatBytes, MarketNav, Notice, pick, StateBadge, useLang } from '~/components/market'
import { ProvenanceGraph } from '~/components/provenance-graph'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { versionPageData } from '~/services/products/pages.server'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// Art. 38: one version and its provenance graph back to the source catalog entries and their
// source departments — a picture, a table, and the PROV-JSON link.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return pageGuard(t, async () =>
    versionPageData(
      await optionalViewer(request),
      params.productId ?? '',
      Number(params.number),
      t,
    ),
  )
}

export default function VersionProvenance() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, product, version, picture, rows, counts, audience } = useLoaderData<typeof loader>()
  const title = t('market.provenance.title', {
    title: pick(product.title, lang),
    n: version.number,
  })
  return (
    <>
      <section className="card">
        <h1>{title}</h1>
        <MarketNav links={nav} />
        <p>
          <Link to={`/market/${product.id}`}>← {pick(product.title, lang)}</Link> ·{' '}
          <StateBadge state={version.state} /> ·{' '}
          <a href={`/api/v1/products/${product.id}/versions/${version.number}/provenance`}>
            {t('market.provenance.json')}
          </a>
        </p>
        <p className="muted">
          {t('market.provenance.intro')} {t('market.provenance.stats', counts)}
        </p>
        {audience === 'public' ? <Notice>{t('market.provenance.publicView')}</Notice> : null}
        {counts.truncated ? <Notice tone="warn">{t('market.provenance.truncated')}</Notice> : null}
        <ProvenanceGraph layout={picture} title={title} />
      </section>

      <section className="card">
        <h2>{t('market.provenance.steps')}</h2>
        <table>
          <thead>
            <tr>
              <th>{t('market.provenance.entity')}</th>
              <th>{t('market.provenance.activity')}</th>
              <th>{t('market.provenance.used')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>
                  <Link to={`/market/${r.productId}/v/${r.number}`}>{r.title}</Link>
                  <div className="muted">{r.owner}</div>
                  {r.digest ? <div className="digest">sha256 {r.digest}</div> : null}
                </td>
                <td>
                  <strong>{r.activity}</strong> · {formatDateTime(r.at, lang)}
                  {r.description ? <div>{r.description}</div> : null}
                  {r.parameters && r.parameters !== '{}' ? (
                    <code className="digest">{r.parameters}</code>
                  ) : null}
                </td>
                <td>
                  <ul className="reasons">
                    {r.used.map((u) => (
                      <li key={u.key}>
                        {u.label || t('market.provenance.hiddenEntry')}
                        {u.version ? ` · v${u.version}` : ''} —{' '}
                        {u.role === 'model'
                          ? t('market.provenance.edgeModel')
                          : u.basis
                            ? t(`market.basis.${u.basis}`)
                            : '—'}
                        {u.basisRef ? <span className="muted mono"> ({u.basisRef})</span> : null}
                        {u.digest ? (
                          <div className="digest">
                            {u.digestOf === 'metadata'
                              ? t('market.provenance.metadataDigest')
                              : 'sha256'}{' '}
                            {u.digest}
                          </div>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>{t('market.product.files')}</h2>
        <table>
          <thead>
            <tr>
              <th>{t('market.product.file')}</th>
              <th>{t('market.product.format')}</th>
              <th>{t('market.product.size')}</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {version.distributions.map((d) => (
              <tr key={d.key}>
                <td>{d.kind === 'api' ? d.endpoint : d.key}</td>
                <td>{d.format}</td>
                <td className="nowrap">{formatBytes(d.sizeBytes)}</td>
                <td className="digest">{d.sha256 ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {version.schema.length ? (
          <>
            <h2>{t('market.product.schema')}</h2>
            <table>
              <tbody>
                {version.schema.map((f) => (
                  <tr key={f.name}>
                    <td className="mono">{f.name}</td>
                    <td>{pick(f.label, lang)}</td>
                    <td>{f.type}</td>
                    <td>{f.personal ? t('market.product.personal') : ''}</td>
                    <td>
                      {f.fixed
                        ? t('market.product.toleranceFixed')
                        : f.toleranceAbsolute
                          ? t('market.product.toleranceAbsolute', { delta: f.toleranceAbsolute })
                          : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </section>
    </>
  )
}
