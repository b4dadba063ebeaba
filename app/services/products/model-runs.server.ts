// Art. 36: a buyer (or provider, or researcher) runs a model the authority published on data it
// holds a right to, as a job; the result is a new version of the requester's private results
// product, with provenance naming the model version, the input version and the run. The rights
// are checked when the run is requested and again when the job runs (a licence may have ended).
import mongoose from 'mongoose'
import { enqueue } from '#jobs/queues'
import { ModelRun } from '#models/model-run'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { licencesInForce, rightToRunModel } from '~/services/licences/rights.server'
import { contentStore } from '~/services/storage/store.server'
import { isDuplicateKey } from '~/utils/db.server'
import { DomainError, isDomainError } from '~/utils/errors'
import { requireOrg } from './products.server'
import { projectProduct } from './publication.server'
import { art35RequireRightsToInputs } from './rules.server'
import { RUNNERS } from './runners.server'
import { MODEL_RUNNERS, type ModelRunner } from './schemas'
import { createDraftVersion, generatedDigestOf } from './versions.server'
import { isObjectId } from '~/utils/schemas'

async function publishedModel(modelProductId: string) {
  if (!isObjectId(modelProductId))
    throw new DomainError('not_found', 'error.market.productNotFound', 404)
  const model = await Product.findById(modelProductId).lean()
  if (!model || model.kind !== 'model' || !model.listed || !model.latestPublished || !model.model) {
    throw new DomainError('not_a_model', 'error.market.notAModel', 404)
  }
  return model
}

/** The input version's first CSV file (what the built-in runners read). */
async function csvInputOf(versionId: string) {
  const version = isObjectId(versionId) ? await ProductVersion.findById(versionId).lean() : null
  if (!version) throw new DomainError('not_found', 'error.market.versionNotFound', 404)
  const file = version.distributions.find(
    (d) => d.kind === 'file' && d.storageKey && (d.format === 'CSV' || d.format === 'TSV'),
  )
  if (!file) throw new DomainError('bad_model_input', 'error.market.runNeedsCsv', 422)
  return { version, file }
}

function missingRunRight(code: string, modelTitle: string): DomainError {
  return new DomainError(
    'missing_right',
    `error.market.right.${code}`,
    403,
    { model: [`error.market.right.${code}`] },
    { input: `「${modelTitle}」`, needed: 'licence', ref: '', basisRef: '' },
  )
}

/**
 * Art. 36: asks for a run of a published model on an input version. Refused (403) naming the
 * missing right — to the model (a licence in force) or to the data (one that allows derivation).
 */
export async function requestModelRun(
  user: AuthUser,
  modelProductId: string,
  input: { inputVersionId: string; parameters: string },
  options: { enqueue?: boolean; now?: Date } = {},
): Promise<{ runId: string }> {
  const org = requireOrg(user)
  const now = options.now ?? new Date()
  const model = await publishedModel(modelProductId)
  const modelVersionId = model.latestPublished!.versionId
  const runRight = await rightToRunModel(
    org.id,
    { productId: modelProductId, versionId: modelVersionId, ownerOrgId: model.ownerOrgId },
    now,
  )
  if (!runRight.ok) throw missingRunRight(runRight.code, model.title.zh)
  await art35RequireRightsToInputs(
    org.id,
    [{ kind: 'product-version', id: input.inputVersionId }],
    now,
    'run',
  )
  await csvInputOf(input.inputVersionId)
  const runner = model.model!.runner as ModelRunner
  if (!MODEL_RUNNERS.includes(runner))
    throw new DomainError('not_a_model', 'error.market.notAModel', 404)
  const run = await ModelRun.create({
    requesterOrgId: org.id,
    requesterUserId: user.id,
    modelProductId,
    modelVersionId,
    inputVersionId: input.inputVersionId,
    parameters: input.parameters,
    runner,
    status: 'queued',
    createdAt: now,
  })
  const runId = String(run._id)
  await appendLedger({
    action: 'model-run.requested',
    actor: { userId: user.id, orgId: org.id },
    subjects: [
      `model-run:${runId}`,
      `product:${modelProductId}`,
      `product-version:${modelVersionId}`,
      `product-version:${input.inputVersionId}`,
    ],
    payload: { parameters: input.parameters, runner },
    summary: { runner },
  })
  if (options.enqueue !== false) {
    const job = await enqueue('run-model', { runId }, { jobId: `run-model-${runId}` })
    await ModelRun.updateOne({ _id: runId }, { $set: { jobId: job.id ?? null } })
  }
  return { runId }
}

