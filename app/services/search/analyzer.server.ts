// Text analysis shared by indexing and querying, so both sides fold and split text the same way.
//
// - Folding: Unicode NFKC (full-width → half-width), lower case, and Traditional → Simplified Chinese
//   with OpenCC's Hong Kong table (opencc-js), so 廣東 and 广东 become the same terms.
// - Chinese: every run of Han characters is indexed as overlapping character bigrams (a one-character
//   run as itself). Intl.Segmenter('zh') words add the terms bigrams cannot express: one-character
//   words (省, 市) and words of three or more characters (统计局), which rank an exact word above
//   scattered bigrams. A query is split into words by the segmenter; a word of two characters is one
//   bigram term, a longer word needs all its bigrams (and scores extra when the document has the word).
// - Other scripts: letter/digit words, lower-cased, with a light English plural stemmer and a few
//   stop words removed.
import * as OpenCC from 'opencc-js/t2cn'

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' })
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })

const HAN_RUN = /\p{Script=Han}+/gu
const HAN_CHAR = /\p{Script=Han}/u
const OTHER_WORD = /[\p{L}\p{N}]+/gu
const STOP_WORDS = new Set(['a', 'an', 'the', 'of', 'and', 'or', 'in', 'on', 'for', 'to', 'by', 'with', 'at', 'from', 'is'])

/** NFKC, lower case, Traditional → Simplified. */
export function foldText(text: string): string {
  const normalized = text.normalize('NFKC').toLowerCase()
  return HAN_CHAR.test(normalized) ? toSimplified(normalized) : normalized
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

/** Non-Han words of a folded text (Han runs blanked out first). */
function otherWords(folded: string): string[] {
  const out: string[] = []
  for (const match of folded.replace(HAN_RUN, ' ').matchAll(OTHER_WORD)) {
    const word = match[0]
    if (!STOP_WORDS.has(word)) out.push(stemWord(word))
  }
  return out
}

/**
 * Terms of one document field, each occurrence once (repeats count toward term frequency).
 * Pass `folded: true` when the text was folded already.
 */
export function documentTerms(text: string, folded = false): string[] {
  const f = folded ? text : foldText(text)
  const terms: string[] = []
  for (const match of f.matchAll(HAN_RUN)) {
    const run = match[0]
    terms.push(...bigrams(run))
    if (Array.from(run).length >= 2) {
      for (const word of segmentHan(run)) {
        const length = Array.from(word).length
        if (length === 1 || length > 2) terms.push(word)
      }
    }
  }
  terms.push(...otherWords(f))
  return terms
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
