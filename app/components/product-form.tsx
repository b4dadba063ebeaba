// The product form of the console (C7): flat fields that `productFormSchema` turns into a
// product; works without JavaScript. Posted values come back on a refusal.
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CATALOG_CATEGORIES } from '~/vocab/catalog'
import { MODEL_RUNNERS } from '~/services/products/schemas'
import {
  DELIVERY_MODES,
  PRICE_PLAN_KINDS,
  PRODUCT_KINDS,
  USAGE_REPORT_PERIODS,
} from '~/vocab/products'
import { FormError } from './form'
import { FieldErrors } from './market'

type Values = Record<string, unknown>

function str(values: Values, name: string, fallback = ''): string {
  const v = values[name]
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? fallback) : fallback
}

function list(values: Values, name: string): string[] {
  const v = values[name]
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []
}

const PLAN_ROWS = 3

export function ProductForm({
  values,
  canModel,
  failure,
  submitLabel,
}: {
  values: Values
  canModel: boolean
  failure?: { formError?: string; fieldErrors?: Record<string, string[]> }
  submitLabel: string
}) {
  const { t } = useTranslation()
  const err = (name: string) => failure?.fieldErrors?.[name]
  const kinds = PRODUCT_KINDS.filter((k) => k !== 'model' || canModel)
  const planKinds = list(values, 'p_kind')
  const rows = Math.max(PLAN_ROWS, planKinds.length + 1)
  const checked = (name: string, fallback = false) =>
    values[name] === undefined ? fallback : values[name] === 'on' || values[name] === 'true'
  return (
    <Form method="post" className="product-form stack">
      <FormError message={failure?.formError} />
      <FieldErrors errors={failure?.fieldErrors} />
      <fieldset>
        <legend>{t('market.form.basics')}</legend>
        <div className="row">
          <label>
            {t('market.form.kind')}
            <select name="kind" defaultValue={str(values, 'kind', 'dataset')}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`market.kind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('market.form.category')}
            <select name="category" defaultValue={str(values, 'category', 'economy')}>
              {CATALOG_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`catalog.category.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('market.form.grade')}
            <span className="hint">{t('market.form.gradeHint')}</span>
            <select
              name="gradeTier"
              defaultValue={str(values, 'gradeTier', 'general')}
              aria-invalid={err('gradeTier') ? true : undefined}
            >
              <option value="general">{t('market.grade.general')}</option>
              <option value="important">{t('market.grade.important')}</option>
              <option value="core">{t('market.grade.core')}</option>
            </select>
          </label>
          <label>
            {t('market.form.gradeLevel')}
            <select name="gradeLevel" defaultValue={str(values, 'gradeLevel', '1')}>
              <option value="">—</option>
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('market.form.titleZh')}
          <input
            name="titleZh"
            required
            defaultValue={str(values, 'titleZh')}
            aria-invalid={err('titleZh') ? true : undefined}
          />
        </label>
        <label>
          {t('market.form.titleEn')}
          <input name="titleEn" defaultValue={str(values, 'titleEn')} />
        </label>
        <label>
          {t('market.form.descriptionZh')}
          <textarea name="descriptionZh" rows={3} defaultValue={str(values, 'descriptionZh')} />
        </label>
        <label>
          {t('market.form.descriptionEn')}
          <textarea name="descriptionEn" rows={3} defaultValue={str(values, 'descriptionEn')} />
        </label>
        <label>
          {t('market.form.tags')}
          <input name="tags" defaultValue={str(values, 'tags')} />
        </label>
        <label>
          {t('market.form.sample')}
          <span className="hint">{t('market.form.sampleHint')}</span>
          <textarea name="sample" rows={5} className="mono" defaultValue={str(values, 'sample')} />
        </label>
      </fieldset>

      <fieldset>
        <legend>{t('market.form.pricePlans')}</legend>
        <p className="hint">{t('market.form.pricePlansHint')}</p>
        <table className="rows">
          <thead>
            <tr>
              <th>{t('market.price.kind')}</th>
              <th>{t('market.form.planTitleZh')}</th>
              <th>{t('market.form.planTitleEn')}</th>
              <th>{t('market.form.amountYuan')}</th>
              <th>{t('market.form.quota')}</th>
              <th>{t('market.form.seats')}</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, i) => (
              <tr key={i}>
                <td>
                  <select
                    name="p_kind"
                    defaultValue={planKinds[i] ?? 'one_off'}
                    aria-label={t('market.price.kind')}
                  >
                    {PRICE_PLAN_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`market.planKind.${k}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    name="p_titleZh"
                    defaultValue={list(values, 'p_titleZh')[i] ?? ''}
                    aria-label={t('market.form.planTitleZh')}
                  />
                </td>
                <td>
                  <input
                    name="p_titleEn"
                    defaultValue={list(values, 'p_titleEn')[i] ?? ''}
                    aria-label={t('market.form.planTitleEn')}
                  />
                </td>
                <td>
                  <input
                    name="p_amount"
                    inputMode="decimal"
                    defaultValue={list(values, 'p_amount')[i] ?? ''}
                    aria-label={t('market.form.amountYuan')}
                  />
                </td>
                <td>
                  <input
                    name="p_quota"
                    inputMode="numeric"
                    defaultValue={list(values, 'p_quota')[i] ?? ''}
                    aria-label={t('market.form.quota')}
                  />
                </td>
                <td>
                  <input
                    name="p_seats"
                    inputMode="numeric"
                    defaultValue={list(values, 'p_seats')[i] ?? ''}
                    aria-label={t('market.form.seats')}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>

      <fieldset>
        <legend>{t('market.form.licence')}</legend>
        <p className="hint">{t('market.form.licenceHint')}</p>
        <div className="row">
          <label>
            {t('market.form.purposeZh')}
            <input name="l_purposeZh" required defaultValue={str(values, 'l_purposeZh')} />
          </label>
          <label>
            {t('market.form.purposeEn')}
            <input name="l_purposeEn" defaultValue={str(values, 'l_purposeEn')} />
          </label>
          <label>
            {t('market.form.scenarioZh')}
            <input name="l_scenarioZh" required defaultValue={str(values, 'l_scenarioZh')} />
          </label>
          <label>
            {t('market.form.scenarioEn')}
            <input name="l_scenarioEn" defaultValue={str(values, 'l_scenarioEn')} />
          </label>
          <label>
            {t('market.form.fields')}
            <span className="hint">{t('market.form.fieldsHint')}</span>
            <input name="l_fields" defaultValue={str(values, 'l_fields')} />
          </label>
          <label>
            {t('market.form.mode')}
            <select name="l_mode" defaultValue={str(values, 'l_mode', 'file_download')}>
              {DELIVERY_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`market.deliveryMode.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('market.form.days')}
            <input
              name="l_days"
              inputMode="numeric"
              required
              defaultValue={str(values, 'l_days', '365')}
            />
          </label>
          <label>
            {t('market.form.usageReport')}
            <select name="l_usageReport" defaultValue={str(values, 'l_usageReport', 'quarterly')}>
              {USAGE_REPORT_PERIODS.map((p) => (
                <option key={p} value={p}>
                  {t(`market.usageReportOption.${p}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="check">
          <input type="checkbox" name="l_derivation" defaultChecked={checked('l_derivation')} />{' '}
          {t('market.form.derivation')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="l_redistribution"
            defaultChecked={checked('l_redistribution')}
          />{' '}
          {t('market.form.redistribution')}
        </label>
        <label className="check">
          <input type="checkbox" name="l_researchOnly" defaultChecked={checked('l_researchOnly')} />{' '}
          {t('market.form.researchOnly')}
        </label>
      </fieldset>

      {canModel ? (
        <fieldset>
          <legend>{t('market.form.model')}</legend>
          <p className="hint">{t('market.form.modelHint')}</p>
          <label>
            {t('market.form.runner')}
            <select name="m_runner" defaultValue={str(values, 'm_runner', 'land-use-structure')}>
              {MODEL_RUNNERS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('market.form.modelInputs')}
            <span className="hint">{t('market.form.portsHint')}</span>
            <textarea
              name="m_inputs"
              rows={3}
              defaultValue={str(values, 'm_inputs')}
              aria-invalid={err('m_inputs') ? true : undefined}
            />
          </label>
          <label>
            {t('market.form.modelOutputs')}
            <textarea
              name="m_outputs"
              rows={3}
              defaultValue={str(values, 'm_outputs')}
              aria-invalid={err('m_outputs') ? true : undefined}
            />
          </label>
          <label>
            {t('market.form.docZh')}
            <textarea
              name="m_docZh"
              rows={5}
              defaultValue={str(values, 'm_docZh')}
              aria-invalid={err('m_docZh') ? true : undefined}
            />
          </label>
          <label>
            {t('market.form.docEn')}
            <textarea name="m_docEn" rows={5} defaultValue={str(values, 'm_docEn')} />
          </label>
        </fieldset>
      ) : null}
      <button type="submit" className="primary">
        {submitLabel}
      </button>
    </Form>
  )
}
