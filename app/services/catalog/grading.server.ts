// Grading decides who sees (issue 19; Art. 9, 45; GB/T 43697-2024). One rule for every door an
// entry's details leave by — the entry page and its versions, the catalog lists, the API, the
// search index, and through the index the open portal, CKAN and DCAT:
//   - core data never leaves: only the source department and the authority know the entry exists;
//   - important data shows its details (description, fields, files) only to organisations with a
//     need — the source department, the authority, and holders of a grant in force for it; others
//     see a card (title, source, grade, the sharing terms) so they can ask for it, no more;
//   - general data is seen by everyone with catalog access once it is listed.
import { SharingGrant } from '#models/sharing-grant'
import type { AuthUser } from '~/services/identity/auth.server'
import type { PlainContent } from './entries.server'

export type EntryAccess = 'full' | 'published' | 'restricted' | 'none'

interface GradedEntry {
  _id: unknown
  orgId: string
  listed: boolean
  published?: { grade: { tier: string } } | null
  content: { grade: { tier: string } }
}

function tierOf(entry: GradedEntry): string {
  return (entry.published ?? entry.content).grade.tier
}

/** Catalog entries the organisation holds a grant in force for (its need to know, Art. 24). */
export async function grantedEntryIds(orgId: string, now = new Date()): Promise<Set<string>> {
  const grants = await SharingGrant.find(
    { granteeOrgId: orgId, revokedAt: null },
    { catalogEntryId: 1, start: 1, end: 1 },
  ).lean()
  return new Set(
    grants
      .filter((g) => g.start.getTime() <= now.getTime() && now.getTime() < g.end.getTime())
      .map((g) => g.catalogEntryId),
  )
}

/**
 * Art. 9, 45: how much of an entry `viewer` may see. `granted` (the viewer's organisation's
 * granted entries) may be passed when many entries are judged at once.
 */
export async function entryAccess(
  viewer: AuthUser | undefined,
  entry: GradedEntry,
  granted?: Set<string>,
): Promise<EntryAccess> {
  const org = viewer?.org
  if (org && (org.id === entry.orgId || org.type === 'authority')) return 'full'
  const tier = tierOf(entry)
  if (!entry.listed || tier === 'core') return 'none'
  if (tier !== 'important') return 'published'
  if (!org) return 'restricted'
  const need = granted ?? (await grantedEntryIds(org.id))
  return need.has(String(entry._id)) ? 'published' : 'restricted'
}

/** Art. 9, 45: what an important entry shows to an organisation without a need. */
export function restrictedContent(c: PlainContent): PlainContent {
  return {
    ...c,
    description: { zh: '', en: '' },
    tags: [],
    fields: [],
    distributions: [],
    screeningRef: null,
  }
}

/** For the search index (and the portal, CKAN and DCAT it feeds): important entries as a card. */
export function indexableContent(c: PlainContent): PlainContent {
  return c.grade.tier === 'important' ? restrictedContent(c) : c
}
