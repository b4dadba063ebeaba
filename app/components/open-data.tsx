// UI pieces of the open-data portal (C6): section navigation and facet value labels.
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GUANGDONG_REGIONS } from '~/services/open-data/regions'
import { pick, type Lang } from './common'
import type { Translate as T } from '~/i18n/config'

export function OpenNav() {
  const { t } = useTranslation()
  return (
    <nav className="open-nav" aria-label={t('openData.nav')}>
      <Link to="/open">{t('openData.nav')}</Link>
      <Link to="/open/catalog">{t('openData.yearly.nav')}</Link>
      <Link to="/open/comments">{t('openData.comments.nav')}</Link>
    </nav>
  )
}

/** A facet value in the reader's language (catalog vocabularies, region names, department names). */
export function facetValueLabel(
  t: T,
  lang: Lang,
  facet: string,
  value: string,
  label?: { zh: string; en: string },
): string {
  if (label) return pick(label, lang)
  switch (facet) {
    case 'sharingType':
    case 'openAttribute':
    case 'updateFrequency':
    case 'dataForm':
    case 'category':
    case 'level':
      return t(`catalog.${facet}.${value}`)
    case 'grade':
      return t(`catalog.gradeTier.${value}`)
    case 'region':
      return GUANGDONG_REGIONS[value] ? pick(GUANGDONG_REGIONS[value], lang) : value
    default:
      return value
  }
}

export { formatBytes } from './common'
