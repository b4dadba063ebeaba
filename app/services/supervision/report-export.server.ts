// C12: a stored supervision report as CSV and as PDF. Both are drawn from the report's stored
// content only, so they show exactly what the content hash covers.
import { access } from 'node:fs/promises'
import PDFDocument from 'pdfkit'
import { DomainError } from '~/utils/errors'
import { FIGURE_KEYS, type FigureKey, type Figures } from './figures.server'
import { csvCell } from '~/utils/csv.server'
import type { SealedDocument } from '~/services/seals/verify'
import type { SupervisionReportView } from './reports.server'
import type { Translate as T } from '~/i18n/config'

type Lang = 'zh' | 'en'

/**
 * Chinese text needs a CJK font; Debian's fonts-noto-cjk (installed by .ci/run, and needed in the
 * Docker image) ships this collection.
 */
export const CJK_FONT = {
  path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  family: 'NotoSansCJKsc-Regular',
}

const orgName = (view: SupervisionReportView, orgId: string, lang: Lang) =>
  view.orgNames[orgId]?.[lang] ?? orgId

function figureRows(view: SupervisionReportView, lang: Lang) {
  const rows: { orgId: string; name: string; figures: Figures }[] = [
    { orgId: 'all', name: 'all', figures: view.content.totals },
  ]
  for (const o of view.content.orgs)
    rows.push({ orgId: o.orgId, name: orgName(view, o.orgId, lang), figures: o.figures })
  return rows
}