/** The requester's private results product for one model (created once: unique `resultKey`). */
async function resultsProduct(
  user: AuthUser,
  model: Awaited<ReturnType<typeof publishedModel>>,
  inputGrade: { tier: string; level: number | null },
) {
  const org = requireOrg(user)
  const resultKey = `${org.id}:${String(model._id)}`
  const existing = await Product.findOne({ resultKey }).lean()
  if (existing) return String(existing._id)
  const now = new Date()
  try {
    const doc = await Product.create({
      ownerOrgId: org.id,
      visibility: 'private',
      kind: 'dataset',
      title: { zh: `模型运行结果：${model.title.zh}`, en: `Model results: ${model.title.en}` },
      description: {
        zh: '本机构运行主管部门模型得到的衍生数据（不上架）。',
        en: "Derived data from this organisation's runs of the authority's model (not listed).",
      },
      category: model.category,
      grade: {
        tier: inputGrade.tier === 'important' ? 'important' : 'general',
        level: inputGrade.tier === 'important' ? null : inputGrade.level,
      },
      tags: ['模型运行'],
      sample: '',
      pricePlans: [],
      licenceTemplate: { ...model.licenceTemplate, derivationAllowed: false },
      model: null,
      listed: false,
      versionCount: 0,
      resultKey,
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    })
    await appendLedger({
      action: 'product.created',
      actor: { userId: user.id, orgId: org.id },
      subjects: [`product:${doc._id}`, `org:${org.id}`, `product:${String(model._id)}`],
      payload: { visibility: 'private', resultOf: String(model._id) },
      summary: { kind: 'dataset', visibility: 'private' },
    })
    return String(doc._id)
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    return String((await Product.findOne({ resultKey }, { _id: 1 }).lean())!._id)
  }
}

async function failRun(
  runId: string,
  error: DomainError,
  actor: { orgId: string; userId: string },
) {
  const updated = await ModelRun.updateOne(
    { _id: runId, status: mongoose.trusted({ $in: ['queued', 'running'] }) },
    {
      $set: {
        status: 'failed',
        error: error.messageKey,
        errorParams: JSON.stringify(error.params ?? {}),
        finishedAt: new Date(),
      },
    },
  )
  if (updated.modifiedCount > 0) {
    await appendLedger({
      action: 'model-run.failed',
      actor,
      subjects: [`model-run:${runId}`],
      payload: { code: error.code, key: error.messageKey },
      summary: { code: error.code },
    })
  }
}

/**
 * The `run-model` job's work. Idempotent: the result version is keyed by the run (unique
 * `runId`), the output bytes are content-addressed and deterministic, and the run's status is
 * set from the result. A refusal (lapsed right, bad input) ends the run as failed, not retried.
 */
