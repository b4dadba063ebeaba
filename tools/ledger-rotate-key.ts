// `npm run ledger:rotate-key -- --alg=ed25519|sm2`: the C11 checkpoint signing key rotates to a
// new key (SM2 is selected this way). Old public keys stay, so old checkpoints keep verifying.
import { pathToFileURL } from 'node:url'

export async function main(argv: string[]): Promise<number> {
  const alg = /^--alg=(ed25519|sm2)$/.exec(argv[0] ?? '')?.[1] as 'ed25519' | 'sm2' | undefined
  if (!alg || argv.length !== 1) {
    console.error('usage: ledger-rotate-key --alg=ed25519|sm2')
    return 2
  }
  const { requireEnvOrExit } = await import('~/utils/env.server')
  const { connectDb, ensureIndexes } = await import('~/utils/db.server')
  const { rotateSigningKey } = await import('~/services/ledger/signing-keys.server')
  requireEnvOrExit()
  await connectDb()
  await ensureIndexes()
  const key = await rotateSigningKey(alg)
  console.log(`ledger signing key is now ${key.alg} ${key.keyId} (generation ${key.generation})`)
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
    .catch((error: unknown) => {
      console.error(error)
      return 1
    })
    .then(async (code) => {
      const { disconnectDb } = await import('~/utils/db.server')
      await disconnectDb().catch(() => undefined)
      process.exitCode = code
    })
}
