// The catalog parts of the agency's and the authority's dashboards: returned entries, open Art. 11
// obligations, stale data (Art. 16), open quality issues (Art. 17) and the review queue.
import { CatalogEntry } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import { QualityIssue } from '#models/quality-issue'
import type { AuthUser } from '~/services/identity/auth.server'
import { listOpenDeadlines } from './deadlines.server'
import { entryView } from './entries.server'
import { listStaleEntries } from './freshness.server'

export async function agencyCatalogDashboard(user: AuthUser, now = new Date()) {
  const orgId = user.org?.id ?? ''
  const [returned, deadlines, stale, openIssues] = await Promise.all([
    CatalogEntry.find({ orgId, status: 'returned' }).sort({ _id: 1 }).limit(50).lean(),
    listOpenDeadlines({ orgId }, now),
    listStaleEntries({ orgId }, 50),
    QualityIssue.countDocuments({ orgId, status: 'open' }),
  ])
  return { returned: returned.map(entryView), deadlines, stale, openIssues }
}

export async function authorityCatalogDashboard(user: AuthUser, now = new Date()) {
  const org = user.org
    ? await Organization.findById(user.org.id, { level: 1, regionCode: 1 }).lean()
    : null
  const level = org?.level ?? 'province'
  const regionCode = org?.regionCode ?? '440000'
  const [queue, deadlines, stale] = await Promise.all([
    CatalogEntry.countDocuments({ status: 'submitted', level, regionCode }),
    listOpenDeadlines({ level }, now),
    listStaleEntries({}, 200),
  ])
  return { queue, deadlines, stale }
}
