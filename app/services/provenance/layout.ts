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
  /** The title as drawn: one or two lines (see `wrapText`). */
  titleLines?: string[]
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
export const NODE_H = 78
const DUMMY_H = 14
const GAP_X = 70
const GAP_Y = 16
const PAD = 20
const SWEEPS = 6

/** Display width in "half-width" units: CJK and full-width characters count two. */
export function textUnits(text: string): number {
  let units = 0
  for (const ch of text)
    units +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1
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

/** Breaks text into at most `maxLines` lines of `max` half-width units; the last one ends in … when cut. */
export function wrapText(text: string, max: number, maxLines: number): string[] {
  const lines: string[] = []
  let rest = text
  while (rest && lines.length < maxLines) {
    if (textUnits(rest) <= max || lines.length === maxLines - 1) {
      lines.push(clipText(rest, max))
      break
    }
    let line = ''
    let units = 0
    let lastSpace = -1
    for (const ch of rest) {
      const w = textUnits(ch)
      if (units + w > max) break
      if (ch === ' ') lastSpace = line.length
      line += ch
      units += w
    }
    // Break Latin text at a space; Chinese anywhere.
    if (lastSpace > line.length / 2 && /[A-Za-z]/.test(line[line.length - 1] ?? ''))
      line = line.slice(0, lastSpace)
    lines.push(line.trimEnd())
    rest = rest.slice(line.length).trimStart()
  }
  return lines
}

export function layoutGraph(
  nodes: readonly GraphNodeInput[],
  edges: readonly GraphEdgeInput[],
): GraphLayout {
  const byKey = new Map(nodes.map((n) => [n.key, n]))
  const valid = edges.filter((e) => byKey.has(e.from) && byKey.has(e.to) && e.from !== e.to)
  const inputsOf = new Map<string, string[]>()
  const consumersOf = new Map<string, string[]>()
  const link = (from: string, to: string) => {
    ;(inputsOf.get(from) ?? inputsOf.set(from, []).get(from)!).push(to)
    ;(consumersOf.get(to) ?? consumersOf.set(to, []).get(to)!).push(from)
  }
  for (const e of valid) link(e.from, e.to)

  // Versions: longest distance from a root (Kahn's order over the derived → input edges).
  const isVersion = (n: GraphNodeInput) => n.kind !== 'catalog' && n.kind !== 'department'
  const versions = nodes.filter(isVersion)
  const level = new Map<string, number>()
  const pending = new Map(
    versions.map((v) => [
      v.key,
      (consumersOf.get(v.key) ?? []).filter((c) => isVersion(byKey.get(c)!)).length,
    ]),
  )
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

  // An edge that skips columns runs through a chain of invisible waypoints, one per column it
  // crosses, which take part in the ordering: long edges then pass between boxes, not over them.
  inputsOf.clear()
  consumersOf.clear()
  const dummy = new Set<string>()
  const chains = valid.map((e, i) => {
    const chain = [e.from]
    for (let l = level.get(e.from)! + 1; l < level.get(e.to)!; l++) {
      const key = `~${i}~${l}`
      dummy.add(key)
      level.set(key, l)
      chain.push(key)
    }
    chain.push(e.to)
    for (let j = 0; j + 1 < chain.length; j++) link(chain[j]!, chain[j + 1]!)
    return chain
  })

  // Columns left to right: departments … root.
  const columns: string[][] = Array.from({ length: maxLevel + 1 }, () => [])
  for (const n of nodes) columns[maxLevel - level.get(n.key)!]!.push(n.key)
  for (const d of dummy) columns[maxLevel - level.get(d)!]!.push(d)
  const position = new Map<string, number>()
  const renumber = (col: string[]) => col.forEach((k, i) => position.set(k, i))
  columns.forEach(renumber)
  const barycentre = (k: string, neighbours: string[] | undefined) => {
    const ps = (neighbours ?? [])
      .map((n) => position.get(n))
      .filter((p): p is number => p !== undefined)
    return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : position.get(k)!
  }
  const reorder = (c: number, neighbours: Map<string, string[]>) => {
    const keyed = columns[c]!.map((k) => [k, barycentre(k, neighbours.get(k))] as const)
    keyed.sort((a, b) => a[1] - b[1])
    columns[c] = keyed.map(([k]) => k)
    renumber(columns[c]!)
  }
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    if (sweep % 2 === 0) for (let c = columns.length - 2; c >= 0; c--) reorder(c, consumersOf)
    else for (let c = 1; c < columns.length; c++) reorder(c, inputsOf)
  }

  const slot = (k: string) => (dummy.has(k) ? DUMMY_H : NODE_H)
  const columnHeight = (col: string[]) =>
    col.reduce((sum, k) => sum + slot(k), 0) + Math.max(0, col.length - 1) * GAP_Y
  const tallest = Math.max(NODE_H, ...columns.map(columnHeight))
  const height = PAD * 2 + tallest
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * GAP_X
  const placed = new Map<string, PlacedNode>()
  const waypoints = new Map<string, { x: number; y: number }>()
  columns.forEach((col, c) => {
    let y = PAD + (tallest - columnHeight(col)) / 2
    const x = PAD + c * (NODE_W + GAP_X)
    for (const k of col) {
      if (dummy.has(k)) waypoints.set(k, { x, y: y + DUMMY_H / 2 })
      else placed.set(k, { ...byKey.get(k)!, x, y, w: NODE_W, h: NODE_H, column: c })
      y += slot(k) + GAP_Y
    }
  })

  const curve = (x1: number, y1: number, x2: number, y2: number) => {
    const dx = Math.max(20, (x2 - x1) / 2)
    return ` C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`
  }
  const placedEdges: PlacedEdge[] = valid.map((e, i) => {
    const source = placed.get(e.to)!
    const target = placed.get(e.from)!
    // From the input (left) through the waypoints to the derived node (right).
    const through = chains[i]!.slice(1, -1)
      .reverse()
      .map((k) => waypoints.get(k)!)
    let x = source.x + source.w
    let y = source.y + source.h / 2
    let d = `M${x},${y}`
    for (const w of through) {
      d += curve(x, y, w.x, w.y) + ` L${w.x + NODE_W},${w.y}`
      x = w.x + NODE_W
      y = w.y
    }
    d += curve(x, y, target.x, target.y + target.h / 2)
    return {
      from: e.from,
      to: e.to,
      d,
      label: e.label,
      lx: source.x + source.w + 6,
      ly: source.y + source.h / 2 - 5,
    }
  })

  return { width, height, nodes: [...placed.values()], edges: placedEdges, columns: columns.length }
}
