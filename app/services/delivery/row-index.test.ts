// API pages deep in a licence's copy read from the row index's nearest point, not the file's
// start, and return exactly the rows a full scan would (issue 14: offsets up to 10,000,000).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
const STORE = mkdtempSync(path.join(os.tmpdir(), 'gdpde-rowindex-'))
process.env.STORAGE_DIR = STORE

import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { contentStore } from '~/services/storage/store.server'
import { readRows } from './api-access.server'
import { INDEX_FROM_ROW, rowIndex, startFor } from './row-index.server'

const ROWS = 20_000

function table(): string {
  const lines = ['\uFEFFid,name,secret,note']
  for (let i = 0; i < ROWS; i++) {
    lines.push(`${i},名${i},s${i},${i % 97 === 0 ? `"多行\n备注 ${i}"` : `n${i}`}`)
    if (i % 1000 === 500) lines.push('')
  }
  return lines.join('\r\n') + '\r\n'
}

afterAll(() => rmSync(STORE, { recursive: true, force: true }))

describe('rows of a stored table by offset', () => {
  it('a deep page equals the same rows of a full scan, quoted line breaks and blank lines included', async () => {
    const stored = await contentStore().putBytes(table())
    const index = await rowIndex(stored.key, 0x2c)
    expect(index.rows).toBe(ROWS)
    expect(startFor(index, 12_345).rowsBefore).toBeLessThanOrEqual(12_345)
    expect(startFor(index, 12_345).byte).toBeGreaterThan(0)
    for (const offset of [0, 1, INDEX_FROM_ROW - 1, INDEX_FROM_ROW, 12_345, ROWS - 3]) {
      const page = await readRows(stored.key, ',', ['id', 'name', 'note'], offset, 5)
      expect(page.fields).toEqual(['id', 'name', 'note'])
      const expected = Array.from({ length: Math.min(5, ROWS - offset) }, (_, k) => offset + k).map(
        (i) => ({
          id: String(i),
          name: `名${i}`,
          note: i % 97 === 0 ? `多行\n备注 ${i}` : `n${i}`,
        }),
      )
      expect(page.rows, `offset ${offset}`).toEqual(expected)
    }
  })

  it('an offset past the last row answers no rows at once, and GB18030 text reads right', async () => {
    const stored = await contentStore().putBytes(table())
    expect((await readRows(stored.key, ',', ['id'], 9_999_999, 100)).rows).toEqual([])
    const gbk = await contentStore().putBytes(
      iconv.encode('编号,名称\r\n1,广州\r\n2,深圳\r\n', 'gb18030'),
    )
    expect((await readRows(gbk.key, ',', ['编号', '名称'], 1, 10)).rows).toEqual([
      { 编号: '2', 名称: '深圳' },
    ])
  })
})
