/**
 * A product version's provenance (C7, Art. 38), shaped on W3C PROV and embedded in the
 * version document (ADR 017): the version is the generated entity, `activity` is what produced it,
 * `agent` who, `used` the input entities with the right the agent held to each. Written in the
 * same insert as the version and frozen at submission, so no version exists without it and no
 * multi-document transaction is needed. PROV-JSON is rendered from it on demand
 * (app/services/provenance/prov-json.server.ts).
 *
 * - `activity` {kind upload|model_run|seed, label{zh,en}, description, parameters (JSON text),
 *   jobId?, runId?, modelVersionId?, startedAt, endedAt}
 * - `agent` {orgId, userId} — prov:wasAssociatedWith / prov:wasAttributedTo
 * - `used` [{kind catalog-entry|product-version, ref (id), productId?, version (catalog published
 *   version or product version number), role input|model, digest, digestOf content|metadata,
 *   basis open|own|licence|grant (null while a draft), basisRef (licence / grant id)}]
 * - `generatedDigest` sha256 over the version's distributions (null while a draft)
 */
import { Schema, type InferSchemaType } from 'mongoose'
import { ACTIVITY_KINDS, INPUT_KINDS, RIGHT_BASES } from '~/vocab/products'

const localized = new Schema(
  { zh: { type: String, default: '' }, en: { type: String, default: '' } },
  { _id: false, strict: 'throw' },
)

export const provenanceUsedSchema = new Schema(
  {
    kind: { type: String, enum: INPUT_KINDS, required: true },
    ref: { type: String, required: true },
    productId: { type: String, default: null },
    version: { type: Number, default: null },
    role: { type: String, enum: ['input', 'model'], default: 'input' },
    digest: { type: String, default: null },
    digestOf: { type: String, enum: ['content', 'metadata', null], default: null },
    basis: { type: String, enum: [...RIGHT_BASES, null], default: null },
    basisRef: { type: String, default: null },
  },
  { _id: false, strict: 'throw' },
)

export const provenanceRecordSchema = new Schema(
  {
    activity: {
      type: new Schema(
        {
          kind: { type: String, enum: ACTIVITY_KINDS, required: true },
          label: { type: localized, required: true },
          description: { type: String, default: '' },
          // Small JSON text (the transformation's parameters); shown verbatim, never interpreted.
          parameters: { type: String, default: '{}' },
          jobId: { type: String, default: null },
          runId: { type: String, default: null },
          startedAt: { type: Date, required: true },
          endedAt: { type: Date, default: null },
        },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    agent: {
      type: new Schema(
        { orgId: { type: String, required: true }, userId: { type: String, default: null } },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    used: { type: [provenanceUsedSchema], default: [] },
    generatedDigest: { type: String, default: null },
  },
  { _id: false, strict: 'throw' },
)

export type ProvenanceRecord = InferSchemaType<typeof provenanceRecordSchema>
export type ProvenanceUsed = InferSchemaType<typeof provenanceUsedSchema>
