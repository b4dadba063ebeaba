import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { LedgerTable } from '~/components/ledger-table'
import { RoleHome } from '~/components/role-home'
import { regulatorHome, userView } from '~/services/identity/home.server'
import { verifyChain } from '~/services/ledger/ledger.server'
import { requirePermission } from '~/utils/permissions.server'
import { getT } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'

const querySchema = z.strictObject({ before: z.coerce.number().int().positive().optional() })

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  const query = validate(
    querySchema,
    Object.fromEntries(new URL(request.url).searchParams),
    t.locale,
  )
  return {
    user: userView(user),
    ...(await regulatorHome(query.before ? { beforeSeq: query.before } : {})),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, 'verify:ledger:any')
  return verifyChain()
}

export default function RegulatorHome() {
  const { t } = useTranslation()
  const { user, entries, nextBeforeSeq, orgNames } = useLoaderData<typeof loader>()
  const verified = useActionData<typeof action>()
  return (
    <RoleHome title={t('home.regulator.title')} intro={t('home.regulator.intro')} user={user}>
      <section className="card">
        <Form method="post">
          <button type="submit" className="primary">
            {t('home.regulator.verify')}
          </button>
        </Form>
        {verified ? (
          verified.ok ? (
            <p className="notice" role="status">
              {t('home.regulator.verified', { count: verified.checked, seq: verified.headSeq })}
            </p>
          ) : (
            <p className="form-error" role="alert">
              {t('home.regulator.broken', verified.firstBroken)}
            </p>
          )
        ) : null}
      </section>
      <section className="card">
        <h2>{t('nav.ledger')}</h2>
        <p>
          <Link to="/regulator/log">{t('regulatorConsole.nav')} →</Link>
        </p>
        <p>
          <Link to="/regulator/products">{t('supervision.product.lookup')} →</Link>
          {' · '}
          <Link to="/authority/security">{t('security.title')} →</Link>
          {' · '}
          <Link to="/supervision/reports">{t('supervision.nav')} →</Link>
        </p>
        <LedgerTable
          rows={entries}
          orgNames={orgNames}
          entryHref={(seq) => `/regulator/log/${seq}`}
        />
        {nextBeforeSeq ? <Link to={`?before=${nextBeforeSeq}`}>{t('ledger.older')} →</Link> : null}
      </section>
    </RoleHome>
  )
}
