// Issue 8 regulator console: the transaction log filtered by org, actor, action, subject and dates.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LedgerTable } from '~/components/ledger-table'
import { regulatorLog } from '~/services/supervision/queries.server'
import { filterParams, logFilterSchema } from '~/services/supervision/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { LEDGER_ACTION_NAMES } from '~/services/ledger/actions'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const filters = validate(logFilterSchema, queryObject(request), t.locale)
    const page = await regulatorLog(user, filters)
    return { filters: filterParams(filters), ...page }
  })
}

const FIELDS = [
  ['org', 'regulatorConsole.org', 'text'],
  ['actor', 'regulatorConsole.actorUser', 'text'],
  ['subject', 'regulatorConsole.subject', 'text'],
  ['from', 'regulatorConsole.from', 'date'],
  ['to', 'regulatorConsole.to', 'date'],
] as const

export default function RegulatorLog() {
  const { t } = useTranslation()
  const { filters, entries, nextBeforeSeq, orgNames } = useLoaderData<typeof loader>()
  const query = new URLSearchParams(filters).toString()
  const older = new URLSearchParams({ ...filters, before: String(nextBeforeSeq ?? '') }).toString()
  return (
    <section className="card">
      <p>
        <Link to="/regulator">← {t('nav.home')}</Link>
      </p>
      <h1>{t('regulatorConsole.title')}</h1>
      <p className="muted">{t('regulatorConsole.intro')}</p>
      <Form method="get" className="filters">
        {FIELDS.map(([name, label, type]) => (
          <label key={name}>
            {t(label)} <input name={name} type={type} defaultValue={filters[name] ?? ''} />
          </label>
        ))}
        <label>
          {t('regulatorConsole.action')}{' '}
          {/* The registered actions (actions.ts), grouped by what they concern. */}
          <select name="action" defaultValue={filters.action ?? ''}>
            <option value="">{t('regulatorConsole.anyAction')}</option>
            {LEDGER_ACTION_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('regulatorConsole.apply')}
        </button>{' '}
        <Link to="/regulator/log">{t('regulatorConsole.reset')}</Link>
      </Form>
      <p>
        <a href={`/regulator/log.csv${query ? `?${query}` : ''}`} download>
          {t('regulatorConsole.csv')}
        </a>
        {' · '}
        <a href="/regulator/export" download>
          {t('regulatorConsole.bundle')}
        </a>
      </p>
      <LedgerTable
        rows={entries}
        orgNames={orgNames}
        entryHref={(seq) => `/regulator/log/${seq}`}
      />
      {nextBeforeSeq ? <Link to={`?${older}`}>{t('regulatorConsole.older')} →</Link> : null}
    </section>
  )
}
