// What the marketplace, product, version and console pages show (C7). Loaders call one of
// these after checking the caller; refusals are DomainErrors the routes turn into 4xx.
import type { AuthUser } from '~/services/identity/auth.server'
import {
  provenanceAudience,
  provenancePicture,
  provenanceRows,
  redactGraph,
} from '~/services/provenance/view.server'
import { toProvJson } from '~/services/provenance/prov-json.server'
import { walkProvenance } from '~/services/provenance/walk.server'
import { parseMarketSearchParams, searchMarket } from './market-index.server'
import { runnableInputs } from './model-runs.server'
import { loadVisibleProduct, orgNamesOf, productView } from './products.server'
import { advanceVersion } from './publication.server'
import { listVersions, loadVisibleVersion, versionView } from './versions.server'
import type { LocaleT as T } from '~/i18n/config'

export interface MarketLink {
  to: string
  label: string
}

/** The marketplace's section links this viewer may use (each page checks again). */
export function marketLinks(viewer: AuthUser | undefined, t: T): MarketLink[] {
  const links: MarketLink[] = [{ to: '/market', label: t('market.nav.browse') }]
  const p = viewer?.permissions
  if (p?.has('create:product:own-org'))
    links.push({ to: '/provider/products', label: t('market.nav.mine') })
  if (p?.has('run:model:own-org')) links.push({ to: '/market/runs', label: t('market.nav.runs') })
  if (p?.has('review:listing:any'))
    links.push({ to: '/authority/listings', label: t('market.nav.review') })
  return links
}

export async function marketPageData(viewer: AuthUser | undefined, request: Request, t: T) {
  const params = parseMarketSearchParams(new URL(request.url).searchParams, { defaultLimit: 12 })
  const result = await searchMarket(params)
  return { nav: marketLinks(viewer, t), params, result }
}

export async function productPageData(viewer: AuthUser | undefined, productId: string, t: T) {
  const { product, owner, authority } = await loadVisibleProduct(viewer, productId)
  const versions = await listVersions(productId, owner || authority)
  const view = productView(product)
  const canRun =
    view.kind === 'model' && view.listed && Boolean(viewer?.permissions.has('run:model:own-org'))
  return {
    nav: marketLinks(viewer, t),
    product: view,
    versions,
    owner,
    orgNames: await orgNamesOf([product.ownerOrgId]),
    canRun,
    runnable: canRun && viewer ? await runnableInputs(viewer) : [],
    signedIn: Boolean(viewer),
  }
}

export async function versionPageData(
  viewer: AuthUser | undefined,
  productId: string,
  number: number,
  t: T,
) {
  const { product, owner, authority } = await loadVisibleProduct(viewer, productId)
  const version = await loadVisibleVersion(productId, number, owner || authority)
  if (owner && version.state === 'submitted') await advanceVersion(String(version._id))
  const audience = provenanceAudience(viewer)
  const graph = redactGraph(await walkProvenance([String(version._id)]), audience)
  const picture = provenancePicture(graph, t, t.locale, audience)
  return {
    nav: marketLinks(viewer, t),
    product: productView(product),
    version: versionView(version),
    picture,
    rows: provenanceRows(graph, t.locale),
    counts: {
      versions: graph.versions.length,
      entries: graph.catalogEntries.length,
      departments: new Set(graph.edges.filter((e) => e.relation === 'source').map((e) => e.to))
        .size,
      queries: graph.stats.queries,
      ms: graph.stats.ms,
      truncated: graph.stats.truncated,
    },
    audience,
    orgNames: await orgNamesOf([product.ownerOrgId, ...graph.agents.map((a) => a.orgId)]),
  }
}

/** Art. 38: a version's provenance as PROV-JSON (the same visibility as the page). */
export async function provenanceDocument(
  viewer: AuthUser | undefined,
  productId: string,
  number: number,
  origin: string,
) {
  const { owner, authority } = await loadVisibleProduct(viewer, productId)
  const version = await loadVisibleVersion(productId, number, owner || authority)
  const graph = redactGraph(await walkProvenance([String(version._id)]), provenanceAudience(viewer))
  return toProvJson(graph, origin)
}