export async function executeModelRun(runId: string, options: { jobId?: string; now?: Date } = {}) {
  if (!isObjectId(runId)) throw new DomainError('not_found', 'error.market.runNotFound', 404)
  const run = await ModelRun.findById(runId).lean()
  if (!run) throw new DomainError('not_found', 'error.market.runNotFound', 404)
  if (run.status === 'succeeded' || run.status === 'failed')
    return { status: run.status, resultVersionId: run.resultVersionId ?? null }
  const user = await loadAuthUser(run.requesterUserId, 'session')
  const actor = { orgId: run.requesterOrgId, userId: run.requesterUserId }
  const now = options.now ?? new Date()
  try {
    if (!user || user.org?.id !== run.requesterOrgId)
      throw new DomainError('forbidden', 'error.forbidden', 403)
    await ModelRun.updateOne(
      { _id: runId, status: 'queued' },
      {
        $set: {
          status: 'running',
          startedAt: now,
          ...(options.jobId ? { jobId: options.jobId } : {}),
        },
      },
    )
    const model = await publishedModel(run.modelProductId)
    const modelVersion = await ProductVersion.findById(run.modelVersionId, {
      number: 1,
      productId: 1,
    }).lean()
    if (!modelVersion) throw new DomainError('not_found', 'error.market.versionNotFound', 404)
    const runRight = await rightToRunModel(
      run.requesterOrgId,
      {
        productId: run.modelProductId,
        versionId: run.modelVersionId,
        ownerOrgId: model.ownerOrgId,
      },
      now,
    )
    if (!runRight.ok) throw missingRunRight(runRight.code, model.title.zh)
    const { version: inputVersion, file } = await csvInputOf(run.inputVersionId)
    const inputProduct = await Product.findById(inputVersion.productId, { grade: 1 }).lean()

    const output = await RUNNERS[run.runner as ModelRunner](
      contentStore().read(file.storageKey!),
      run.parameters,
    )
    const stored = await contentStore().putBytes(output.csv)

    const productId = await resultsProduct(user, model, {
      tier: inputProduct?.grade.tier ?? 'general',
      level: inputProduct?.grade.level ?? 1,
    })
    const draft = await createDraftVersion(
      user,
      productId,
      {
        note: { zh: `运行 ${runId}`, en: `Run ${runId}` },
        inputs: [{ kind: 'product-version', id: run.inputVersionId }],
        activity: {
          label: { zh: `运行模型：${model.title.zh}`, en: `Model run: ${model.title.en}` },
          description: `runner ${run.runner}; ${output.rows} input rows`,
          parameters: run.parameters,
        },
        schema: [],
      },
      {
        activityKind: 'model_run',
        runId,
        jobId: options.jobId ?? run.jobId ?? undefined,
        modelVersion: {
          id: run.modelVersionId,
          productId: run.modelProductId,
          number: modelVersion.number,
          basis: runRight.basis,
          basisRef: runRight.basisRef,
        },
        state: 'private',
        now,
      },
    )
    await finalizeResultVersion(draft.id, stored, `${run.runner}-${runId}.csv`, now)
    await projectProduct(productId)
    const done = await ModelRun.updateOne(
      { _id: runId, status: mongoose.trusted({ $ne: 'succeeded' }) },
      {
        $set: {
          status: 'succeeded',
          resultProductId: productId,
          resultVersionId: draft.id,
          finishedAt: new Date(),
          error: null,
        },
      },
    )
    if (done.modifiedCount > 0)
      await appendLedger({
        action: 'model-run.succeeded',
        actor,
        subjects: [
          `model-run:${runId}`,
          `product:${productId}`,
          `product-version:${draft.id}`,
          `product-version:${run.modelVersionId}`,
          `product-version:${run.inputVersionId}`,
        ],
        payload: { output: stored.sha256, rows: output.rows, summary: output.summary },
        summary: { sha256: stored.sha256, rows: output.rows },
      })
    return { status: 'succeeded' as const, resultVersionId: draft.id }
  } catch (error) {
    if (isDomainError(error)) {
      await failRun(runId, error, actor)
      return { status: 'failed' as const, resultVersionId: null }
    }
    throw error
  }
}

/** Attaches a run's output to its private version and freezes the provenance digests. */
async function finalizeResultVersion(
  versionId: string,
  stored: { sha256: string; size: number; key: string },
  fileName: string,
  now: Date,
) {
  const version = (await ProductVersion.findById(versionId).lean())!
  if (version.provenance.generatedDigest) return
  const distributions = [
    {
      key: 'result.csv',
      kind: 'file',
      title: { zh: '模型输出', en: 'Model output' },
      format: 'CSV',
      fileName,
      mediaType: 'text/csv',
      sha256: stored.sha256,
      sizeBytes: stored.size,
      storageKey: stored.key,
      endpoint: null,
      scanRequested: false,
      addedAt: now,
    },
  ]
  const upstreamIds = version.provenance.used
    .filter((u) => u.kind === 'product-version')
    .map((u) => u.ref)
  const upstream = await ProductVersion.find(
    { _id: mongoose.trusted({ $in: upstreamIds }) },
    { provenance: 1 },
  ).lean()
  const digests = new Map(
    upstream.map((u) => [String(u._id), u.provenance.generatedDigest ?? null]),
  )
  const used = version.provenance.used.map((u) => ({
    ...u,
    digest: u.kind === 'product-version' ? (digests.get(u.ref) ?? null) : u.digest,
    digestOf: u.kind === 'product-version' ? 'content' : u.digestOf,
  }))
  await ProductVersion.updateOne(
    { _id: versionId },
    {
      $set: {
        distributions,
        'provenance.used': used,
        'provenance.generatedDigest': generatedDigestOf(distributions),
        'provenance.activity.endedAt': now,
        screening: { status: 'pending', source: null, at: null, note: '' },
      },
    },
  )
}

export type RunView = Awaited<ReturnType<typeof listRuns>>['items'][number]

