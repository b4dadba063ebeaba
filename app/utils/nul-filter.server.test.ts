import { Writable } from 'node:stream'
import { createElement as h } from 'react'
import { renderToPipeableStream } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { withoutNulBytes } from './nul-filter.server'

function render(filter: boolean): Promise<Buffer> {
  const inputs = Array.from({ length: 3000 }, (_, i) =>
    h('input', { key: i, defaultValue: '广东省数据' + 'a'.repeat(i % 7) }),
  )
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const sink = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(Buffer.from(chunk))
        cb()
      },
      final(cb) {
        resolve(Buffer.concat(chunks))
        cb()
      },
    })
    const { pipe } = renderToPipeableStream(h('div', null, inputs), {
      onAllReady() {
        if (!filter) return void pipe(sink)
        const body = withoutNulBytes()
        body.pipe(sink)
        pipe(body)
      },
    })
  })
}

describe('server rendering of Chinese pages', () => {
  it('React 18 leaks NUL bytes at buffer edges; the filter removes them and nothing else', async () => {
    const raw = await render(false)
    const filtered = await render(true)
    expect(raw.includes(0)).toBe(true) // the upstream bug this filter exists for
    expect(filtered.includes(0)).toBe(false)
    expect(filtered.length).toBe(raw.filter((b) => b !== 0).length)
    expect(filtered.toString('utf8')).not.toContain('\uFFFD')
  })
})
