// `npm run bench:desensitize`: detector quality on the labelled synthetic corpus (UTF-8 and
// GBK), then scan throughput on a ~200 MB CSV beside `grep -cE` with equivalent patterns over
// the same file in the same run. Files are generated into a temp directory and removed.
//   --rows N   corpus rows (default 4000)    --mb N   throughput file size (default 200)
//   --runs N   throughput runs, alternating grep and scanner; the best of each is kept (default 3)
import { spawnSync } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { CHECKSUM_DETECTORS, DETECTORS, type DetectorId } from '~/services/desensitize/detectors'
import { BLOCK_CONFIDENCE, scanFile } from '~/services/desensitize/scanner.server'
import { csvLine, generateCorpus, type Corpus } from '../tests/fixtures/desensitize/corpus'

const args = process.argv.slice(2)
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const ROWS = arg('rows', 4000)
const MB = arg('mb', 200)
const RUNS = arg('runs', 3)
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-desens-'))

interface Tally {
  tp: number
  fp: number
  fn: number
}

async function quality(corpus: Corpus, encoding: 'utf-8' | 'gbk') {
  const text = csvLine(corpus.header) + corpus.rows.map(csvLine).join('')
  const file = path.join(dir, `corpus-${encoding}.csv`)
  writeFileSync(file, encoding === 'gbk' ? iconv.encode(text, 'gbk') : text)
  const hits = new Map<string, Set<DetectorId>>()
  const result = await scanFile(file, {
    onHit: ({ row, column, detector }) => {
      const k = `${row}:${column}`
      let s = hits.get(k)
      if (!s) hits.set(k, (s = new Set()))
      s.add(detector)
    },
  })
  // A hit counts as predicted when the report claims it: its column finding is confident.
  const confident = new Set<string>()
  for (const col of result.sheets[0]!.columns) {
    for (const f of col.findings)
      if (f.confidence >= BLOCK_CONFIDENCE) confident.add(`${col.index}:${f.detector}`)
  }
  const tally = new Map<DetectorId, Tally>(DETECTORS.map((d) => [d, { tp: 0, fp: 0, fn: 0 }]))
  const fpExamples = new Map<DetectorId, string[]>()
  const fnExamples = new Map<DetectorId, string[]>()
  corpus.rows.forEach((row, r) => {
    row.forEach((value, c) => {
      const predicted = new Set(
        [...(hits.get(`${r + 2}:${c}`) ?? [])].filter((d) => confident.has(`${c}:${d}`)),
      )
      const truth = new Set(corpus.labels[r]![c]!)
      for (const d of DETECTORS) {
        const t = tally.get(d)!
        if (predicted.has(d) && truth.has(d)) t.tp++
        else if (predicted.has(d)) {
          t.fp++
          const ex = fpExamples.get(d) ?? []
          if (ex.length < 3) ex.push(`${corpus.header[c]}=${value}`)
          fpExamples.set(d, ex)
        } else if (truth.has(d)) {
          t.fn++
          const ex = fnExamples.get(d) ?? []
          if (ex.length < 3) ex.push(`${corpus.header[c]}=${value}`)
          fnExamples.set(d, ex)
        }
      }
    })
  })
  return { result, tally, fpExamples, fnExamples }
}

function goalFor(d: DetectorId): { p: number; r: number } {
  if (CHECKSUM_DETECTORS.includes(d)) return { p: 0.99, r: 0.98 }
  return { p: 0.9, r: 0.9 }
}

async function writeBigCsv(file: string, mb: number): Promise<number> {
  // 8 MB of distinct generated rows, written repeatedly up to the size: generation would
  // otherwise dominate the run. Both scanners read the same bytes.
  const corpus = generateCorpus(12_000, 99)
  const block = Buffer.from(corpus.rows.map(csvLine).join(''))
  const out = createWriteStream(file)
  out.write(csvLine(corpus.header))
  let written = 0
  while (written < mb * 1024 * 1024) {
    if (!out.write(block)) await once(out, 'drain')
    written += block.length
  }
  out.end()
  await once(out, 'finish')
  return statSync(file).size
}

// Patterns equivalent to the detectors' shapes (grep has no checksums, so it does less work).
const GREP_PATTERN = [
  '[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]',
  '[1-9][0-9]{7}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}',
  '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}',
  '1[3-9][0-9]{9}',
  '0[0-9]{2,3}-[0-9]{7,8}',
  '(62|4|5[1-5])[0-9]{14,17}',
  '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}',
  '([0-9]{1,3}\\.){3}[0-9]{1,3}',
  '[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{0,4}){2,7}',
  '[EG][0-9A-Z][0-9]{7}',
  'C[0-9A-Z][0-9]{7}',
  '(粤|京|沪|湘|桂|闽)[A-Z][A-Z0-9]{5,6}',
  '(路|街|巷|村|小区)[^,]{0,12}[0-9]+(号|栋|室)',
  '(19|20)[0-9]{2}[-/年][0-9]{1,2}[-/月][0-9]{1,2}',
].join('|')