/** The org's model runs, newest first, paged by `_id`. */
export async function listRuns(user: AuthUser, query: { after?: string; limit: number }) {
  const org = requireOrg(user)
  const filter: Record<string, unknown> = { requesterOrgId: org.id }
  if (query.after) filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(query.after) })
  const rows = await ModelRun.find(filter)
    .sort({ _id: -1 })
    .limit(query.limit + 1)
    .lean()
  const page = rows.slice(0, query.limit)
  const productIds = [
    ...new Set(page.flatMap((r) => [r.modelProductId, r.resultProductId ?? '']).filter(isObjectId)),
  ]
  const versionIds = [
    ...new Set(page.flatMap((r) => [r.inputVersionId, r.resultVersionId ?? '']).filter(isObjectId)),
  ]
  const [products, versions] = await Promise.all([
    productIds.length
      ? Product.find({ _id: mongoose.trusted({ $in: productIds }) }, { title: 1 }).lean()
      : [],
    versionIds.length
      ? ProductVersion.find(
          { _id: mongoose.trusted({ $in: versionIds }) },
          { productId: 1, number: 1 },
        ).lean()
      : [],
  ])
  const title = new Map(products.map((p) => [String(p._id), { zh: p.title.zh, en: p.title.en }]))
  const ver = new Map(
    versions.map((v) => [String(v._id), { productId: v.productId, number: v.number }]),
  )
  const inputProductIds = [...new Set(versions.map((v) => v.productId))].filter(
    (id) => !title.has(id),
  )
  if (inputProductIds.length) {
    for (const p of await Product.find(
      { _id: mongoose.trusted({ $in: inputProductIds }) },
      { title: 1 },
    ).lean())
      title.set(String(p._id), { zh: p.title.zh, en: p.title.en })
  }
  const items = page.map((r) => ({
    id: String(r._id),
    status: r.status,
    error: r.error ?? null,
    errorParams: r.errorParams ? (JSON.parse(r.errorParams) as Record<string, unknown>) : {},
    model: {
      productId: r.modelProductId,
      title: title.get(r.modelProductId) ?? { zh: '', en: '' },
    },
    input: ver.get(r.inputVersionId)
      ? {
          ...ver.get(r.inputVersionId)!,
          title: title.get(ver.get(r.inputVersionId)!.productId) ?? { zh: '', en: '' },
        }
      : null,
    result: r.resultVersionId && ver.get(r.resultVersionId) ? ver.get(r.resultVersionId)! : null,
    parameters: r.parameters,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }))
  return { items, nextAfter: rows.length > query.limit ? items.at(-1)!.id : null }
}

/** Published data versions the org may run a model on (its licences allowing derivation, its own). */
export async function runnableInputs(user: AuthUser, now = new Date()) {
  const org = requireOrg(user)
  const licences = (await licencesInForce(org.id, now)).filter(
    (l) => l.derivationAllowed && l.productId,
  )
  const productIds = [...new Set(licences.map((l) => l.productId!))]
  const products = productIds.length
    ? await Product.find(
        { _id: mongoose.trusted({ $in: productIds }), kind: mongoose.trusted({ $ne: 'model' }) },
        { title: 1, latestPublished: 1 },
      ).lean()
    : []
  return products
    .filter((p) => p.latestPublished)
    .map((p) => ({
      versionId: p.latestPublished!.versionId,
      number: p.latestPublished!.number,
      productId: String(p._id),
      title: { zh: p.title.zh, en: p.title.en },
    }))
}

/** Demo: the buyer's run of the land-use model on the county data it licensed (in-process, no queue). */
export async function seedModelRun(buyer: AuthUser): Promise<void> {
  const model = await Product.findOne({ seedKey: 'authority-land-use-model' }).lean()
  const data = await Product.findOne({ seedKey: 'authority-land-use-parcels' }).lean()
  if (!model?.latestPublished || !data?.latestPublished) return
  let run = await ModelRun.findOne({
    requesterOrgId: buyer.org!.id,
    modelProductId: String(model._id),
  })
    .sort({ _id: 1 })
    .lean()
  if (!run) {
    const { runId } = await requestModelRun(
      buyer,
      String(model._id),
      { inputVersionId: data.latestPublished.versionId, parameters: '{"unit":"mu"}' },
      { enqueue: false },
    )
    run = await ModelRun.findById(runId).lean()
  }
  if (run && (run.status === 'queued' || run.status === 'running'))
    await executeModelRun(String(run._id))
}
