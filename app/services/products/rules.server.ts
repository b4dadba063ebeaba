// The rules of the law for products (C7), one function each. The services call them; the
// tests name the article.
import type { AuthUser } from '~/services/identity/auth.server'
import {
  rightsToDerive,
  type InputRef,
  type RightCheck,
  type RightUse,
} from '~/services/licences/rights.server'
import { DomainError } from '~/utils/errors'
import type { ProductInput } from './schemas'
import type { ProductGradeTier } from '~/vocab/products'

/**
 * Art. 35, 37: a provider may publish only what it holds a right to derive from — open data, an
 * active licence whose terms allow derivation, or an approved sharing grant in force. Refused
 * (403) naming the first input without a right and the right that is missing. Returns every
 * input's basis for the provenance record.
 */
export async function art35RequireRightsToInputs(
  orgId: string,
  inputs: readonly InputRef[],
  at: Date,
  use: RightUse = 'list',
): Promise<Extract<RightCheck, { ok: true }>[]> {
  const checks = await rightsToDerive(orgId, inputs, at, use)
  const missing = checks.find((c): c is Extract<RightCheck, { ok: false }> => !c.ok)
  if (missing) {
    const name = missing.facts
      ? `「${missing.facts.label.zh || missing.facts.label.en}」(${missing.facts.code})`
      : `${missing.input.kind}:${missing.input.id}`
    throw new DomainError(
      'missing_right',
      `error.market.right.${missing.code}`,
      missing.code === 'not_found' ? 404 : 403,
      undefined,
      {
        input: name,
        ref: `${missing.input.kind}:${missing.input.id}`,
        needed: missing.needed,
        basisRef: missing.basisRef ?? '',
      },
    )
  }
  return checks as Extract<RightCheck, { ok: true }>[]
}

/** GB/T 43697-2024 and Art. 38 (protect important data): core-grade data can never be listed. */
export function assertGradeListable(tier: ProductGradeTier | string): void {
  if (tier === 'core') {
    throw new DomainError('core_never_listed', 'error.market.coreNeverListed', 422, {
      gradeTier: ['error.market.coreNeverListed'],
    })
  }
}

/** Important-grade listings and every new version of them go to the authority for review. */
export function reviewRequired(tier: ProductGradeTier | string): boolean {
  return tier === 'important'
}

/**
 * Art. 36: analysis models and algorithms are the data authority's to publish, with their inputs,
 * outputs and documentation stated.
 */
export function art36AssertModelPublisher(
  user: AuthUser,
  input: Pick<ProductInput, 'kind' | 'model'>,
): void {
  if (input.kind !== 'model') return
  if (user.org?.type !== 'authority') {
    throw new DomainError('models_are_authority', 'error.market.modelsAreAuthority', 403, {
      kind: ['error.market.modelsAreAuthority'],
    })
  }
  const m = input.model
  const fields: Record<string, string[]> = {}
  if (!m || m.inputs.length === 0) fields.m_inputs = ['error.market.modelNeedsInputs']
  if (!m || m.outputs.length === 0) fields.m_outputs = ['error.market.modelNeedsOutputs']
  if (!m || !m.documentation.zh.trim()) fields.m_docZh = ['error.market.modelNeedsDocumentation']
  if (Object.keys(fields).length)
    throw new DomainError('model_incomplete', 'error.market.modelIncomplete', 400, fields)
}

/**
 * Art. 32, 38: a version reaches buyers only when its screening passed and, for important grade,
 * the authority approved it.
 */
export function mayPublish(v: {
  screening: { status: string }
  review: { status: string }
}): boolean {
  return (
    v.screening.status === 'passed' &&
    (v.review.status === 'approved' || v.review.status === 'not_required')
  )
}

/** Art. 38: every version states where it came from — at least one input. */
export function art38RequireInputs(inputs: readonly InputRef[]): void {
  if (inputs.length === 0)
    throw new DomainError('no_inputs', 'error.market.noInputs', 400, {
      inputs: ['error.market.noInputs'],
    })
}
