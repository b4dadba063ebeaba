// `npm run scan -- FILE [--schema schema.json] [--json]`: scans a local file with the same code
// the scan job runs (C9) and prints the findings per column. Exit code: 0 passed, 1 failed,
// 2 the input (or the schema) could not be read to the end.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { scanFile, type ScanResult } from '~/services/desensitize/scanner.server'
import { declaredSchemaSchema, type DeclaredSchema } from '~/services/desensitize/schemas'

const USAGE = 'usage: npm run scan -- FILE [--schema schema.json] [--json]'

function parseArgs(argv: string[]): { file: string; schemaPath?: string; json: boolean } {
  let file: string | undefined
  let schemaPath: string | undefined
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--json') json = true
    else if (a === '--schema') schemaPath = argv[++i]
    else if (a === '-h' || a === '--help') {
      console.log(USAGE)
      process.exit(0)
    } else if (!file && !a.startsWith('--')) file = a
    else throw new Error(`unexpected argument ${a}`)
  }
  if (!file) throw new Error('no FILE given')
  if (argv.includes('--schema') && !schemaPath) throw new Error('--schema needs a file')
  return { file, schemaPath, json }
}

function loadSchema(p: string): DeclaredSchema {
  const parsed = declaredSchemaSchema.safeParse(JSON.parse(readFileSync(p, 'utf8')))
  if (!parsed.success) {
    throw new Error(
      `schema ${p}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  }
  return parsed.data
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) =>
    Math.max(
      ...rows.map((r) => [...r[c]!].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)),
    ),
  )
  const cell = (s: string, w: number) =>
    s +
    ' '.repeat(
      Math.max(0, w - [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)),
    )
  return rows
    .map((r) =>
      r
        .map((s, c) => cell(s, widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

function print(file: string, r: ScanResult): void {
  console.log(
    `${file}: ${r.status.toUpperCase()}  (${r.format ?? '?'}${r.encoding ? `, ${r.encoding}` : ''}, ${r.bytes} bytes, sha256 ${r.fileHash ?? '-'})`,
  )
  if (r.failure)
    console.log(`  could not read to the end: ${r.failure.code} — ${r.failure.message}`)
  for (const s of r.sheets) {
    console.log(`\nsheet ${s.name}: ${s.rows} rows, ${s.columnCount} columns`)
    const rows = [
      [
        'column',
        'declared',
        'detector',
        'count',
        'share',
        'sample rows',
        'confidence',
        'verdict',
        'suggested method',
      ],
    ]
    for (const c of s.columns) {
      const declared =
        c.declaredPersonal === null ? '-' : c.declaredPersonal ? 'personal' : 'not personal'
      if (c.findings.length === 0)
        rows.push([c.name, declared, '-', '0', '-', '-', '-', c.verdict, '-'])
      for (const f of c.findings) {
        rows.push([
          c.name,
          declared,
          f.detector,
          String(f.count),
          f.share.toFixed(3),
          f.samples.join(' '),
          f.confidence.toFixed(2),
          `${f.verdict} (${f.reason})`,
          f.suggestedMethod,
        ])
      }
    }
    console.log(rows.length > 1 ? table(rows) : '  no personal or sensitive data detected')
  }
  for (const k of r.kAnonymity) {
    console.log(
      `\nk-anonymity on ${k.sheet} over ${k.quasiIdentifiers.join(', ')}: smallest class ${k.smallestClass} (minimum ${k.minK}), ` +
        `${k.recordsBelowK} of ${k.records} records (${(k.shareBelowK * 100).toFixed(1)}%) in ${k.classesBelowK} classes below k — ${k.passed ? 'passed' : 'FAILED'}`,
    )
    if (k.overflow) console.log(`  ${k.overflow}`)
    for (const o of k.offending.slice(0, 10)) {
      console.log(
        `  ${o.count} × (${o.labels.join(', ')})${o.classes > 1 ? ` in ${o.classes} classes` : ''}`,
      )
    }
  }
  for (const issue of r.schemaIssues) console.log(`schema: ${issue}`)
  console.log(`\n${r.blockingFindings} blocking finding(s); ${r.durationMs} ms`)
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>
  let schema: DeclaredSchema | undefined
  try {
    args = parseArgs(process.argv.slice(2))
    if (args.schemaPath) schema = loadSchema(args.schemaPath)
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const result = await scanFile(args.file, {
    ...(schema ? { schema } : {}),
    fileName: path.basename(args.file),
  })
  if (args.json) console.log(JSON.stringify(result, null, 2))
  else print(args.file, result)
  if (result.failure) return 2
  return result.status === 'passed' ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 2
  },
)
