// C12 report charts: horizontal grouped bar charts drawn with visx (ADR 022). visx renders
// plain SVG elements, so the server sends a finished chart and the page needs no JavaScript.
import { AxisBottom } from '@visx/axis'
import { Group } from '@visx/group'
import { scaleBand, scaleLinear } from '@visx/scale'
import { Bar } from '@visx/shape'

export interface BarSeries {
  name: string
  color: string
}

export interface BarRow {
  label: string
  values: number[]
}

const LABEL_WIDTH = 180
const ROW_HEIGHT = 26
const WIDTH = 640

/** One row per label, one bar per series; a <title> on every bar names its value. */
export function GroupedBarChart({
  title,
  series,
  rows,
}: {
  title: string
  series: BarSeries[]
  rows: BarRow[]
}) {
  const innerWidth = WIDTH - LABEL_WIDTH - 24
  const innerHeight = Math.max(1, rows.length) * ROW_HEIGHT
  const legendTop = innerHeight + 44
  const height = legendTop + series.length * 18
  const max = Math.max(1, ...rows.flatMap((r) => r.values))
  const integers = rows.every((r) => r.values.every((v) => Number.isInteger(v)))
  const y = scaleBand<string>({
    domain: rows.map((_, i) => String(i)),
    range: [0, innerHeight],
    padding: 0.25,
  })
  const inner = scaleBand<number>({
    domain: series.map((_, i) => i),
    range: [0, y.bandwidth()],
    padding: 0.1,
  })
  const x = scaleLinear<number>({ domain: [0, max], range: [0, innerWidth], nice: true })
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        width={WIDTH}
        height={height}
        role="img"
        aria-label={title}
        viewBox={`0 0 ${WIDTH} ${height}`}
      >
        <Group left={LABEL_WIDTH} top={8}>
          {rows.map((row, i) => (
            <Group key={i} top={y(String(i)) ?? 0}>
              <text
                x={-8}
                y={y.bandwidth() / 2}
                textAnchor="end"
                dominantBaseline="middle"
                fontSize={12}
              >
                {row.label.length > 16 ? `${row.label.slice(0, 15)}…` : row.label}
              </text>
              {row.values.map((v, s) => (
                <Bar
                  key={s}
                  x={0}
                  y={inner(s) ?? 0}
                  width={x(v)}
                  height={inner.bandwidth()}
                  fill={series[s]?.color ?? '#888'}
                >
                  <title>{`${row.label} · ${series[s]?.name ?? ''}: ${v}`}</title>
                </Bar>
              ))}
            </Group>
          ))}
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={integers ? Math.min(5, max) : 5}
            tickFormat={(v) => (integers && !Number.isInteger(Number(v)) ? '' : String(v))}
          />
        </Group>
        <Group top={legendTop} left={LABEL_WIDTH}>
          {series.map((s, i) => (
            <g key={s.name} transform={`translate(0, ${i * 18})`}>
              <rect width={10} height={10} y={-9} fill={s.color} />
              <text x={14} fontSize={12}>
                {s.name}
              </text>
            </g>
          ))}
        </Group>
      </svg>
    </figure>
  )
}
