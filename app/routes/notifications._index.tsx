import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, Paging } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { markNotificationsRead, notificationsPage } from '~/services/notifications/inbox.server'
import { markReadInput, notificationListQuery } from '~/services/notifications/schemas'
import { formFailure, formNotice, readForm } from '~/utils/forms.server'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireUser } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { formatDate } from '~/utils/format'

// The notification centre: every signed-in user's notices (their own and their organisation's),
// newest first, with a link to what each is about; read one or all.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const t = await getT(request)
  return pageGuard(t, () =>
    notificationsPage(user, validate(notificationListQuery, queryObject(request), t.locale)),
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const t = await getT(request)
  try {
    const input = (await readForm(request, markReadInput, t.locale)).parse()
    const changed = await markNotificationsRead(
      user,
      input.intent === 'read-all' ? 'all' : { ids: [input.id] },
    )
    return formNotice(t('notifications.marked', { count: changed }))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function Notifications() {
  const { t, i18n } = useTranslation()
  const { query, items, paging, unread } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  return (
    <section className="card">
      <h1>{t('notifications.title')}</h1>
      <p className="muted">{t('notifications.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <div className="inline-form" style={{ gap: '1.5rem' }}>
        <Link to="?" aria-current={query.unread ? undefined : 'page'}>
          {t('notifications.all')}
        </Link>
        <Link to="?unread=1" aria-current={query.unread ? 'page' : undefined}>
          {t('notifications.unread', { count: unread })}
        </Link>
        {unread > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="read-all" />
            <button type="submit" className="secondary">
              {t('notifications.readAll')}
            </button>
          </Form>
        ) : null}
      </div>
      {items.length === 0 ? (
        <p className="muted">{t('notifications.none')}</p>
      ) : (
        <ul className="notifications">
          {items.map((n) => {
            const text = t(`notifications.kinds.${n.kind}`, {
              ...n.params,
              dueAt: n.dueAt ? formatDate(n.dueAt, lang) : '',
              defaultValue: t('notifications.kinds.other', { kind: n.kind }),
            })
            return (
              <li key={n.id} className={n.read ? 'read' : 'unread'}>
                <DateTime iso={n.createdAt} />{' '}
                {n.read ? null : <span className="badge warn">{t('notifications.new')}</span>}{' '}
                {n.href ? <Link to={n.href}>{text}</Link> : text}
                {n.read ? null : (
                  <Form method="post" className="inline-form" style={{ display: 'inline' }}>
                    <input type="hidden" name="intent" value="read" />
                    <input type="hidden" name="id" value={n.id} />
                    <button type="submit" className="link-button">
                      {t('notifications.markRead')}
                    </button>
                  </Form>
                )}
              </li>
            )
          })}
        </ul>
      )}
      <Paging paging={paging} />
    </section>
  )
}
