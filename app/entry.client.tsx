import { RemixBrowser } from '@remix-run/react'
import { startTransition, StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { createI18n, DEFAULT_LOCALE, isLocale } from './i18n/config'

const lang = document.documentElement.lang
const i18n = createI18n(isLocale(lang) ? lang : DEFAULT_LOCALE)

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <RemixBrowser />
      </I18nextProvider>
    </StrictMode>,
  )
})
