// UI pieces of research access (Art. 26) and usage reports (Art. 46): the section nav, status
// badges, the field checklist, and the cards the home pages show.
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDateTime } from '~/utils/format'
import { pick, SectionNav, useLang, type Localized } from './common'

export { LedgerReceipt, Notice, Pager, pick, useLang, type Localized } from './common'

export function ResearchNav({ links }: { links: { to: string; label: string }[] }) {
  const { t } = useTranslation()
  return links.length > 1 ? <SectionNav label={t('research.title')} links={links} /> : null
}

export function RequestStatus({ status, overdue }: { status: string; overdue?: boolean }) {
  const { t } = useTranslation()
  const tone = status === 'approved' ? 'ok' : status === 'refused' ? 'bad' : 'warn'
  return (
    <>
      <span className={`badge ${tone}`}>{t(`research.status.${status}`)}</span>
      {overdue ? <span className="badge bad"> {t('research.overdue')}</span> : null}
    </>
  )
}

export function PeriodStateBadge({ state, late }: { state: string; late?: boolean }) {
  const { t } = useTranslation()
  const tone =
    state === 'submitted' ? 'ok' : state === 'overdue' ? 'bad' : state === 'due' ? 'warn' : ''
  return (
    <span className={`badge ${tone}`}>
      {t(`research.usage.state.${state}`)}
      {late ? ` · ${t('research.usage.late')}` : ''}
    </span>
  )
}

/** Checkboxes for field names (a repeated `name`), with their labels. */
export function FieldChecklist({
  name,
  fields,
  checked,
  errors,
}: {
  name: string
  fields: { name: string; label: Localized }[]
  checked: readonly string[]
  errors?: string[]
}) {
  const lang = useLang()
  return (
    <fieldset
      className="field-checklist"
      aria-invalid={errors?.length ? true : undefined}
      style={{
        display: 'grid',
        gridTemplateColumns: 'repeat(auto-fill, minmax(14rem, 1fr))',
        gap: '0.35rem 1rem',
        border: '1px solid var(--line)',
        borderRadius: 6,
      }}
    >
      {fields.map((f) => (
        <label
          key={f.name}
          className="check"
          style={{ display: 'flex', gap: '0.45rem', alignItems: 'center', fontWeight: 400 }}
        >
          <input
            type="checkbox"
            name={name}
            value={f.name}
            defaultChecked={checked.includes(f.name)}
          />
          <code>{f.name}</code>
          {pick(f.label, lang) !== f.name ? (
            <span className="muted"> {pick(f.label, lang)}</span>
          ) : null}
        </label>
      ))}
      {errors?.length ? <p className="field-error">{errors.join(' ')}</p> : null}
    </fieldset>
  )
}

export interface ResearchHomeData {
  links: { to: string; label: string }[]
  mine?: { pending: number; approved: number; refused: number }
  inbox?: { pending: number; overdue: number }
  usage?: { licences: number; due: number; overdue: number }
}

function Stat({
  label,
  value,
  to,
  alert,
}: {
  label: string
  value: number
  to: string
  alert?: boolean
}) {
  return (
    <Link to={to} className="research-stat">
      <div className="muted">{label}</div>
      <div
        className={`stat${alert && value > 0 ? ' alert' : ''}`}
        style={alert && value > 0 ? { color: 'var(--bad)' } : undefined}
      >
        {value}
      </div>
    </Link>
  )
}

/** Home-page card: own requests (researchers), the inbox (owners), usage reports (licensees). */
export function ResearchHomeCard({ data }: { data: ResearchHomeData }) {
  const { t } = useTranslation()
  if (!data.mine && !data.inbox && !data.usage) return null
  return (
    <section className="card">
      <h2>{t('research.home.title')}</h2>
      <div className="grid">
        {data.mine ? (
          <>
            <Stat
              label={t('research.home.minePending')}
              value={data.mine.pending}
              to="/research/requests?status=pending"
            />
            <Stat
              label={t('research.home.mineApproved')}
              value={data.mine.approved}
              to="/research/requests?status=approved"
            />
          </>
        ) : null}
        {data.inbox ? (
          <>
            <Stat
              label={t('research.home.inboxPending')}
              value={data.inbox.pending}
              to="/research/inbox?status=pending"
            />
            <Stat
              label={t('research.home.inboxOverdue')}
              value={data.inbox.overdue}
              to="/research/inbox?status=pending"
              alert
            />
          </>
        ) : null}
        {data.usage ? (
          <>
            <Stat label={t('research.home.usageDue')} value={data.usage.due} to="/usage-reports" />
            <Stat
              label={t('research.home.usageOverdue')}
              value={data.usage.overdue}
              to="/usage-reports"
              alert
            />
          </>
        ) : null}
      </div>
      <p>
        {data.links.map((l, i) => (
          <span key={l.to}>
            {i > 0 ? ' · ' : ''}
            <Link to={l.to}>{l.label}</Link>
          </span>
        ))}
      </p>
    </section>
  )
}

