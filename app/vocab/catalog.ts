// The catalog's controlled vocabularies (Art. 10, 12, 32; GB/T 43697-2024 tiers). Plain data, no
// Node imports: shared by the Mongoose models, the Zod schemas and the browser.
export const ENTRY_STATUSES = ['draft', 'submitted', 'returned', 'approved'] as const
export const REVIEW_STEPS = ['decide', 'confirm_grade'] as const
export const DATA_FORMS = ['structured', 'unstructured', 'api', 'geospatial', 'file'] as const
export const FIELD_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'code',
  'geometry',
  'binary',
] as const
export const SHARING_TYPES = ['unconditional', 'conditional', 'not_shared'] as const
export const SHARING_SCOPES = [
  'all_agencies',
  'same_level',
  'same_region',
  'specified_agencies',
] as const
export const OPEN_ATTRIBUTES = ['open_unconditional', 'open_conditional', 'not_open'] as const
export const UPDATE_FREQUENCIES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'yearly',
  'irregular',
] as const
export const GRADE_TIERS = ['core', 'important', 'general'] as const
export const CATALOG_CATEGORIES = [
  'population',
  'legal_entity',
  'natural_resources',
  'e_licence',
  'economy',
  'social_security',
  'health',
  'education',
  'transport',
  'environment',
  'public_safety',
  'credit',
  'urban_rural',
  'agriculture',
  'other',
] as const
export const QUALITY_KINDS = [
  'incorrect',
  'missing',
  'inconsistent',
  'outdated',
  'format',
  'other',
] as const
export const QUALITY_OUTCOMES = [
  'corrected',
  'no_fault_found',
  'not_reproducible',
  'duplicate',
  'wont_fix',
] as const
/** A field's sensitivity in forms: maps onto the personal / sensitive / tradeSecret flags. */
export const FIELD_SENSITIVITY = ['none', 'personal', 'sensitive_personal', 'trade_secret'] as const

/** Canonical data-item code (Art. 14 registry), e.g. `DI-P-0001`. */
export const DATA_ITEM_CODE = /^[A-Z]{2}-[A-Z0-9]{1,6}-[0-9]{4,6}$/

export type EntryStatus = (typeof ENTRY_STATUSES)[number]
export type SharingType = (typeof SHARING_TYPES)[number]
export type OpenAttribute = (typeof OPEN_ATTRIBUTES)[number]
export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number]
export type GradeTier = (typeof GRADE_TIERS)[number]
export type CatalogCategory = (typeof CATALOG_CATEGORIES)[number]
