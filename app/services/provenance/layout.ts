// A layered drawing of a provenance graph (Art. 38: a picture a buyer or regulator can read).
// Pure and browser-safe: the server computes it and the page draws SVG from it. Data flows left to
// right: source departments, then the catalog entries they hold, then product versions by their
// longest distance from the version shown (rightmost). Within a column, nodes are ordered by the
// barycentre of their neighbours (a few alternating sweeps) to keep edges from crossing.

export type NodeKind = 'root' | 'version' | 'model' | 'private' | 'catalog' | 'department'

export interface GraphNodeInput {
  key: string
  kind: NodeKind
  title: string
  lines: string[]
  href?: string
  tooltip?: string
}

export interface GraphEdgeInput {
  /** The derived side (a version, or a catalog entry for its department edge). */
  from: string
  /** What it came from. */
  to: string
  label?: string
}

export interface PlacedNode extends GraphNodeInput {
  x: number
  y: number
  w: number
  h: number
  column: number
}

export interface PlacedEdge {
  from: string
  to: string
  d: string
  label?: string
  lx: number
  ly: number
}

export interface GraphLayout {
  width: number
  height: number
  nodes: PlacedNode[]
  edges: PlacedEdge[]
  columns: number
}

export const NODE_W = 220
export const NODE_H = 66
const GAP_X = 84
const GAP_Y = 16
const PAD = 20
const SWEEPS = 6

/** Display width in "half-width" units: CJK and full-width characters count two. */
export function textUnits(text: string): number {
  let units = 0
  for (const ch of text) units += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1
  return units
}

/** Cuts text to `max` half-width units, with an ellipsis when cut. */
export function clipText(text: string, max: number): string {
  if (textUnits(text) <= max) return text
  let out = ''
  let units = 0
  for (const ch of text) {
    const w = textUnits(ch)
    if (units + w > max - 1) break
    out += ch
    units += w
  }
  return out + '…'
}

export function layoutGraph(nodes: readonly GraphNodeInput[], edges: readonly GraphEdgeInput[]): GraphLayout {
  const byKey = new Map(nodes.map((n) => [n.key, n]))
  const valid = edges.filter((e) => byKey.has(e.from) && byKey.has(e.to) && e.from !== e.to)
  const inputsOf = new Map<string, string[]>()
  const consumersOf = new Map<string, string[]>()
  for (const e of valid) {
    ;(inputsOf.get(e.from) ?? inputsOf.set(e.from, []).get(e.from)!).push(e.to)
    ;(consumersOf.get(e.to) ?? consumersOf.set(e.to, []).get(e.to)!).push(e.from)
  }

  // Versions: longest distance from a root (Kahn's order over the derived → input edges).
  const isVersion = (n: GraphNodeInput) => n.kind !== 'catalog' && n.kind !== 'department'
  const versions = nodes.filter(isVersion)
  const level = new Map<string, number>()
  const pending = new Map(versions.map((v) => [v.key, (consumersOf.get(v.key) ?? []).filter((c) => isVersion(byKey.get(c)!)).length]))
  const queue = versions.filter((v) => pending.get(v.key) === 0).map((v) => v.key)
  for (const k of queue) level.set(k, 0)
  while (queue.length) {
    const k = queue.shift()!
    for (const input of inputsOf.get(k) ?? []) {
      if (!pending.has(input)) continue
      level.set(input, Math.max(level.get(input) ?? 0, level.get(k)! + 1))
      pending.set(input, pending.get(input)! - 1)
      if (pending.get(input) === 0) queue.push(input)
    }
  }
  // A cycle cannot happen (inputs exist before what uses them); place any leftovers at the root level.
  for (const v of versions) if (!level.has(v.key)) level.set(v.key, 0)
  const deepest = Math.max(0, ...level.values())
  for (const n of nodes) if (n.kind === 'catalog') level.set(n.key, deepest + 1)
  for (const n of nodes) if (n.kind === 'department') level.set(n.key, deepest + 2)
  const maxLevel = Math.max(0, ...level.values())

  // Columns left to right: departments … root.
  const columns: string[][] = Array.from({ length: maxLevel + 1 }, () => [])
  for (const n of nodes) columns[maxLevel - level.get(n.key)!]!.push(n.key)
  const position = new Map<string, number>()
  const renumber = (col: string[]) => col.forEach((k, i) => position.set(k, i))
  columns.forEach(renumber)
  const barycentre = (k: string, neighbours: string[] | undefined) => {
    const ps = (neighbours ?? []).map((n) => position.get(n)).filter((p): p is number => p !== undefined)
    return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : position.get(k)!
  }
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    if (sweep % 2 === 0) {
      for (let c = columns.length - 2; c >= 0; c--) {
        const col = columns[c]!
        const keyed = col.map((k) => [k, barycentre(k, consumersOf.get(k))] as const)
        keyed.sort((a, b) => a[1] - b[1])
        columns[c] = keyed.map(([k]) => k)
        renumber(columns[c]!)
      }
    } else {
      for (let c = 1; c < columns.length; c++) {
        const col = columns[c]!
        const keyed = col.map((k) => [k, barycentre(k, inputsOf.get(k))] as const)
        keyed.sort((a, b) => a[1] - b[1])
        columns[c] = keyed.map(([k]) => k)
        renumber(columns[c]!)
      }
    }
  }

  const tallest = Math.max(1, ...columns.map((c) => c.length))
  const columnHeight = (n: number) => n * NODE_H + Math.max(0, n - 1) * GAP_Y
  const height = PAD * 2 + columnHeight(tallest)
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * GAP_X
  const placed = new Map<string, PlacedNode>()
  columns.forEach((col, c) => {
    const offset = (columnHeight(tallest) - columnHeight(col.length)) / 2
    col.forEach((k, i) => {
      placed.set(k, { ...byKey.get(k)!, x: PAD + c * (NODE_W + GAP_X), y: PAD + offset + i * (NODE_H + GAP_Y), w: NODE_W, h: NODE_H, column: c })
    })
  })

  const placedEdges: PlacedEdge[] = valid.map((e) => {
    const source = placed.get(e.to)!
    const target = placed.get(e.from)!
    const x1 = source.x + source.w
    const y1 = source.y + source.h / 2
    const x2 = target.x
    const y2 = target.y + target.h / 2
    const dx = Math.max(30, (x2 - x1) / 2)
    return {
      from: e.from,
      to: e.to,
      d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`,
      label: e.label,
      lx: x1 + 6,
      ly: y1 - 5,
    }
  })

  return { width, height, nodes: [...placed.values()], edges: placedEdges, columns: columns.length }
}