export interface OverdueReportsData {
  total: number
  rows: {
    id: string
    licenceId: string
    title: Localized
    licensee: Localized
    licensor: Localized
    period: string
    dueAt: string
  }[]
}

/** Dashboard card (provider, authority): usage reports past due and still not in (Art. 46). */
export function OverdueReportsCard({
  data,
  showLicensor = false,
}: {
  data: OverdueReportsData
  showLicensor?: boolean
}) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <section className="card">
      <h2>
        {t('research.usage.overdueTitle')}{' '}
        <span className={`badge${data.total ? ' bad' : ''}`}>{data.total}</span>
      </h2>
      {data.rows.length === 0 ? (
        <p className="muted">{t('research.usage.noOverdue')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('research.usage.subject')}</th>
              <th>{t('research.usage.licensee')}</th>
              {showLicensor ? <th>{t('research.usage.licensor')}</th> : null}
              <th>{t('research.usage.period')}</th>
              <th>{t('research.usage.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/usage-reports/${r.licenceId}`}>
                    {pick(r.title, lang) || r.licenceId}
                  </Link>
                </td>
                <td>{pick(r.licensee, lang)}</td>
                {showLicensor ? <td>{pick(r.licensor, lang)}</td> : null}
                <td className="nowrap mono">{r.period}</td>
                <td className="nowrap">{formatDateTime(r.dueAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** The research and usage-report cards of a home page; its loader spreads `researchHomeData(...)`. */
export function ResearchHomeSection() {
  const data = useLoaderData<{
    researchHome?: ResearchHomeData
    overdueReports?: OverdueReportsData | null
  }>()
  const authority =
    useRouteLoaderData<{ user?: { org?: { type?: string } } }>('root')?.user?.org?.type ===
    'authority'
  return (
    <>
      {data.researchHome ? <ResearchHomeCard data={data.researchHome} /> : null}
      {data.overdueReports ? (
        <OverdueReportsCard data={data.overdueReports} showLicensor={authority} />
      ) : null}
    </>
  )
}

/** "Request research access" on a product or catalog entry page, for research institutions (Art. 26). */
export function ResearchAccessLink({ product, entry }: { product?: string; entry?: string }) {
  const { t } = useTranslation()
  const roles =
    useRouteLoaderData<{ user?: { roles?: string[] } | null }>('root')?.user?.roles ?? []
  if (!roles.includes('researcher')) return null
  const query = product ? `product=${product}` : `entry=${entry}`
  return (
    <section className="card">
      <h2>{t('research.requestAccess')}</h2>
      <p className="muted">{t('research.requestAccessHint')}</p>
      <Link to={`/research/requests/new?${query}`} className="button">
        {t('research.requestAccess')}
      </Link>
    </section>
  )
}

interface RequestRow {
  id: string
  subjectTitle: Localized
  subjectKind: string
  requesterOrgId: string
  ownerOrgId: string
  project: { name: string; number: string }
  status: string
  overdue?: boolean
  createdAt: string
  replyDueAt: string
}

/**
 * Art. 26: a list of research requests, for the requester (who owns the data asked for) or for the
 * owner's inbox (who asks); each with its status and reply date (Art. 23).
 */
export function RequestTable({
  items,
  orgNames,
  party,
}: {
  items: RequestRow[]
  orgNames: Record<string, Localized>
  /** The other side shown in the second column. */
  party: 'owner' | 'requester'
}) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <table>
      <thead>
        <tr>
          <th>{t('research.subject')}</th>
          <th>{t(party === 'owner' ? 'research.owner' : 'research.requester')}</th>
          <th>{t('research.project')}</th>
          <th>{t('research.statusLabel')}</th>
          <th>{t('research.submittedAt')}</th>
          <th>{t('research.replyDueAt')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id}>
            <td>
              <Link to={`/research/requests/${r.id}`}>{pick(r.subjectTitle, lang)}</Link>
              <div className="muted">{t(`research.kind.${r.subjectKind}`)}</div>
            </td>
            <td>{pick(orgNames[party === 'owner' ? r.ownerOrgId : r.requesterOrgId], lang)}</td>
            <td>
              {r.project.name} <span className="mono muted">{r.project.number}</span>
            </td>
            <td className="nowrap">
              <RequestStatus status={r.status} overdue={r.overdue} />
            </td>
            <td className="nowrap">{formatDateTime(r.createdAt, lang)}</td>
            <td className="nowrap">{formatDateTime(r.replyDueAt, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
