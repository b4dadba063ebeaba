/**
 * Catalog entry (公共數據資源目錄項) — C2, Art. 10–13, 16, 32. Collection `catalog_entries`.
 * Field names are stable: the search index, the open-data portal, the CKAN API and the DCAT export read them.
 *
 * Vocabularies (enums) live in app/services/catalog/vocab.ts (browser-safe) and are re-exported here.
 * Readers outside the catalog: use app/services/catalog/entries.server.ts — `onCatalogChange`,
 * `listEntriesForIndex(afterId?, limit)` and `getEntryForIndex(id)` give the published, listable view.
 *
 * Top level (one document per entry):
 * - `_id` ObjectId · `code` unique catalog code, e.g. `GD-440000-PSB-0001`
 * - `orgId` owning agency (string ObjectId) · `level` province|city|county · `regionCode` GB/T 2260 code
 * - `status` of the working copy: draft | submitted | returned | approved
 * - `revision` version number the working copy becomes on approval · `round` submission round in that revision
 * - `pendingStep` while submitted: 'decide' or 'confirm_grade' (important grade needs a 2nd authority step)
 * - `content` the working copy (CatalogContent, below) — what the agency edits and the authority reviews
 * - `publishedVersion` 0 = never approved · `published` CatalogContent of that approved version (null before)
 * - `publishedAt` · `notSharedFiledAt` (Art. 13 備案, set when a not_shared version is approved)
 * - `listed` true when a published version exists and its grade is not `core` (core is never listed/opened)
 * - `returnReasons` [string] + `returnedAt` — the authority's reasons shown to the agency
 * - `lastDataUpdateAt` (Art. 16) · `staleSince` set by the freshness job when overdue, else null
 * - `deadline` projection of the open Art. 11 legal-basis change (models/catalog-deadline.ts) or null
 * - `createdAt` `updatedAt` `createdBy`
 *
 * CatalogContent (`content`, `published`, and each version in `catalog_versions`):
 * - `title` {zh,en} · `description` {zh,en} · `tags` [string] · `category` (CATALOG_CATEGORIES)
 * - `dataForm` (DATA_FORMS) · `fields` [{name, label{zh,en}, type, description, personal, sensitive,
 *   tradeSecret, dataItemCode?}] — the sharing content (Art. 10); `dataItemCode` = this entry is the
 *   legal source of that data item (Art. 14, models/source-claim.ts)
 * - `sharingType` unconditional|conditional|not_shared · `sharingBasis` (Art. 13 basis / cited law)
 *   `sharingConditions` · `sharingScope` (SHARING_SCOPES) · `sharingScopeNote`
 * - `openAttribute` open_unconditional|open_conditional|not_open · `openConditions`
 *   `rightHolderConsent` bool · `screeningRef` (subject ref for the desensitization scanner, optional)
 * - `distributions` [{key, title{zh,en}, format, accessUrl?, downloadRef?, desensitized}]
 * - `updateFrequency` (UPDATE_FREQUENCIES)
 * - `departments` {collecting, verifying, providing} — org ids (string ObjectId)
 * - `grade` {tier: core|important|general, level: 1..N for general (ladder in catalog-settings), else null}
 * - `legalBasis` the laws/rules the data is collected under (Art. 11 tracks changes to it)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import {
  CATALOG_CATEGORIES,
  DATA_FORMS,
  ENTRY_STATUSES,
  FIELD_TYPES,
  GRADE_TIERS,
  OPEN_ATTRIBUTES,
  REVIEW_STEPS,
  SHARING_SCOPES,
  SHARING_TYPES,
  UPDATE_FREQUENCIES,
} from '~/vocab/catalog'
import { ADMIN_LEVELS } from './organization'

export { ADMIN_LEVELS }
export {
  CATALOG_CATEGORIES,
  DATA_FORMS,
  ENTRY_STATUSES,
  FIELD_TYPES,
  GRADE_TIERS,
  OPEN_ATTRIBUTES,
  REVIEW_STEPS,
  SHARING_SCOPES,
  SHARING_TYPES,
  UPDATE_FREQUENCIES,
}
export type {
  EntryStatus,
  GradeTier,
  OpenAttribute,
  SharingType,
  UpdateFrequency,
} from '~/vocab/catalog'

export type AdminLevel = (typeof ADMIN_LEVELS)[number]

// Completeness (zh required) is checked on submit; a draft may be partial.
const localized = new Schema(
  { zh: { type: String, default: '' }, en: { type: String, default: '' } },
  { _id: false, strict: 'throw' },
)

const fieldSchema = new Schema(
  {
    name: { type: String, required: true },
    label: { type: localized, required: true },
    type: { type: String, enum: FIELD_TYPES, required: true },
    description: { type: String, default: '' },
    personal: { type: Boolean, default: false },
    sensitive: { type: Boolean, default: false },
    tradeSecret: { type: Boolean, default: false },
    dataItemCode: { type: String },
  },
  { _id: false, strict: 'throw' },
)

const distributionSchema = new Schema(
  {
    key: { type: String, required: true },
    title: { type: localized, required: true },
    format: { type: String, required: true },
    accessUrl: { type: String },
    // Opaque reference to stored bytes (owned by the portal/delivery capability).
    downloadRef: { type: String },
    desensitized: { type: Boolean, default: false },
  },
  { _id: false, strict: 'throw' },
)

const gradeSchema = new Schema(
  {
    tier: { type: String, enum: GRADE_TIERS, required: true },
    level: { type: Number, default: null },
  },
  { _id: false, strict: 'throw' },
)

/** The versioned description of an entry (reused by catalog_versions and catalog_reviews). */
export const catalogContentSchema = new Schema(
  {
    title: { type: localized, required: true },
    description: { type: localized, required: true },
    tags: { type: [String], default: [] },
    category: { type: String, enum: CATALOG_CATEGORIES, required: true },
    dataForm: { type: String, enum: DATA_FORMS, required: true },
    fields: { type: [fieldSchema], default: [] },
    sharingType: { type: String, enum: SHARING_TYPES, required: true },
    sharingBasis: { type: String, default: '' },
    sharingConditions: { type: String, default: '' },
    sharingScope: { type: String, enum: SHARING_SCOPES, required: true },
    sharingScopeNote: { type: String, default: '' },
    openAttribute: { type: String, enum: OPEN_ATTRIBUTES, required: true },
    openConditions: { type: String, default: '' },
    rightHolderConsent: { type: Boolean, default: false },
    screeningRef: { type: String },
    distributions: { type: [distributionSchema], default: [] },
    updateFrequency: { type: String, enum: UPDATE_FREQUENCIES, required: true },
    departments: {
      type: new Schema(
        {
          collecting: { type: String, required: true },
          verifying: { type: String, required: true },
          providing: { type: String, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    grade: { type: gradeSchema, required: true },
    legalBasis: { type: String, default: '' },
  },
  { _id: false, strict: 'throw' },
)

const deadlineProjection = new Schema(
  {
    deadlineId: { type: String, required: true },
    phase: { type: String, enum: ['agency', 'review', 'done'], required: true },
    agencyDueAt: { type: Date, required: true },
    reviewDueAt: { type: Date, default: null },
    overdue: { type: Boolean, default: false },
  },
  { _id: false, strict: 'throw' },
)

const catalogEntrySchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    orgId: { type: String, required: true },
    level: { type: String, enum: ADMIN_LEVELS, required: true },
    regionCode: { type: String, required: true },
    status: { type: String, enum: ENTRY_STATUSES, required: true },
    revision: { type: Number, required: true, min: 1 },
    round: { type: Number, required: true, default: 0 },
    pendingStep: { type: String, enum: [...REVIEW_STEPS, null], default: null },
    content: { type: catalogContentSchema, required: true },
    publishedVersion: { type: Number, required: true, default: 0 },
    published: { type: catalogContentSchema, default: null },
    publishedAt: { type: Date, default: null },
    notSharedFiledAt: { type: Date, default: null },
    listed: { type: Boolean, required: true, default: false },
    returnReasons: { type: [String], default: [] },
    returnedAt: { type: Date, default: null },
    lastDataUpdateAt: { type: Date, default: null },
    staleSince: { type: Date, default: null },
    deadline: { type: deadlineProjection, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// An agency's own entries ("my catalog", collection list), paged by _id.
catalogEntrySchema.index({ orgId: 1, _id: 1 })
// The authority's review queue (status = submitted), paged by _id.
catalogEntrySchema.index({ status: 1, _id: 1 })

export type CatalogContent = InferSchemaType<typeof catalogContentSchema>
export type CatalogEntryDoc = InferSchemaType<typeof catalogEntrySchema> & {
  _id: mongoose.Types.ObjectId
}

export const CatalogEntry =
  (mongoose.models.CatalogEntry as mongoose.Model<InferSchemaType<typeof catalogEntrySchema>>) ??
  mongoose.model('CatalogEntry', catalogEntrySchema, 'catalog_entries')
