// The entry form's loader and action, shared by /catalog/new and /catalog/:id/edit. Forms work
// without JavaScript: a refused post renders the same form with the posted values and messages.
import { redirect } from '@remix-run/node'
import type { AuthUser } from '~/services/identity/auth.server'
import { DomainError } from '~/utils/errors'
import {
  assertOwner,
  createDraft,
  listAgencies,
  loadEntry,
  plainContent,
  updateDraft,
} from './entries.server'
import { catalogLinks } from './pages.server'
import { submissionCheck, submitEntry } from './review.server'
import { entryFormSchema } from './schemas'
import { gradeLadder } from './settings.server'
import type { LocaleT as T } from '~/i18n/config'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'

export async function entryFormData(
  user: AuthUser,
  t: T,
  entryId: string | undefined,
  request: Request,
) {
  const url = new URL(request.url)
  const extraRows = Math.min(Math.max(Number(url.searchParams.get('rows') ?? 0) || 0, 0), 100)
  const [agencies, ladder] = await Promise.all([listAgencies(), gradeLadder()])
  let entry = null
  let problems: { field: string; message: string }[] = []
  let reviewPending = false
  if (entryId) {
    const doc = await loadEntry(entryId)
    assertOwner(user, doc)
    if (doc.status === 'submitted') throw new DomainError('locked', 'error.catalog.locked', 409)
    entry = {
      id: String(doc._id),
      code: doc.code,
      status: doc.status,
      returnReasons: [...(doc.returnReasons ?? [])],
      content: plainContent(doc.content),
    }
    const found = await submissionCheck(doc.orgId, String(doc._id), doc.content)
    problems = found.map((p) => ({ field: p.field, message: t(p.key, p.params) }))
    // Art. 46: the confidentiality review is made on the entry's page.
    reviewPending = found.some((p) => p.key.startsWith('error.confidentiality.'))
  }
  return {
    nav: catalogLinks(user, t),
    ownOrgId: user.org?.id ?? '',
    agencies,
    ladder,
    entry,
    problems,
    reviewPending,
    extraRows,
    saved: url.searchParams.has('saved'),
    refused: url.searchParams.has('refused'),
  }
}

/**
 * Save (create or update the working copy), add rows, or save and submit (Art. 10, 12, 13, 32).
 * A refused submission keeps the saved draft and shows why.
 */
export async function entryFormAction(
  user: AuthUser,
  t: T,
  entryId: string | undefined,
  request: Request,
) {
  let values: PostedValues = {}
  let input
  try {
    const form = await readForm(request, entryFormSchema, t.locale)
    values = form.values
    input = form.parse()
  } catch (error) {
    return formFailure(error, t, values)
  }
  let id = entryId
  try {
    if (id) await updateDraft({ user, entryId: id, content: input.content })
    else id = (await createDraft({ user, content: input.content })).id
  } catch (error) {
    return formFailure(error, t, values)
  }
  if (input.intent === 'addRows')
    return redirect(
      `/catalog/${id}/edit?rows=${Math.max(0, input.rowCount - input.content.fields.length - 3) + 5}`,
    )
  if (input.intent === 'save') return redirect(`/catalog/${id}/edit?saved=1`)
  try {
    await submitEntry({ user, entryId: id })
  } catch (error) {
    // A new draft exists now: show it (with its problems) instead of posting to /new again.
    if (!entryId && error instanceof DomainError) return redirect(`/catalog/${id}/edit?refused=1`)
    return formFailure(error, t, values)
  }
  return redirect(`/catalog/${id}?submitted=1`)
}
