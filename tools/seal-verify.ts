// `npm run seal:verify -- FILE`: checks the electronic seal of a document the exchange issued (a
// rectification notice's `.sealed.json`) — offline, with no database and no configuration. Prints
// the signing key's id and the document's digest; exit 1 with the reason when the seal fails.
import { readFile } from 'node:fs/promises'
import { verifySeal } from '../app/services/seals/verify'

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => a !== '--')
  if (!file) {
    console.error('usage: seal-verify FILE')
    return 2
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    console.error(`seal-verify: cannot read ${file}: ${(error as Error).message}`)
    return 1
  }
  const check = verifySeal(parsed)
  if (!check.ok) {
    console.error(`seal-verify: FAIL ${check.reason}`)
    return 1
  }
  const d = parsed as { kind: string; ref: string; issuedAt: string }
  console.log(`seal-verify: OK ${d.kind} ${d.ref} issued ${d.issuedAt}`)
  console.log(`key ${check.keyId} sha256 ${check.sha256}`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))
