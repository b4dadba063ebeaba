// The diff view between two versions of an entry's content (Art. 10: versions are kept and an
// older one stays readable). Pure: the server computes it, the page renders it.
export interface ContentChange {
  path: string
  kind: 'added' | 'removed' | 'changed'
  before: string | null
  after: string | null
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function show(v: Json | undefined): string | null {
  if (v === undefined || v === null || v === '') return null
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** Lists keyed by a stable member name (fields by `name`, distributions by `key`) diff by key. */
const KEYED_LISTS: Record<string, string> = { fields: 'name', distributions: 'key' }

function walk(path: string, a: Json | undefined, b: Json | undefined, out: ContentChange[]) {
  const listKey = KEYED_LISTS[path]
  if (listKey && (Array.isArray(a) || Array.isArray(b))) {
    const index = (list: Json | undefined) =>
      new Map(
        (Array.isArray(list) ? list : []).map((item) => [
          String((item as Record<string, Json>)[listKey]),
          item,
        ]),
      )
    const before = index(a)
    const after = index(b)
    for (const [k, item] of before) {
      if (!after.has(k))
        out.push({ path: `${path}[${k}]`, kind: 'removed', before: show(item), after: null })
      else walk(`${path}[${k}]`, item, after.get(k), out)
    }
    for (const [k, item] of after)
      if (!before.has(k))
        out.push({ path: `${path}[${k}]`, kind: 'added', before: null, after: show(item) })
    return
  }
  const isObj = (v: Json | undefined) => v !== null && typeof v === 'object' && !Array.isArray(v)
  if (isObj(a) || isObj(b)) {
    const ao = (isObj(a) ? a : {}) as Record<string, Json>
    const bo = (isObj(b) ? b : {}) as Record<string, Json>
    for (const key of [...new Set([...Object.keys(ao), ...Object.keys(bo)])])
      walk(path ? `${path}.${key}` : key, ao[key], bo[key], out)
    return
  }
  const before = show(a)
  const after = show(b)
  if (before === after) return
  out.push({
    path,
    kind: before === null ? 'added' : after === null ? 'removed' : 'changed',
    before,
    after,
  })
}

export function diffContent(before: unknown, after: unknown): ContentChange[] {
  const out: ContentChange[] = []
  walk('', before as Json, after as Json, out)
  return out
}
