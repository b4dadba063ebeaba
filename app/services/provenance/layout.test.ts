// Art. 38: the provenance picture's layered layout (pure; no database).
import { describe, expect, it } from 'vitest'
import {
  layoutGraph,
  NODE_H,
  textUnits,
  wrapText,
  type GraphEdgeInput,
  type GraphNodeInput,
} from './layout'

const node = (key: string, kind: GraphNodeInput['kind']): GraphNodeInput => ({
  key,
  kind,
  title: key,
  lines: [],
})

describe('provenance layout', () => {
  it('art38 puts departments left, catalog entries next, versions by distance, the root right; long edges get waypoints', () => {
    const nodes = [
      node('root', 'root'),
      node('a', 'version'),
      node('b', 'version'),
      node('e1', 'catalog'),
      node('e2', 'catalog'),
      node('d', 'department'),
    ]
    const edges: GraphEdgeInput[] = [
      { from: 'root', to: 'a' },
      { from: 'a', to: 'b' },
      { from: 'b', to: 'e1' },
      { from: 'root', to: 'e2' }, // skips two version columns
      { from: 'e1', to: 'd' },
      { from: 'e2', to: 'd' },
    ]
    const layout = layoutGraph(nodes, edges)
    const col = Object.fromEntries(layout.nodes.map((n) => [n.key, n.column]))
    expect(col).toEqual({ d: 0, e1: 1, e2: 1, b: 2, a: 3, root: 4 })
    expect(layout.columns).toBe(5)
    const long = layout.edges.find((e) => e.from === 'root' && e.to === 'e2')!
    expect(long.d.match(/ L/g)).toHaveLength(2)
    // No two boxes of a column overlap.
    for (let c = 0; c < layout.columns; c++) {
      const ys = layout.nodes
        .filter((n) => n.column === c)
        .map((n) => n.y)
        .sort((p, q) => p - q)
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(NODE_H)
    }
    expect(layout.width).toBeGreaterThan(0)
    expect(layout.height).toBeGreaterThan(NODE_H)
  })

  it('orders a column by its neighbours so edges do not cross needlessly', () => {
    const nodes = [
      node('r', 'root'),
      node('x', 'version'),
      node('y', 'version'),
      node('ex', 'catalog'),
      node('ey', 'catalog'),
    ]
    const edges: GraphEdgeInput[] = [
      { from: 'r', to: 'x' },
      { from: 'r', to: 'y' },
      { from: 'x', to: 'ex' },
      { from: 'y', to: 'ey' },
    ]
    const layout = layoutGraph(nodes, edges)
    const y = Object.fromEntries(layout.nodes.map((n) => [n.key, n.y]))
    expect(Math.sign(y.x! - y.y!)).toBe(Math.sign(y.ex! - y.ey!))
  })

  it('wraps and clips titles by display width (a Chinese character counts two)', () => {
    expect(textUnits('数据ab')).toBe(6)
    expect(wrapText('广东省企业登记统计数据集', 12, 2)).toEqual(['广东省企业登', '记统计数据集'])
    expect(wrapText('Pearl River Delta commercial site-selection scores', 29, 2)).toEqual([
      'Pearl River Delta commercial',
      'site-selection scores',
    ])
    const clipped = wrapText('一二三四五六七八九十一二三四五六七八九十', 10, 2)
    expect(clipped).toHaveLength(2)
    expect(clipped[1]!.endsWith('…')).toBe(true)
  })
})
