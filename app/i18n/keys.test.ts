// Issue 16: every message key the code names exists in both languages, the two languages have the
// same keys, and every key is used. Keys are found as string literals: `t('a.b')`, and the
// `'error.…'` keys that refusals and schemas carry (translated later). Keys built at run time
// (`t(\`x.${kind}\`)`) are checked where their vocabulary is known, by the pages' own tests; the
// keys under such a prefix count as used.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from './en'
import { zh } from './zh'

const APP = path.resolve(__dirname, '..')
const I18N = path.resolve(__dirname)

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return full.startsWith(I18N) ? [] : sourceFiles(full)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && dir !== I18N ? [full] : []
  })
}

/** Dotted leaf keys of a message tree; i18next plural forms (`x_one`, `x_other`) count as `x`. */
function leafKeys(tree: unknown, prefix = ''): Set<string> {
  const keys = new Set<string>()
  for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') for (const sub of leafKeys(v, key)) keys.add(sub)
    else keys.add(key.replace(/_(zero|one|two|few|many|other)$/, ''))
  }
  return keys
}

const zhKeys = leafKeys(zh)
const enKeys = leafKeys(en)

describe('message keys', () => {
  it('Chinese and English have the same keys', () => {
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([])
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([])
  })

  it('every key the code names exists in both languages', () => {
    const missing = new Set<string>()
    let checked = 0
    for (const file of sourceFiles(APP)) {
      const text = readFileSync(file, 'utf8')
      const named = [
        ...[...text.matchAll(/\bt\(\s*'([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)'/g)].map(
          (m) => m[1]!,
        ),
        ...[...text.matchAll(/'(error\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)'/g)].map((m) => m[1]!),
      ]
      checked += named.length
      for (const key of named) {
        if (!zhKeys.has(key) || !enKeys.has(key)) missing.add(`${path.relative(APP, file)}: ${key}`)
      }
    }
    expect([...missing]).toEqual([])
    expect(checked).toBeGreaterThan(1000) // the scan found the code's keys (not a vacuous pass)
    expect(zhKeys.has('common.total') && !zhKeys.has('common.no_such_key')).toBe(true)
  })

  it('every key is used: named by the code, or under a prefix the code builds keys from', () => {
    const code = sourceFiles(APP)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    const literal = new Set(
      [...code.matchAll(/['"`]([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)['"`]/g)].map(
        (m) => m[1]!,
      ),
    )
    const prefixes = [...code.matchAll(/`([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*\.)\$\{/g)].map(
      (m) => m[1]!,
    )
    const unused = [...zhKeys].filter(
      (key) => !literal.has(key) && !prefixes.some((prefix) => key.startsWith(prefix)),
    )
    expect(unused).toEqual([])
    expect(prefixes.length).toBeGreaterThan(20) // run-time keys were found (not a vacuous pass)
  })
})
