// Built-in analysis models (Art. 36): each runner reads its input file as a stream and writes a
// deterministic CSV (the same input and parameters give the same bytes, so a retried run stores
// the same content). Parameters are validated per runner; a bad input is a DomainError.
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { z } from 'zod'
import { DomainError } from '~/utils/errors'
import type { ModelRunner } from './schemas'

/** One CSV line → cells (RFC 4180 quotes within a line; a quoted line break is not supported). */
export function csvCells(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') {
      cells.push(cell)
      cell = ''
    } else cell += ch
  }
  cells.push(cell)
  return cells
}

function csvLine(cells: (string | number)[]): string {
  return cells
    .map((c) =>
      typeof c === 'string' && /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : String(c),
    )
    .join(',')
}

const landUseParams = z.strictObject({ unit: z.enum(['ha', 'mu']).default('ha') })

const MU_PER_HA = 15
const MAX_ROWS = 5_000_000

/**
 * Land-use structure: per county the total area, each land class's share and the dominant class.
 * Input columns: county_code, land_class, area_ha (county / land_class_name used when present).
 */
async function landUseStructure(
  input: Readable,
  parametersJson: string,
): Promise<{ csv: string; rows: number; summary: Record<string, number> }> {
  const parsed = landUseParams.safeParse(JSON.parse(parametersJson || '{}'))
  if (!parsed.success) throw new DomainError('bad_parameters', 'error.market.runParameters', 400)
  const { unit } = parsed.data
  const lines = createInterface({ input, crlfDelay: Infinity })
  let header: string[] | null = null
  const counties = new Map<string, { name: string; areas: Map<string, number> }>()
  const classNames = new Map<string, string>()
  let rows = 0
  for await (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, '')
    if (!line.trim()) continue
    const cells = csvCells(line).map((c) => c.trim())
    if (!header) {
      header = cells.map((c) => c.toLowerCase())
      for (const need of ['county_code', 'land_class', 'area_ha']) {
        if (!header.includes(need))
          throw new DomainError('bad_model_input', 'error.market.runInputColumns', 422, undefined, {
            columns: 'county_code, land_class, area_ha',
          })
      }
      continue
    }
    if (++rows > MAX_ROWS)
      throw new DomainError('bad_model_input', 'error.market.runInputTooLarge', 422)
    const get = (name: string) => cells[header!.indexOf(name)] ?? ''
    const area = Number(get('area_ha'))
    if (!Number.isFinite(area) || area < 0)
      throw new DomainError('bad_model_input', 'error.market.runInputValue', 422, undefined, {
        row: rows + 1,
      })
    const code = get('county_code')
    const landClass = get('land_class')
    const county = counties.get(code) ?? { name: get('county'), areas: new Map() }
    county.areas.set(landClass, (county.areas.get(landClass) ?? 0) + area)
    counties.set(code, county)
    if (header.includes('land_class_name')) classNames.set(landClass, get('land_class_name'))
  }
  if (!header || rows === 0)
    throw new DomainError('bad_model_input', 'error.market.runInputEmpty', 422)
  const classes = [...new Set([...counties.values()].flatMap((c) => [...c.areas.keys()]))].sort()
  const factor = unit === 'mu' ? MU_PER_HA : 1
  const out = [
    csvLine([
      'county_code',
      'county',
      `total_${unit}`,
      'dominant_class',
      'dominant_class_name',
      ...classes.map((c) => `share_${c}`),
    ]),
  ]
  for (const code of [...counties.keys()].sort()) {
    const c = counties.get(code)!
    const total = [...c.areas.values()].reduce((a, b) => a + b, 0)
    const dominant = [...c.areas.entries()].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    )[0]!
    out.push(
      csvLine([
        code,
        c.name,
        (total * factor).toFixed(2),
        dominant[0],
        classNames.get(dominant[0]) ?? '',
        ...classes.map((k) => (total > 0 ? ((c.areas.get(k) ?? 0) / total).toFixed(4) : '0')),
      ]),
    )
  }
  return {
    csv: out.join('\r\n') + '\r\n',
    rows,
    summary: { counties: counties.size, classes: classes.length },
  }
}

export const RUNNERS: Record<
  ModelRunner,
  (
    input: Readable,
    parameters: string,
  ) => Promise<{ csv: string; rows: number; summary: Record<string, number> }>
> = {
  'land-use-structure': landUseStructure,
}
