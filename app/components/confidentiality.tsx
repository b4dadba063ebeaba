// The confidentiality review panel (保密审查, Art. 46): the review of an entry's working copy before
// it opens data, or of a request for important data before it is granted — its outcome and
// reviewer when made, the form when this user may make it. Works without JavaScript.
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { LedgerReceipt } from '~/components/common'
import { CONFIDENTIALITY_OUTCOMES } from '~/vocab/security'

export interface ConfidentialityState {
  review: {
    outcome: 'passed' | 'failed'
    note: string
    at: string
    reviewerName: string
    loggedSeq: number | null
  } | null
  canReview: boolean
}

export function ConfidentialityPanel({
  state,
  intro,
  intent,
  fieldError,
}: {
  state: ConfidentialityState
  intro: string
  intent: string
  fieldError?: string
}) {
  const { t } = useTranslation()
  const r = state.review
  return (
    <section className="card" id="confidentiality">
      <h2>{t('confidentiality.title')}</h2>
      <p className="muted">{intro}</p>
      {r ? (
        <p>
          <span className={`badge ${r.outcome === 'passed' ? 'ok' : 'bad'}`}>
            {t(`confidentiality.outcomes.${r.outcome}`)}
          </span>{' '}
          {r.note} · {t('confidentiality.reviewedBy')} {r.reviewerName} · <DateTime iso={r.at} />
        </p>
      ) : (
        <p className="badge warn">{t('confidentiality.notReviewed')}</p>
      )}
      {r ? <LedgerReceipt seq={r.loggedSeq} /> : null}
      {state.canReview ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value={intent} />
          <fieldset>
            <legend>{t('confidentiality.outcome')}</legend>
            {CONFIDENTIALITY_OUTCOMES.map((o) => (
              <label key={o} className="inline">
                <input
                  type="radio"
                  name="outcome"
                  value={o}
                  required
                  defaultChecked={o === 'passed'}
                />{' '}
                {t(`confidentiality.outcomes.${o}`)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('confidentiality.note')}
            <textarea name="note" rows={3} required minLength={4} maxLength={2000} />
          </label>
          {fieldError ? <p className="field-error">{fieldError}</p> : null}
          <button type="submit" className="secondary">
            {t('confidentiality.record')}
          </button>
        </Form>
      ) : null}
    </section>
  )
}