/** One line per (organisation, figure) with its evidence seqs; UTF-8 with a BOM for Excel. */
export function reportCsv(view: SupervisionReportView, lang: Lang): string {
  const header = [
    'period',
    'scope',
    'contentHash',
    'orgId',
    'orgName',
    'figure',
    'value',
    'evidenceCount',
    'evidenceSeqs',
  ]
  const lines = [header.join(',')]
  for (const row of figureRows(view, lang)) {
    for (const key of FIGURE_KEYS) {
      const f = row.figures[key]
      lines.push(
        [
          view.content.period,
          view.content.scope,
          view.contentHash,
          row.orgId,
          row.name,
          key,
          String(f.value),
          String(f.evidenceCount),
          f.evidence.join(' '),
        ]
          .map(csvCell)
          .join(','),
      )
    }
  }
  if (view.content.ranking.length) {
    lines.push('', ['rank', 'orgId', 'orgName', 'score', 'parts'].join(','))
    for (const r of view.content.ranking) {
      lines.push(
        [
          String(r.rank),
          r.orgId,
          orgName(view, r.orgId, lang),
          r.score === null ? '' : String(r.score),
          JSON.stringify(r.parts),
        ]
          .map(csvCell)
          .join(','),
      )
    }
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}

const SUMMARY_KEYS: FigureKey[] = [
  'catalogEntries',
  'catalogPublished',
  'deadlinesMet',
  'deadlinesMissed',
  'staleFlags',
  'openFilesPublished',
  'ordersPaid',
  'revenueFen',
  'usageReportsOverdue',
  'violations',
]

/** The report as a PDF (A4): totals, a bar chart of violations, per-organisation figures, the ranking. */
export async function reportPdf(
  view: SupervisionReportView,
  t: T,
  lang: Lang,
  font = CJK_FONT,
  /** Art. 29–30: the report's electronic seal, printed at the end and attached as `seal.json`. */
  seal?: SealedDocument,
): Promise<Buffer> {
  try {
    await access(font.path)
  } catch {
    throw new DomainError('pdf_font_missing', 'error.supervision.pdfFont', 503, undefined, {
      path: font.path,
    })
  }
  const { content } = view
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: {
      Title: `${content.kind} ${content.period}`,
      CreationDate: new Date(view.generatedAt),
      Producer: 'gd-public-data-exchange',
    },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.registerFont('cjk', font.path, font.family)
  doc.font('cjk')
  const noData = new Set(content.noData)
  const groupOf = (key: FigureKey) =>
    key.startsWith('sharing')
      ? 'sharing'
      : key.startsWith('research')
        ? 'research'
        : ['ordersCreated', 'ordersPaid', 'revenueFen', 'refunds', 'refundedFen'].includes(key)
          ? 'transactions'
          : key.startsWith('usageReports')
            ? 'usageReports'
            : null
  const shown = (figures: Figures, key: FigureKey) => {
    const group = groupOf(key)
    return group && noData.has(group) ? t('supervision.noData') : String(figures[key].value)
  }

  doc.fontSize(16).text(
    t('supervision.reportTitle', {
      kind: t(`supervision.kind.${content.kind}`),
      period: content.period,
    }),
  )
  doc.moveDown(0.3).fontSize(9).fillColor('#444')
  doc.text(
    `${t('supervision.scope')}: ${content.scope === 'all' ? t('supervision.scopeAll') : orgName(view, content.scope.slice(4), lang)}`,
  )
  doc.text(`${t('supervision.contentHash')}: ${view.contentHash}`)
  doc.text(t('supervision.throughSeq', { seq: content.throughSeq }))
  if (content.noData.length)
    doc.text(
      t('supervision.noDataNote', {
        groups: content.noData.map((g) => t(`supervision.groups.${g}`)).join('、'),
      }),
    )
  doc.fillColor('#000').moveDown()

  doc.fontSize(12).text(t('supervision.totals')).moveDown(0.3).fontSize(9)
  for (const key of FIGURE_KEYS) {
    const f = content.totals[key]
    const evidence = f.evidence.length
      ? `  [${f.evidence.slice(0, 12).join(', ')}${f.evidenceCount > 12 ? ' …' : ''}]`
      : ''
    doc.text(`${t(`supervision.figures.${key}`)}: ${shown(content.totals, key)}${evidence}`)
  }

  // Bar chart: Art. 52 violations per organisation.
  const bars = content.orgs.filter((o) => o.figures.violations.value > 0)
  if (bars.length) {
    doc.moveDown().fontSize(12).text(t('supervision.chartViolations')).moveDown(0.3).fontSize(8)
    const max = Math.max(...bars.map((o) => o.figures.violations.value))
    for (const o of bars.slice(0, 20)) {
      const y = doc.y
      doc.text(orgName(view, o.orgId, lang).slice(0, 18), 48, y, { width: 140 })
      doc.rect(196, y + 1, (300 * o.figures.violations.value) / max, 8).fill('#b03a2e')
      doc.fillColor('#000').text(String(o.figures.violations.value), 502, y)
      doc.x = 48
    }
  }

  doc.addPage().fontSize(12).text(t('supervision.perOrg')).moveDown(0.3)
  for (const o of content.orgs) {
    doc
      .fontSize(10)
      .text(`${orgName(view, o.orgId, lang)}${o.agency ? ` (${t('supervision.agency')})` : ''}`)
    doc.fontSize(8).fillColor('#333')
    doc.text(
      SUMMARY_KEYS.map((key) => `${t(`supervision.figures.${key}`)} ${shown(o.figures, key)}`).join(
        ' · ',
      ),
    )
    doc.fillColor('#000').moveDown(0.5)
  }

  if (content.ranking.length) {
    doc
      .moveDown()
      .fontSize(12)
      .text(t('supervision.ranking'))
      .moveDown(0.3)
      .fontSize(8)
      .fillColor('#444')
      .text(t('supervision.scoreRule'))
    doc.fillColor('#000').fontSize(10).moveDown(0.3)
    for (const r of content.ranking)
      doc.text(`${r.rank}. ${orgName(view, r.orgId, lang)} — ${r.score ?? '—'}`)
  }
  if (seal) {
    doc.moveDown().fontSize(12).fillColor('#000').text(t('supervision.seal'))
    doc.fontSize(8).fillColor('#444')
    doc.text(`${seal.seal.alg} · ${seal.seal.keyId} · SHA-256 ${seal.seal.sha256}`)
    doc.text(seal.seal.signature)
    doc.text(t('supervision.sealHow'))
    doc.file(Buffer.from(JSON.stringify(seal, null, 2), 'utf8'), {
      name: 'seal.json',
      type: 'application/json',
      description: 'gdpde-seal/1',
    })
  }
  doc.end()
  return done
}
