// UI pieces of the catalog pages (C2, C3): the entry form (works without JavaScript),
// the entry details, status badges, the diff table and the `_id`-cursor pager.
import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { pick, SectionNav, useLang, type Localized } from './common'
import { FormError } from './form'
import { sensitivityOf } from '~/services/catalog/schemas'
import {
  CATALOG_CATEGORIES,
  DATA_FORMS,
  FIELD_SENSITIVITY,
  FIELD_TYPES,
  GRADE_TIERS,
  OPEN_ATTRIBUTES,
  SHARING_SCOPES,
  SHARING_TYPES,
  UPDATE_FREQUENCIES,
} from '~/vocab/catalog'
import type { ContentChange } from '~/services/catalog/diff'
import { formatDateTime } from '~/utils/format'

export { formatBytes, Notice, Pager, pick, useLang, type Lang, type Localized } from './common'

export function StatusBadge({
  status,
  pendingStep,
}: {
  status: string
  pendingStep?: string | null
}) {
  const { t } = useTranslation()
  const tone =
    status === 'approved'
      ? 'ok'
      : status === 'returned'
        ? 'bad'
        : status === 'submitted'
          ? 'warn'
          : ''
  return (
    <span className={`badge ${tone}`}>
      {t(`catalog.status.${status}`)}
      {status === 'submitted' && pendingStep ? ` · ${t(`catalog.pendingStep.${pendingStep}`)}` : ''}
    </span>
  )
}

export function gradeLabel(
  t: (k: string, o?: Record<string, unknown>) => string,
  grade: { tier: string; level: number | null },
) {
  return grade.tier === 'general' && grade.level
    ? t('catalog.gradeGeneral', { level: grade.level })
    : t(`catalog.gradeTier.${grade.tier}`)
}

// --- entry details ---------------------------------------------------------------------

export interface ContentView {
  title: Localized
  description: Localized
  tags: string[]
  category: string
  dataForm: string
  fields: {
    name: string
    label: Localized
    type: string
    description: string
    personal: boolean
    sensitive: boolean
    tradeSecret: boolean
    dataItemCode: string | null
  }[]
  sharingType: string
  sharingBasis: string
  sharingConditions: string
  sharingScope: string
  sharingScopeNote: string
  openAttribute: string
  openConditions: string
  rightHolderConsent: boolean
  screeningRef: string | null
  distributions: {
    key: string
    title: Localized
    format: string
    accessUrl: string | null
    desensitized: boolean
  }[]
  updateFrequency: string
  departments: { collecting: string; verifying: string; providing: string }
  grade: { tier: string; level: number | null }
  legalBasis: string
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  )
}

