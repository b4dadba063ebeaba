// Vocabularies of research access (Art. 26). Browser-safe: the forms, the model and the services
// read the same lists.

/** What a research request is about: a listed product, or a catalog entry. */
export const RESEARCH_SUBJECT_KINDS = ['product', 'catalog-entry'] as const
export type ResearchSubjectKind = (typeof RESEARCH_SUBJECT_KINDS)[number]

/** The use declared. `commercial` is offered only so the refusal can name it (Art. 26 ¶2). */
export const RESEARCH_USE_KINDS = [
  'research',
  'education',
  'public_interest',
  'commercial',
] as const
export type ResearchUseKind = (typeof RESEARCH_USE_KINDS)[number]

export const RESEARCH_STATUSES = ['pending', 'approved', 'refused'] as const
export type ResearchStatus = (typeof RESEARCH_STATUSES)[number]
export const RESEARCH_OUTCOMES = ['approved', 'refused'] as const
