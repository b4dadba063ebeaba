// Art. 38: the provenance picture — server-computed layered layout (services/provenance/layout.ts)
// drawn as SVG: source departments on the left, their catalog entries, then each derived version,
// the version shown on the right. Every box links to its page; hovering shows the full text.
import { useTranslation } from 'react-i18next'
import type { GraphLayout, NodeKind } from '~/services/provenance/layout'

const COLORS: Record<NodeKind, { fill: string; stroke: string; ink: string }> = {
  root: { fill: '#0f5c8c', stroke: '#0b466b', ink: '#ffffff' },
  version: { fill: '#e8f1f8', stroke: '#0f5c8c', ink: '#1d2733' },
  model: { fill: '#f1ebfa', stroke: '#6b3fa0', ink: '#1d2733' },
  private: { fill: '#f3f4f6', stroke: '#6b7280', ink: '#1d2733' },
  catalog: { fill: '#eaf6ee', stroke: '#1f7a3d', ink: '#1d2733' },
  department: { fill: '#fff4e5', stroke: '#a15c00', ink: '#1d2733' },
}

const LEGEND: NodeKind[] = ['department', 'catalog', 'version', 'model', 'private', 'root']

export function ProvenanceGraph({ layout, title }: { layout: GraphLayout; title: string }) {
  const { t } = useTranslation()
  return (
    <figure className="provenance">
      <ul className="legend" aria-label={t('market.provenance.legendTitle')}>
        {LEGEND.map((k) => (
          <li key={k}>
            <span
              className="swatch"
              style={{ background: COLORS[k].fill, borderColor: COLORS[k].stroke }}
            />{' '}
            {t(`market.provenance.legend.${k}`)}
          </li>
        ))}
      </ul>
      <div className="graph-scroll">
        {/* A group, not an image: its boxes are links, and an image's contents are not reachable. */}
        <svg
          role="group"
          aria-label={title}
          width="100%"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          // Fits the page when it can; never shrinks below 3/4 (then the frame scrolls).
          style={{
            maxWidth: layout.width,
            minWidth: Math.round(layout.width * 0.75),
            height: 'auto',
          }}
          xmlns="http://www.w3.org/2000/svg"
          fontFamily="'Noto Sans CJK SC', 'Noto Sans SC', system-ui, sans-serif"
        >
          <title>{title}</title>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" fill="#7b8794" />
            </marker>
          </defs>
          <g fill="none" stroke="#9aa5b1" strokeWidth="1.3">
            {layout.edges.map((e, i) => (
              <path key={i} d={e.d} markerEnd="url(#arrow)" />
            ))}
          </g>
          <g fontSize="10" fill="#5b6776">
            {layout.edges.map((e, i) =>
              e.label ? (
                <text key={i} x={e.lx} y={e.ly}>
                  {e.label}
                </text>
              ) : null,
            )}
          </g>
          {layout.nodes.map((n) => {
            const c = COLORS[n.kind]
            const box = (
              <g>
                <title>{n.tooltip ?? n.title}</title>
                <rect
                  x={n.x}
                  y={n.y}
                  width={n.w}
                  height={n.h}
                  rx="7"
                  fill={c.fill}
                  stroke={c.stroke}
                  strokeWidth={n.kind === 'root' ? 2 : 1.2}
                />
                {(n.titleLines ?? [n.title]).map((line, i) => (
                  <text
                    key={`t${i}`}
                    x={n.x + 10}
                    y={n.y + 19 + i * 15}
                    fontSize="12.5"
                    fontWeight="700"
                    fill={c.ink}
                  >
                    {line}
                  </text>
                ))}
                {n.lines.map((line, i) => (
                  <text
                    key={i}
                    x={n.x + 10}
                    y={n.y + 19 + (n.titleLines?.length ?? 1) * 15 + 4 + i * 15}
                    fontSize="11"
                    fill={c.ink}
                    opacity={0.85}
                  >
                    {line}
                  </text>
                ))}
              </g>
            )
            return n.href ? (
              <a key={n.key} href={n.href} data-node={n.key}>
                {box}
              </a>
            ) : (
              <g key={n.key} data-node={n.key}>
                {box}
              </g>
            )
          })}
        </svg>
      </div>
    </figure>
  )
}
