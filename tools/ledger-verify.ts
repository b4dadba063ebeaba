// `npm run ledger:verify [--from=SEQ]`: recompute the C11 hash chain in the database; exit 1
// naming the first broken entry.
// `npm run ledger:verify -- --export DIR`: verify an export offline — no database, no configuration
// (recomputes the Merkle tree, checks every signature and consistency proof; names the first entry
// that does not match). `--receipt FILE` also checks a receipt against the export's public keys.
// `--reference` uses the plain reference verifier instead (verify-reference.server.ts: every file
// read whole, one JSON.parse per line; slower, and short enough to read before trusting it).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const USAGE = 'usage: ledger-verify [--from=SEQ] | --export DIR [--receipt FILE | --reference]'

interface Args {
  fromSeq?: number
  exportDir?: string
  receipt?: string
  reference?: boolean
}

function parseArgs(argv: string[]): Args | null {
  const args: Args = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const from = /^--from=(\d+)$/.exec(arg)
    const withValue = /^--(export|receipt)(?:=(.+))?$/.exec(arg)
    if (arg === '--reference') args.reference = true
    else if (from && Number(from[1]) >= 1) args.fromSeq = Number(from[1])
    else if (withValue) {
      const value = withValue[2] ?? argv[++i]
      if (!value) return null
      if (withValue[1] === 'export') args.exportDir = value
      else args.receipt = value
    } else return null
  }
  if (args.receipt && !args.exportDir) return null
  if (args.reference && (!args.exportDir || args.receipt)) return null
  if (args.exportDir && args.fromSeq !== undefined) return null
  return args
}

async function verifyWithReference(dir: string): Promise<number> {
  const { verifyExportReference } = await import('~/services/ledger/verify-reference.server')
  const result = await verifyExportReference(dir)
  if (!result.ok) {
    console.error(
      `export BROKEN (reference verifier)${result.seq !== undefined ? ` at entry ${result.seq}` : ''}: ${result.reason}`,
    )
    return 1
  }
  console.log(
    `export OK (reference verifier): ${result.entries} entries, head ${result.headHash}, root ${result.rootHash}`,
  )
  return 0
}

async function verifyOffline(dir: string, receiptFile?: string): Promise<number> {
  const { verifyExport, verifyReceipt } = await import('~/services/ledger/verify-export.server')
  const started = performance.now()
  const result = await verifyExport(dir)
  const seconds = (performance.now() - started) / 1000
  if (!result.ok) {
    const { failure } = result
    const where =
      failure.seq !== undefined
        ? `at entry ${failure.seq}`
        : failure.checkpoint !== undefined
          ? `at checkpoint ${failure.checkpoint}`
          : `in ${failure.file ?? 'the export'}`
    console.error(`export BROKEN ${where}: ${failure.reason}`)
    console.error(`(${result.checked} entries checked before it)`)
    return 1
  }
  console.log(
    `export OK: ${result.entries} entries, ${result.checkpoints} signed checkpoints, ` +
      `${result.consistencyProofs} consistency proofs, ${result.keys} public keys; ` +
      `head ${result.entries} ${result.headHash}, root ${result.rootHash} ` +
      `(${(result.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s)`,
  )
  if (!receiptFile) return 0
  const keys = JSON.parse(await readFile(path.join(dir, 'public-keys.json'), 'utf8')) as Parameters<
    typeof verifyReceipt
  >[1]
  let receipt: unknown
  try {
    receipt = JSON.parse(await readFile(receiptFile, 'utf8'))
  } catch {
    console.error(`receipt ${receiptFile} is not readable JSON`)
    return 1
  }
  const checked = verifyReceipt(receipt, keys)
  if (!checked.ok) {
    console.error(`receipt BROKEN: ${checked.reason}`)
    return 1
  }
  console.log(`receipt OK: ${receiptFile}`)
  return 0
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv)
  if (!args) {
    console.error(`unknown arguments: ${argv.join(' ')}\n${USAGE}`)
    return 2
  }
  if (args.exportDir && args.reference) return verifyWithReference(args.exportDir)
  if (args.exportDir) return verifyOffline(args.exportDir, args.receipt)

  const { requireEnvOrExit } = await import('~/utils/env.server')
  const { connectDb } = await import('~/utils/db.server')
  const { verifyChain } = await import('~/services/ledger/ledger.server')
  requireEnvOrExit()
  await connectDb()
  const result = await verifyChain({ fromSeq: args.fromSeq })
  if (result.ok) {
    console.log(`ledger OK: ${result.checked} entries, head ${result.headSeq} ${result.headHash}`)
    return 0
  }
  console.error(`ledger BROKEN at entry ${result.firstBroken.seq}: ${result.firstBroken.reason}`)
  return 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
    .catch((error: unknown) => {
      console.error(error)
      return 1
    })
    // Closing the connection (online mode) lets the process exit on its own.
    .then(async (code) => {
      if (!process.argv.some((a) => a.startsWith('--export'))) {
        const { disconnectDb } = await import('~/utils/db.server')
        await disconnectDb().catch(() => undefined)
      }
      process.exitCode = code
    })
}