export function ContentDetails({
  content: c,
  orgNames,
}: {
  content: ContentView
  orgNames: Record<string, Localized>
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const dept = (id: string) => pick(orgNames[id], lang) || id
  return (
    <>
      <p>{pick(c.description, lang)}</p>
      <table className="details">
        <tbody>
          <Row label={t('catalog.form.category')}>{t(`catalog.category.${c.category}`)}</Row>
          <Row label={t('catalog.form.dataForm')}>{t(`catalog.dataForm.${c.dataForm}`)}</Row>
          <Row label={t('catalog.form.sharingType')}>
            {t(`catalog.sharingType.${c.sharingType}`)}
          </Row>
          {c.sharingBasis ? (
            <Row label={t('catalog.form.sharingBasis')}>{c.sharingBasis}</Row>
          ) : null}
          {c.sharingConditions ? (
            <Row label={t('catalog.form.sharingConditions')}>{c.sharingConditions}</Row>
          ) : null}
          <Row label={t('catalog.form.sharingScope')}>
            {t(`catalog.sharingScope.${c.sharingScope}`)}
            {c.sharingScopeNote ? ` — ${c.sharingScopeNote}` : ''}
          </Row>
          <Row label={t('catalog.form.openAttribute')}>
            {t(`catalog.openAttribute.${c.openAttribute}`)}
          </Row>
          {c.openConditions ? (
            <Row label={t('catalog.form.openConditions')}>{c.openConditions}</Row>
          ) : null}
          {c.rightHolderConsent ? (
            <Row label={t('catalog.form.rightHolderConsent')}>{t('catalog.form.yes')}</Row>
          ) : null}
          <Row label={t('catalog.form.updateFrequency')}>
            {t(`catalog.updateFrequency.${c.updateFrequency}`)}
          </Row>
          <Row label={t('catalog.form.collecting')}>{dept(c.departments.collecting)}</Row>
          <Row label={t('catalog.form.verifying')}>{dept(c.departments.verifying)}</Row>
          <Row label={t('catalog.form.providing')}>{dept(c.departments.providing)}</Row>
          <Row label={t('catalog.form.grade')}>{gradeLabel(t, c.grade)}</Row>
          <Row label={t('catalog.form.legalBasis')}>{c.legalBasis}</Row>
          {c.tags.length ? <Row label={t('catalog.form.tags')}>{c.tags.join('、')}</Row> : null}
        </tbody>
      </table>
      <h3>{t('catalog.entry.fields')}</h3>
      <table>
        <thead>
          <tr>
            <th>{t('catalog.form.fieldName')}</th>
            <th>{t('catalog.form.fieldLabelZh')}</th>
            <th>{t('catalog.form.fieldType')}</th>
            <th>{t('catalog.form.fieldSensitivity')}</th>
            <th>{t('catalog.form.dataItemCode')}</th>
          </tr>
        </thead>
        <tbody>
          {c.fields.map((f) => (
            <tr key={f.name}>
              <td className="mono">{f.name}</td>
              <td>{pick(f.label, lang)}</td>
              <td>{t(`catalog.fieldType.${f.type}`)}</td>
              <td>
                {sensitivityOf(f) === 'none' ? (
                  ''
                ) : (
                  <span className="badge warn">{t(`catalog.sensitivity.${sensitivityOf(f)}`)}</span>
                )}
              </td>
              <td className="mono">{f.dataItemCode ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {c.distributions.length ? (
        <>
          <h3>{t('catalog.form.distributions')}</h3>
          <ul>
            {c.distributions.map((d) => (
              <li key={d.key}>
                {pick(d.title, lang)} <span className="muted">({d.format})</span>
                {d.desensitized ? (
                  <span className="badge ok"> {t('catalog.form.distDesensitized')}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  )
}

export function DiffTable({ changes }: { changes: ContentChange[] }) {
  const { t } = useTranslation()
  if (changes.length === 0) return <p className="muted">{t('catalog.entry.noChanges')}</p>
  return (
    <table className="diff">
      <thead>
        <tr>
          <th>{t('common.name')}</th>
          <th>{t('common.type')}</th>
          <th>{t('catalog.entry.before')}</th>
          <th>{t('catalog.entry.after')}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path}>
            <td className="mono">{c.path}</td>
            <td>{t(`catalog.entry.change.${c.kind}`)}</td>
            <td>
              <del>{c.before ?? ''}</del>
            </td>
            <td>
              <ins>{c.after ?? ''}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function DateTime({ iso }: { iso: string | null }) {
  const lang = useLang()
  return iso ? <time dateTime={iso}>{formatDateTime(iso, lang)}</time> : null
}

// --- the entry form ----------------------------------------------------------------------

/** The form's values as flat names (what the browser posts); repeated rows are arrays. */
export type FormValues = Record<string, string | string[]>

export function contentToFormValues(c: ContentView | null, ownOrgId: string): FormValues {
  if (!c) {
    return {
      category: 'other',
      dataForm: 'structured',
      sharingType: 'unconditional',
      sharingScope: 'all_agencies',
      openAttribute: 'not_open',
      updateFrequency: 'monthly',
      collecting: ownOrgId,
      verifying: ownOrgId,
      providing: ownOrgId,
      gradeTier: 'general',
      gradeLevel: '1',
    }
  }
  return {
    titleZh: c.title.zh,
    titleEn: c.title.en,
    descriptionZh: c.description.zh,
    descriptionEn: c.description.en,
    tags: c.tags.join(', '),
    category: c.category,
    dataForm: c.dataForm,
    f_name: c.fields.map((f) => f.name),
    f_labelZh: c.fields.map((f) => f.label.zh),
    f_labelEn: c.fields.map((f) => f.label.en),
    f_type: c.fields.map((f) => f.type),
    f_desc: c.fields.map((f) => f.description),
    f_sens: c.fields.map((f) => sensitivityOf(f)),
    f_item: c.fields.map((f) => f.dataItemCode ?? ''),
    sharingType: c.sharingType,
    sharingBasis: c.sharingBasis,
    sharingConditions: c.sharingConditions,
    sharingScope: c.sharingScope,
    sharingScopeNote: c.sharingScopeNote,
    openAttribute: c.openAttribute,
    openConditions: c.openConditions,
    rightHolderConsent: c.rightHolderConsent ? 'on' : '',
    screeningRef: c.screeningRef ?? '',
    d_key: c.distributions.map((d) => d.key),
    d_titleZh: c.distributions.map((d) => d.title.zh),
    d_titleEn: c.distributions.map((d) => d.title.en),
    d_format: c.distributions.map((d) => d.format),
    d_url: c.distributions.map((d) => d.accessUrl ?? ''),
    d_desens: c.distributions.map((d) => (d.desensitized ? 'yes' : 'no')),
    updateFrequency: c.updateFrequency,
    collecting: c.departments.collecting,
    verifying: c.departments.verifying,
    providing: c.departments.providing,
    gradeTier: c.grade.tier,
    gradeLevel: c.grade.level ? String(c.grade.level) : '',
    legalBasis: c.legalBasis,
  }
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))
const many = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

interface FormResult {
  formError?: string
  fieldErrors?: Record<string, string[]>
  values?: FormValues
}

export function EntryForm({
  values,
  result,
  agencies,
  ladder,
  extraRows,
  problems,
}: {
  values: FormValues
  result?: FormResult
  agencies: { id: string; name: Localized }[]
  ladder: { level: number; zh: string; en: string }[]
  extraRows: number
  problems: { field: string; message: string }[]
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const v = result?.values ?? values
  const errors = result?.fieldErrors ?? {}
  const err = (name: string) => {
    const list = errors[name]
    return list?.length ? (
      <p className="field-error" id={`${name}-error`}>
        {list.join(' ')}
      </p>
    ) : null
  }
  const aria = (name: string) =>
    errors[name]?.length ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {}
  const text = (name: string, label: string, props: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input
        name={name}
        defaultValue={one(v[name])}
        aria-label={label}
        {...aria(name)}
        {...props}
      />
      {err(name)}
    </label>
  )
  // Controls carry their own aria-label: a wrapping label's name would also take in the hint or the selected option.
  const area = (name: string, label: string, hint?: string) => (
    <label>
      {label}
      {hint ? (
        <span className="hint" id={`${name}-hint`}>
          {hint}
        </span>
      ) : null}
      <textarea
        name={name}
        defaultValue={one(v[name])}
        rows={3}
        aria-label={label}
        {...(hint ? { 'aria-describedby': `${name}-hint` } : {})}
        {...aria(name)}
      />
      {err(name)}
    </label>
  )
  const select = (
    name: string,
    label: string,
    options: readonly string[],
    labelOf: (o: string) => string,
  ) => (
    <label>
      {label}
      <select name={name} defaultValue={one(v[name])} aria-label={label} {...aria(name)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {labelOf(o)}
          </option>
        ))}
      </select>
      {err(name)}
    </label>
  )
  const fieldRows = Math.max(many(v.f_name).length, 0) + 3 + extraRows
  const distRows = many(v.d_key).length + 1
  const agencyOptions = agencies.map((a) => a.id)
  const agencyName = (id: string) => pick(agencies.find((a) => a.id === id)?.name, lang)
  const rowErrors = [
    'f_name',
    'f_labelZh',
    'f_type',
    'f_item',
    'd_key',
    'd_titleZh',
    'd_format',
    'd_url',
  ].flatMap((k) => errors[k] ?? [])
  return (
    <Form method="post" className="stack entry-form">
      <FormError message={result?.formError} />
      {problems.length ? (
        <div className="notice warn" role="status">
          <strong>{t('catalog.form.problems')}</strong>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <input type="hidden" name="rowCount" value={String(fieldRows)} />
      <fieldset>
        <legend>{t('catalog.form.basics')}</legend>
        {text('titleZh', t('catalog.form.titleZh'), { required: true, maxLength: 200 })}
        {text('titleEn', t('catalog.form.titleEn'), { maxLength: 300 })}
        {area('descriptionZh', t('catalog.form.descriptionZh'))}
        {area('descriptionEn', t('catalog.form.descriptionEn'))}
        {text('tags', `${t('catalog.form.tags')} (${t('catalog.form.tagsHint')})`)}
        {select('category', t('catalog.form.category'), CATALOG_CATEGORIES, (o) =>
          t(`catalog.category.${o}`),
        )}
        {select('dataForm', t('catalog.form.dataForm'), DATA_FORMS, (o) =>
          t(`catalog.dataForm.${o}`),
        )}
        {select('updateFrequency', t('catalog.form.updateFrequency'), UPDATE_FREQUENCIES, (o) =>
          t(`catalog.updateFrequency.${o}`),
        )}
        {area('legalBasis', t('catalog.form.legalBasis'))}
      </fieldset>
      <fieldset>
        <legend>{t('catalog.form.fields')}</legend>
        <p className="hint">{t('catalog.form.fieldsHint')}</p>
        {rowErrors.length ? (
          <p className="field-error">{[...new Set(rowErrors)].join(' ')}</p>
        ) : null}
        <table className="rows">
          <thead>
            <tr>
              <th>{t('catalog.form.fieldName')}</th>
              <th>{t('catalog.form.fieldLabelZh')}</th>
              <th>{t('catalog.form.fieldLabelEn')}</th>
              <th>{t('catalog.form.fieldType')}</th>
              <th>{t('catalog.form.fieldSensitivity')}</th>
              <th>{t('catalog.form.dataItemCode')}</th>
              <th>{t('catalog.form.fieldDesc')}</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: fieldRows }, (_, i) => (
              <tr key={i}>
                <td>
                  <input
                    name="f_name"
                    defaultValue={many(v.f_name)[i] ?? ''}
                    aria-label={`${t('catalog.form.fieldName')} ${i + 1}`}
                    size={10}
                  />
                </td>
                <td>
                  <input
                    name="f_labelZh"
                    defaultValue={many(v.f_labelZh)[i] ?? ''}
                    aria-label={`${t('catalog.form.fieldLabelZh')} ${i + 1}`}
                    size={10}
                  />
                </td>
                <td>
                  <input
                    name="f_labelEn"
                    defaultValue={many(v.f_labelEn)[i] ?? ''}
                    aria-label={`${t('catalog.form.fieldLabelEn')} ${i + 1}`}
                    size={12}
                  />
                </td>
                <td>
                  <select
                    name="f_type"
                    defaultValue={many(v.f_type)[i] ?? 'string'}
                    aria-label={`${t('catalog.form.fieldType')} ${i + 1}`}
                  >
                    {FIELD_TYPES.map((o) => (
                      <option key={o} value={o}>
                        {t(`catalog.fieldType.${o}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select
                    name="f_sens"
                    defaultValue={many(v.f_sens)[i] ?? 'none'}
                    aria-label={`${t('catalog.form.fieldSensitivity')} ${i + 1}`}
                  >
                    {FIELD_SENSITIVITY.map((o) => (
                      <option key={o} value={o}>
                        {t(`catalog.sensitivity.${o}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    name="f_item"
                    defaultValue={many(v.f_item)[i] ?? ''}
                    aria-label={`${t('catalog.form.dataItemCode')} ${i + 1}`}
                    size={10}
                    placeholder="DI-X-0001"
                  />
                </td>
                <td>
                  <input
                    name="f_desc"
                    defaultValue={many(v.f_desc)[i] ?? ''}
                    aria-label={`${t('catalog.form.fieldDesc')} ${i + 1}`}
                    size={14}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="submit" name="intent" value="addRows" className="secondary">
          {t('catalog.form.addRows')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('catalog.form.sharing')}</legend>
        {select('sharingType', t('catalog.form.sharingType'), SHARING_TYPES, (o) =>
          t(`catalog.sharingType.${o}`),
        )}
        {area('sharingBasis', t('catalog.form.sharingBasis'), t('catalog.form.sharingBasisHint'))}
        {area('sharingConditions', t('catalog.form.sharingConditions'))}
        {select('sharingScope', t('catalog.form.sharingScope'), SHARING_SCOPES, (o) =>
          t(`catalog.sharingScope.${o}`),
        )}
        {text('sharingScopeNote', t('catalog.form.sharingScopeNote'))}
      </fieldset>
      <fieldset>
        <legend>{t('catalog.form.open')}</legend>
        {select('openAttribute', t('catalog.form.openAttribute'), OPEN_ATTRIBUTES, (o) =>
          t(`catalog.openAttribute.${o}`),
        )}
        {area('openConditions', t('catalog.form.openConditions'))}
        <label className="check">
          <input
            type="checkbox"
            name="rightHolderConsent"
            defaultChecked={one(v.rightHolderConsent) === 'on'}
          />{' '}
          {t('catalog.form.rightHolderConsent')}
        </label>
        {text('screeningRef', t('catalog.form.screeningRef'))}
        <h4>{t('catalog.form.distributions')}</h4>
        <table className="rows">
          <thead>
            <tr>
              <th>{t('catalog.form.distKey')}</th>
              <th>{t('catalog.form.distTitleZh')}</th>
              <th>{t('catalog.form.distTitleEn')}</th>
              <th>{t('catalog.form.distFormat')}</th>
              <th>{t('catalog.form.distUrl')}</th>
              <th>{t('catalog.form.distDesensitized')}</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: distRows }, (_, i) => (
              <tr key={i}>
                <td>
                  <input
                    name="d_key"
                    defaultValue={many(v.d_key)[i] ?? ''}
                    aria-label={`${t('catalog.form.distKey')} ${i + 1}`}
                    size={10}
                  />
                </td>
                <td>
                  <input
                    name="d_titleZh"
                    defaultValue={many(v.d_titleZh)[i] ?? ''}
                    aria-label={`${t('catalog.form.distTitleZh')} ${i + 1}`}
                    size={12}
                  />
                </td>
                <td>
                  <input
                    name="d_titleEn"
                    defaultValue={many(v.d_titleEn)[i] ?? ''}
                    aria-label={`${t('catalog.form.distTitleEn')} ${i + 1}`}
                    size={12}
                  />
                </td>
                <td>
                  <input
                    name="d_format"
                    defaultValue={many(v.d_format)[i] ?? ''}
                    aria-label={`${t('catalog.form.distFormat')} ${i + 1}`}
                    size={6}
                  />
                </td>
                <td>
                  <input
                    name="d_url"
                    type="url"
                    defaultValue={many(v.d_url)[i] ?? ''}
                    aria-label={`${t('catalog.form.distUrl')} ${i + 1}`}
                    size={16}
                  />
                </td>
                <td>
                  <select
                    name="d_desens"
                    defaultValue={many(v.d_desens)[i] ?? 'no'}
                    aria-label={`${t('catalog.form.distDesensitized')} ${i + 1}`}
                  >
                    <option value="no">{t('catalog.form.no')}</option>
                    <option value="yes">{t('catalog.form.yes')}</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <fieldset>
        <legend>{t('catalog.form.departments')}</legend>
        {select('collecting', t('catalog.form.collecting'), agencyOptions, agencyName)}
        {select('verifying', t('catalog.form.verifying'), agencyOptions, agencyName)}
        {select('providing', t('catalog.form.providing'), agencyOptions, agencyName)}
      </fieldset>
      <fieldset>
        <legend>{t('catalog.form.grade')}</legend>
        {select('gradeTier', t('catalog.form.gradeTier'), GRADE_TIERS, (o) =>
          t(`catalog.gradeTier.${o}`),
        )}
        {select(
          'gradeLevel',
          t('catalog.form.gradeLevel'),
          ['', ...ladder.map((l) => String(l.level))],
          (o) =>
            o === ''
              ? t('catalog.form.gradeLevelNone')
              : (ladder.find((l) => String(l.level) === o)?.[lang] ?? o),
        )}
      </fieldset>
      <div className="actions">
        <button type="submit" name="intent" value="save" className="secondary">
          {t('catalog.form.save')}
        </button>{' '}
        <button type="submit" name="intent" value="submit" className="primary">
          {t('catalog.form.saveAndSubmit')}
        </button>
      </div>
    </Form>
  )
}

/** The catalog section's sub-navigation, showing what the user may use. */
export function CatalogNav({ links }: { links: { to: string; label: string }[] }) {
  return <SectionNav label="catalog" links={links} />
}
