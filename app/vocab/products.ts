// Vocabularies of data products (C7; Art. 35–38). Browser-safe: the forms, the models and
// the services read the same lists.
export { CATALOG_CATEGORIES as PRODUCT_CATEGORIES } from '~/vocab/catalog'

/** dataset file, API, report, analysis model (Art. 36: models are the authority's). */
export const PRODUCT_KINDS = ['dataset', 'api', 'report', 'model'] as const
export type ProductKind = (typeof PRODUCT_KINDS)[number]

/** GB/T 43697-2024 tiers; `core` is accepted by the schema only so the refusal can name it. */
export const PRODUCT_GRADE_TIERS = ['core', 'important', 'general'] as const
export type ProductGradeTier = (typeof PRODUCT_GRADE_TIERS)[number]

/** `market`: listed for sale once a version is published. `private`: a model run's result, the owner's only. */
export const PRODUCT_VISIBILITIES = ['market', 'private'] as const

export const PRICE_PLAN_KINDS = ['one_off', 'subscription_monthly', 'per_call'] as const
export type PricePlanKind = (typeof PRICE_PLAN_KINDS)[number]

export const DELIVERY_MODES = ['file_download', 'api', 'model_run'] as const
export type DeliveryMode = (typeof DELIVERY_MODES)[number]

export const USAGE_REPORT_PERIODS = ['none', 'monthly', 'quarterly', 'yearly'] as const

/** Screening (desensitization gate, Art. 32): set by the scanner, or by the authority by hand. */
export const SCREENING_STATUSES = ['pending', 'passed', 'failed'] as const
export type ScreeningState = (typeof SCREENING_STATUSES)[number]

/** Listing review of important-grade versions (the authority approves or returns with reasons). */
export const REVIEW_STATES = ['not_required', 'pending', 'approved', 'returned'] as const
export type ReviewState = (typeof REVIEW_STATES)[number]

/**
 * A version's life: `draft` (the owner adds files), `submitted` (waiting for screening and, for
 * important grade, review), `published` (buyers see it), `returned` (the authority returned it),
 * `blocked` (screening failed, or a right lapsed before publication), `private` (a model run's
 * result, never listed), `withdrawn` (taken off the market: it derives from data collected in an
 * emergency that has ended, Art. 40).
 */
export const VERSION_STATES = [
  'draft',
  'submitted',
  'published',
  'returned',
  'blocked',
  'private',
  'withdrawn',
] as const
export type VersionState = (typeof VERSION_STATES)[number]

/** What a version's input is (PROV entity kinds the walk follows). */
export const INPUT_KINDS = ['catalog-entry', 'product-version'] as const
export type InputKind = (typeof INPUT_KINDS)[number]

/** Why the provider may use an input (Art. 35, 37): the basis recorded in the provenance. */
export const RIGHT_BASES = ['open', 'own', 'licence', 'grant'] as const
export type RightBasis = (typeof RIGHT_BASES)[number]

/** What the activity that produced a version was. */
export const ACTIVITY_KINDS = ['upload', 'model_run', 'seed'] as const

/** File types a version may carry: extension → accepted declared media types. */
export const FILE_TYPES: Record<
  string,
  { format: string; mediaTypes: readonly string[]; scannable: boolean }
> = {
  csv: {
    format: 'CSV',
    mediaTypes: [
      'text/csv',
      'application/csv',
      'text/plain',
      'application/vnd.ms-excel',
      'application/octet-stream',
    ],
    scannable: true,
  },
  tsv: {
    format: 'TSV',
    mediaTypes: ['text/tab-separated-values', 'text/plain', 'application/octet-stream'],
    scannable: true,
  },
  xlsx: {
    format: 'XLSX',
    mediaTypes: [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
      'application/zip',
    ],
    scannable: true,
  },
  json: {
    format: 'JSON',
    mediaTypes: ['application/json', 'text/plain', 'application/octet-stream'],
    scannable: false,
  },
  geojson: {
    format: 'GeoJSON',
    mediaTypes: ['application/geo+json', 'application/json', 'application/octet-stream'],
    scannable: false,
  },
  pdf: {
    format: 'PDF',
    mediaTypes: ['application/pdf', 'application/octet-stream'],
    scannable: false,
  },
  md: {
    format: 'Markdown',
    mediaTypes: ['text/markdown', 'text/plain', 'application/octet-stream'],
    scannable: false,
  },
  zip: {
    format: 'ZIP',
    mediaTypes: ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'],
    scannable: false,
  },
}

export const SCHEMA_FIELD_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'code',
  'geometry',
] as const
