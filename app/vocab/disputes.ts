/** A dispute's stages (C13; Art. 51), in order: negotiation, coordination by the authority, joint
 * consultation, the authority's leaning opinion, submitted for decision, resolved. */
export const DISPUTE_STAGES = [
  'negotiation',
  'coordination',
  'consultation',
  'opinion',
  'submitted',
  'resolved',
] as const
export type DisputeStage = (typeof DISPUTE_STAGES)[number]

/** What a dispute is about (Art. 51: the collection, use or management of public data). */
export const DISPUTE_MATTERS = ['collection', 'use', 'management'] as const
