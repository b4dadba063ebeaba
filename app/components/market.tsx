// UI pieces of the marketplace and the product console (C7): section links, prices in fen,
// grades and states, licence terms in plain words, and the `_id`-cursor pager.
import { pick, SectionNav, useLang, type Localized } from './common'
import { useTranslation } from 'react-i18next'
import { fenToYuan } from '~/services/products/schemas'

export { formatBytes, Notice, Pager, pick, useLang, type Lang, type Localized } from './common'

export function MarketNav({ links }: { links: { to: string; label: string }[] }) {
  return <SectionNav label="market" links={links} />
}

export function Yuan({ fen }: { fen: number }) {
  return <span className="price">¥{fenToYuan(fen)}</span>
}

export interface PlanView {
  key: string
  kind: string
  title: Localized
  amountFen: number
  callsQuota: number | null
  seats: number | null
}

export function PlanPrice({ plan }: { plan: PlanView }) {
  const { t } = useTranslation()
  return (
    <>
      {plan.amountFen === 0 ? t('market.price.free') : <Yuan fen={plan.amountFen} />}
      {plan.kind === 'subscription_monthly'
        ? t('market.price.perMonth')
        : plan.kind === 'per_call'
          ? t('market.price.perCall')
          : ''}
    </>
  )
}

export function PricePlans({ plans }: { plans: PlanView[] }) {
  const { t } = useTranslation()
  const lang = useLang()
  if (plans.length === 0) return <p className="muted">{t('market.price.none')}</p>
  return (
    <table>
      <thead>
        <tr>
          <th>{t('market.price.plan')}</th>
          <th>{t('market.price.kind')}</th>
          <th>{t('market.price.amount')}</th>
          <th>{t('market.price.limits')}</th>
        </tr>
      </thead>
      <tbody>
        {plans.map((p) => (
          <tr key={p.key}>
            <td>{pick(p.title, lang)}</td>
            <td>{t(`market.planKind.${p.kind}`)}</td>
            <td className="nowrap">
              <PlanPrice plan={p} />
            </td>
            <td>
              {[
                p.callsQuota
                  ? t('market.price.quota', { n: p.callsQuota.toLocaleString('en-US') })
                  : '',
                p.seats ? t('market.price.seats', { n: p.seats }) : '',
              ]
                .filter(Boolean)
                .join(' · ') || '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function GradeBadge({ grade }: { grade: { tier: string; level: number | null } }) {
  const { t } = useTranslation()
  const text =
    grade.tier === 'general' && grade.level
      ? t('market.grade.generalN', { level: grade.level })
      : t(`market.grade.${grade.tier}`)
  return <span className={`badge ${grade.tier === 'important' ? 'warn' : ''}`}>{text}</span>
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation()
  const tone =
    state === 'published'
      ? 'ok'
      : state === 'returned' || state === 'blocked'
        ? 'bad'
        : state === 'submitted'
          ? 'warn'
          : ''
  return <span className={`badge ${tone}`}>{t(`market.state.${state}`)}</span>
}

export interface LicenceTemplateView {
  purpose: Localized
  scenario: Localized
  permittedFields: string[]
  deliveryMode: string
  durationDays: number
  derivationAllowed: boolean
  redistribution: boolean
  researchOnly: boolean
  commercialUse: boolean
  usageReport: string
}

/** The licence a buyer would get, in plain sentences (issue 6 makes the licence from this template). */
export function LicenceTerms({ terms }: { terms: LicenceTemplateView }) {
  const { t } = useTranslation()
  const lang = useLang()
  const sentences = [
    t('market.licence.purpose', { text: pick(terms.purpose, lang) }),
    t('market.licence.scenario', { text: pick(terms.scenario, lang) }),
    terms.permittedFields.length
      ? t('market.licence.someFields', { fields: terms.permittedFields.join(', ') })
      : t('market.licence.allFields'),
    t('market.licence.mode', { mode: t(`market.deliveryMode.${terms.deliveryMode}`) }),
    t('market.licence.duration', { days: terms.durationDays }),
    terms.derivationAllowed ? t('market.licence.derivationYes') : t('market.licence.derivationNo'),
    terms.redistribution
      ? t('market.licence.redistributionYes')
      : t('market.licence.redistributionNo'),
    terms.researchOnly
      ? t('market.licence.researchOnly')
      : terms.commercialUse
        ? t('market.licence.commercial')
        : t('market.licence.nonCommercial'),
    terms.usageReport === 'none'
      ? t('market.licence.usageReportNone')
      : t('market.licence.usageReport', { period: t(`market.usagePeriod.${terms.usageReport}`) }),
  ]
  return (
    <ul className="terms">
      {sentences.map((s, i) => (
        <li key={i}>{s}</li>
      ))}
    </ul>
  )
}

export function FieldErrors({ errors }: { errors?: Record<string, string[]> }) {
  if (!errors) return null
  const list = Object.entries(errors).flatMap(([field, messages]) =>
    messages.map((m) => `${field}: ${m}`),
  )
  return list.length ? (
    <ul className="field-error">
      {list.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  ) : null
}
