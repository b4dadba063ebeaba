// The demo open-data portal: sample files behind the open distributions of the seeded catalog
// (made-up rows, clearly sample data), the current year's open catalog edition (Art. 34) with its
// priorities, and a few public comments. Idempotent: files are keyed by content hash, the
// edition is published only when the year has none.
import { User } from '#models/user'
import { listEntriesForIndex, type CatalogIndexRecord } from '~/services/catalog/entries.server'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { currentFiles, publishDistributionFile, screenFileNow } from './files.server'
import { currentEdition, publishOpenCatalogEdition } from './yearly-catalog.server'
import { recordComment } from './comments.server'

const SAMPLE_ROWS = 25

function sampleValue(type: string, label: string, row: number): string {
  switch (type) {
    case 'integer':
      return String(100 + ((row * 37) % 900))
    case 'decimal':
      return ((row * 13.7) % 500).toFixed(2)
    case 'date':
      return `2025-${String((row % 12) + 1).padStart(2, '0')}-${String((row % 27) + 1).padStart(2, '0')}`
    case 'datetime':
      return `2025-${String((row % 12) + 1).padStart(2, '0')}-15T0${row % 10}:00:00+08:00`
    case 'boolean':
      return row % 3 === 0 ? '否' : '是'
    case 'code':
      return `44${String(1000 + row * 7).slice(-4)}`
    default:
      return `${label}（示例${row + 1}）`
  }
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** A sample CSV with the entry's fields as columns (personal fields are never opened, so left out). */
export function sampleCsv(record: CatalogIndexRecord): string {
  const fields = record.content.fields.filter((f) => !f.personal && !f.sensitive && !f.tradeSecret)
  const columns = fields.length
    ? fields
    : [{ name: 'value', label: { zh: '数值', en: 'Value' }, type: 'string' }]
  const lines = [columns.map((f) => csvCell(f.label.zh || f.name)).join(',')]
  for (let row = 0; row < SAMPLE_ROWS; row++)
    lines.push(columns.map((f) => csvCell(sampleValue(f.type, f.label.zh, row))).join(','))
  return lines.join('\r\n') + '\r\n'
}

function sampleGeoJson(record: CatalogIndexRecord): string {
  const features = Array.from({ length: 5 }, (_, i) => ({
    type: 'Feature',
    properties: { name: `${record.content.title.zh}（示例${i + 1}）` },
    geometry: { type: 'Point', coordinates: [113.2 + i * 0.05, 23.1 + i * 0.03] },
  }))
  return JSON.stringify({ type: 'FeatureCollection', features }, null, 2)
}

async function userOf(email: string): Promise<AuthUser | undefined> {
  const user = await User.findOne({ email }).lean()
  return user ? loadAuthUser(String(user._id), 'session') : undefined
}

async function agencyUser(orgId: string): Promise<AuthUser | undefined> {
  const user = await User.findOne({ orgId }).lean()
  return user ? loadAuthUser(String(user._id), 'session') : undefined
}

export async function seedOpenData(): Promise<{
  files: number
  edition: string | null
  comments: number
}> {
  let files = 0
  let after: string | undefined
  const owners = new Map<string, AuthUser | undefined>()
  for (;;) {
    const page = await listEntriesForIndex(after, 200)
    for (const record of page.records) {
      if (record.content.openAttribute === 'not_open' || record.content.distributions.length === 0)
        continue
      if (!owners.has(record.orgId)) owners.set(record.orgId, await agencyUser(record.orgId))
      const owner = owners.get(record.orgId)
      if (!owner) continue
      const existing = await currentFiles(record.id)
      for (const d of record.content.distributions) {
        const current = existing.get(d.key)
        // Art. 32/41: the demo's open files are screened at once (the scan job's own service).
        if (current) await screenFileNow(current)
        if (current || d.accessUrl) continue
        const geo = d.format.toUpperCase() === 'GEOJSON'
        const text = geo ? sampleGeoJson(record) : sampleCsv(record)
        const result = await publishDistributionFile({
          user: owner,
          entryId: record.id,
          key: d.key,
          filename: `${record.code}-${d.key}.${geo ? 'geojson' : 'csv'}`,
          contentType: geo ? 'application/geo+json' : 'text/csv; charset=utf-8',
          bytes: Buffer.from(text, 'utf8'),
          scanNow: true,
        })
        if (result.created) files++
      }
    }
    if (!page.nextAfterId) break
    after = page.nextAfterId
  }

  const year = new Date().getFullYear()
  let edition: string | null = null
  let comments = 0
  const authority = await userOf('authority@demo.gd.example')
  if (authority && !(await currentEdition(year))) {
    const published = await publishOpenCatalogEdition({
      user: authority,
      year,
      priorities: {
        zh: `${year}年开放重点：市场主体登记与信用信息、国土空间规划与土地供应、交通出行与便民服务数据。（演示数据）`,
        en: `Open-data priorities for ${year}: market-entity registration and credit, spatial planning and land supply, transport and public-service data. (Demo data)`,
      },
    })
    edition = published.id
    const samples = [
      {
        topic: 'priority' as const,
        body: '建议优先开放公交实时到站数据，方便市民出行。',
        name: '市民王先生',
      },
      {
        topic: 'new_data' as const,
        body: '希望开放历年企业注册数量的月度统计，用于区域经济研究。',
        name: '',
      },
      {
        topic: 'quality' as const,
        body: '行政处罚公示数据建议增加处罚决定日期字段。',
        name: '李女士',
      },
    ]
    for (const c of samples) {
      // Sample comments bypass the public rate limit (test files seeding in one Redis would trip it).
      await recordComment({ topic: c.topic, year, body: c.body, name: c.name, contact: '' })
      comments++
    }
  }
  return { files, edition, comments }
}
