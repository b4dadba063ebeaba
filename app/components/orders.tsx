// UI pieces of orders and payments (C8): the home pages' card of order links.
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

const LINKS = {
  buyer: [
    { to: '/orders', key: 'orders.mine' },
    { to: '/market', key: 'orders.buy' },
  ],
  provider: [
    { to: '/orders', key: 'orders.sales' },
    { to: '/provider/payouts', key: 'orders.links.payouts' },
  ],
  authority: [
    { to: '/authority/payments', key: 'orders.links.awaiting' },
    { to: '/orders', key: 'orders.all' },
  ],
} as const

/** A home page's card linking to its orders pages (each page checks the permission again). */
export function OrdersHomeCard({ section }: { section: keyof typeof LINKS }) {
  const { t } = useTranslation()
  return (
    <section className="card" id="orders-home">
      <h2>{t('orders.title')}</h2>
      <nav className="subnav" aria-label={t('orders.title')}>
        {LINKS[section].map((l) => (
          <Link key={l.to} to={l.to}>
            {t(l.key)}
          </Link>
        ))}
      </nav>
    </section>
  )
}