/** grep's wall time, and its CPU time as /usr/bin/time reports it (when that exists). */
function timeGrep(file: string): { seconds: number; cpu: number; count: string } {
  const env = { ...process.env, LC_ALL: 'C.UTF-8' }
  const timed = existsSync('/usr/bin/time')
  const start = process.hrtime.bigint()
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'grep', '-cE', GREP_PATTERN, file], {
        encoding: 'utf8',
        env,
      })
    : spawnSync('grep', ['-cE', GREP_PATTERN, file], { encoding: 'utf8', env })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const cpuLine = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '')
  const cpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : Number.NaN
  return { seconds, cpu, count: r.stdout.trim() }
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ')

async function main() {
  console.log(
    `desensitization benchmark — corpus ${ROWS} rows, throughput file ${MB} MB, ${os.cpus().length} CPUs, node ${process.version}`,
  )
  const corpus = generateCorpus(ROWS)
  let allMet = true
  for (const encoding of ['utf-8', 'gbk'] as const) {
    const { result, tally, fpExamples, fnExamples } = await quality(corpus, encoding)
    console.log(
      `\nquality (${encoding}, detected as ${result.encoding}, ${result.sheets[0]?.rows} rows × ${corpus.header.length} columns)`,
    )
    console.log('detector          precision  recall    tp     fp     fn   goal(p/r)  met')
    for (const d of DETECTORS) {
      const t = tally.get(d)!
      const p = t.tp / (t.tp + t.fp)
      const r = t.tp / (t.tp + t.fn)
      const goal = goalFor(d)
      const met = (t.tp + t.fp === 0 || p >= goal.p) && (t.tp + t.fn === 0 || r >= goal.r)
      if (!met) allMet = false
      console.log(
        `${d.padEnd(17)} ${f3(p).padStart(9)} ${f3(r).padStart(7)} ${String(t.tp).padStart(6)} ${String(t.fp).padStart(6)} ${String(t.fn).padStart(6)}   ${goal.p}/${goal.r}   ${met ? 'yes' : 'NO'}`,
      )
      if (t.fp > 0)
        console.log(`${''.padEnd(19)}false positives e.g. ${fpExamples.get(d)!.join(' | ')}`)
      if (t.fn > 0) console.log(`${''.padEnd(19)}missed e.g. ${fnExamples.get(d)!.join(' | ')}`)
    }
  }

  const big = path.join(dir, 'big.csv')
  const bytes = await writeBigCsv(big, MB)
  const mb = bytes / 1024 / 1024
  spawnSync('cat', [big], { stdio: ['ignore', 'ignore', 'ignore'] }) // warm the page cache for both
  let grepBest = { seconds: Number.POSITIVE_INFINITY, cpu: Number.NaN, count: '' }
  let grepCpuBest = Number.POSITIVE_INFINITY
  let scanBest = Number.POSITIVE_INFINITY
  let scanCpuBest = Number.POSITIVE_INFINITY
  let scan: Awaited<ReturnType<typeof scanFile>> | undefined
  let rssDuringScan = 0
  for (let run = 0; run < RUNS; run++) {
    const g = timeGrep(big)
    if (g.seconds < grepBest.seconds) grepBest = g
    grepCpuBest = Math.min(grepCpuBest, g.cpu)
    const sampler = setInterval(
      () => (rssDuringScan = Math.max(rssDuringScan, process.memoryUsage().rss)),
      50,
    )
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    scan = await scanFile(big)
    scanBest = Math.min(scanBest, Number(process.hrtime.bigint() - start) / 1e9)
    const used = process.cpuUsage(cpu)
    scanCpuBest = Math.min(scanCpuBest, (used.user + used.system) / 1e6)
    clearInterval(sampler)
  }
  const scanRate = mb / scanBest
  const grepRate = mb / grepBest.seconds
  console.log(
    `\nthroughput on ${mb.toFixed(0)} MB CSV (${scan!.sheets[0]?.rows} rows, ${scan!.encoding}), best of ${RUNS} alternating runs, load average ${os.loadavg()[0]!.toFixed(1)}:`,
  )
  console.log(
    `  scanner        ${scanRate.toFixed(1)} MB/s  (${scanBest.toFixed(1)} s, status ${scan!.status}, ${scan!.blockingFindings} blocking findings)`,
  )
  console.log(
    `  grep -cE       ${grepRate.toFixed(1)} MB/s  (${grepBest.seconds.toFixed(1)} s, ${grepBest.count} matching lines) — baseline`,
  )
  console.log(
    `  ratio          ${(scanRate / grepRate).toFixed(2)}× grep (goal ≥ 0.5×), wall clock`,
  )
  if (Number.isFinite(grepCpuBest)) {
    const scanCpuRate = mb / scanCpuBest
    const grepCpuRate = mb / grepCpuBest
    console.log(
      `  per CPU second scanner ${scanCpuRate.toFixed(1)} MB/s, grep ${grepCpuRate.toFixed(1)} MB/s: ${(scanCpuRate / grepCpuRate).toFixed(2)}× (steadier on a busy machine)`,
    )
  }
  console.log(
    `  RSS during scan ≤ ${(rssDuringScan / 1024 / 1024).toFixed(0)} MB (the whole process, corpus generator included)`,
  )
  console.log(`\nquality goals ${allMet ? 'met' : 'NOT all met'}`)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }))
