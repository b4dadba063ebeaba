// Text analysis shared by indexing and querying, so both sides fold and split text the same way.
//
// - Folding: Unicode NFKC (full-width → half-width), lower case, and Traditional → Simplified Chinese
//   with OpenCC's Hong Kong table (opencc-js), so 廣東 and 广东 become the same terms.
// - Chinese: every run of Han characters is indexed as overlapping character bigrams (a one-character
//   run as itself). Intl.Segmenter('zh') words add the terms bigrams cannot express: one-character
//   words (省, 市) and words of three or more characters (统计局), which rank an exact word above
//   scattered bigrams. A query is split into words by the segmenter; a word of two characters is one
//   bigram term, a longer word needs all its bigrams (and scores extra when the document has the word).
//   Documents are segmented in their prominent fields (titles, tags); body text gets bigrams only.
// - Other scripts: letter/digit words, lower-cased, with a light English plural stemmer and a few
//   stop words removed.
import * as OpenCC from 'opencc-js/t2cn'

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' })

// OpenCC's character mapping as a table over the BMP's CJK blocks (U+3400–U+9FFF and the
// compatibility ideographs U+F900–U+FAFF), built once: folding is then one lookup a character,
// and a word folds the same wherever it stands. Characters outside the BMP go through OpenCC itself.
const TABLE_RANGES: [number, number][] = [
  [0x3400, 0x9fff],
  [0xf900, 0xfaff],
]
const foldTable = new Map<number, string>()
for (const [from, to] of TABLE_RANGES) {
  let chars = ''
  for (let cp = from; cp <= to; cp++) chars += String.fromCharCode(cp)
  const converted = toSimplified(chars)
  if (converted.length !== chars.length) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCharCode(cp)
      const s = toSimplified(c)
      if (s !== c) foldTable.set(cp, s)
    }
  } else {
    for (let i = 0; i < chars.length; i++) {
      if (converted.charCodeAt(i) !== chars.charCodeAt(i)) foldTable.set(from + i, converted[i]!)
    }
  }
}

function foldHan(text: string): string {
  let out = ''
  let last = 0
  let astral = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff) astral = true
    const mapped = foldTable.get(code)
    if (mapped !== undefined) {
      out += text.slice(last, i) + mapped
      last = i + 1
    }
  }
  out += text.slice(last)
  return astral ? toSimplified(out) : out
}
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })

const HAN_RUN = /\p{Script=Han}+/gu
const HAN_CHAR = /\p{Script=Han}/u
// Letters and digits that are not Han (set subtraction needs the `v` flag, Node ≥ 20).
const OTHER_WORD = new RegExp('[[\\p{L}\\p{N}]--\\p{Script=Han}]+', 'gv')
const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'and',
  'or',
  'in',
  'on',
  'for',
  'to',
  'by',
  'with',
  'at',
  'from',
  'is',
])

/** NFKC, lower case, Traditional → Simplified. */
export function foldText(text: string): string {
  const normalized = text.normalize('NFKC').toLowerCase()
  return HAN_CHAR.test(normalized) ? foldHan(normalized) : normalized
}

/** A light English stemmer: plural forms fold to the singular (registrations → registration). */
export function stemWord(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y'
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1)
  return word
}

function bigrams(run: string): string[] {
  const chars = Array.from(run)
  if (chars.length === 1) return chars
  const out: string[] = []
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!)
  return out
}

function segmentHan(run: string): string[] {
  const words: string[] = []
  for (const part of segmenter.segment(run)) if (part.isWordLike) words.push(part.segment)
  return words
}

/** Non-Han words of a folded text. */
function otherWords(folded: string): string[] {
  const out: string[] = []
  for (const match of folded.matchAll(OTHER_WORD)) {
    const word = match[0]
    if (!STOP_WORDS.has(word)) out.push(stemWord(word))
  }
  return out
}

/**
 * Weighted term frequencies and length of a document's fields. The Han runs to segment are joined
 * and segmented in one Intl.Segmenter call (each call costs about 5 µs on top of its length).
 */
export function analyzeFields(fields: readonly { text: string; weight: number }[]): {
  terms: Map<string, number>
  length: number
} {
  const terms = new Map<string, number>()
  let length = 0
  const add = (term: string, weight: number) => {
    terms.set(term, (terms.get(term) ?? 0) + weight)
    length += weight
  }
  const runs: string[] = []
  const runWeights: number[] = []
  for (const field of fields) {
    if (!field.text) continue
    const f = foldText(field.text)
    for (const match of f.matchAll(HAN_RUN)) {
      const run = match[0]
      for (const b of bigrams(run)) add(b, field.weight)
      // One- and two-character runs are whole already; longer runs of the prominent fields (weight
      // ≥ 2: titles, tags) are segmented below. Segmenting costs about 1 µs a character, so body
      // text (descriptions, field labels) is indexed by its bigrams alone.
      if (run.length > 2 && field.weight >= 2) {
        runs.push(run)
        runWeights.push(field.weight)
      }
    }
    for (const word of otherWords(f)) add(word, field.weight)
  }
  if (runs.length) {
    const joined = runs.join('\n')
    let run = 0
    let runEnd = runs[0]!.length
    for (const part of segmenter.segment(joined)) {
      if (!part.isWordLike) continue
      while (part.index >= runEnd && run + 1 < runs.length) {
        run++
        runEnd += 1 + runs[run]!.length
      }
      const chars = Array.from(part.segment).length
      if (chars === 1 || chars > 2) add(part.segment, runWeights[run]!)
    }
  }
  return { terms, length }
}

/** Terms of one text (tests and diagnostics). */
export function documentTerms(text: string): string[] {
  return [...analyzeFields([{ text, weight: 1 }]).terms.keys()]
}

export interface AnalyzedQuery {
  /** Every one must be in a matching document. */
  required: string[]
  /** Ranking only: whole Chinese words of three or more characters. */
  boost: string[]
}

export function analyzeQuery(text: string): AnalyzedQuery {
  const f = foldText(text)
  const required = new Set<string>()
  const boost = new Set<string>()
  for (const match of f.matchAll(HAN_RUN)) {
    for (const word of segmentHan(match[0])) {
      const chars = Array.from(word)
      if (chars.length <= 2) required.add(word)
      else {
        for (const b of bigrams(word)) required.add(b)
        boost.add(word)
      }
    }
  }
  for (const word of otherWords(f)) required.add(word)
  return { required: [...required], boost: [...boost] }
}
