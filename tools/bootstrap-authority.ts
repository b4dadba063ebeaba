// `npm run bootstrap`: creates a production exchange's first account, the data authority's
// administrator, from BOOTSTRAP_EMAIL, BOOTSTRAP_PASSWORD and BOOTSTRAP_USCC (the authority's
// unified social credit code); the password is asked for when it is not set and a terminal is
// there. Weak passwords are refused. Running it again with the same e-mail changes nothing.
import { createInterface } from 'node:readline/promises'
import { bootstrapAuthority } from '~/services/identity/bootstrap.server'
import { connectDb, disconnectDb, ensureIndexes } from '~/utils/db.server'
import { requireEnvOrExit } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { closeRedis } from '~/utils/redis.server'

requireEnvOrExit()
const email = process.env.BOOTSTRAP_EMAIL
const uscc = process.env.BOOTSTRAP_USCC
if (!email || !uscc) {
  console.error(
    'Set BOOTSTRAP_EMAIL and BOOTSTRAP_USCC (and BOOTSTRAP_PASSWORD, or run in a terminal to be asked).',
  )
  process.exit(2)
}
let password = process.env.BOOTSTRAP_PASSWORD
if (!password) {
  if (!process.stdin.isTTY) {
    console.error('BOOTSTRAP_PASSWORD is not set and there is no terminal to ask for it.')
    process.exit(2)
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  password = await rl.question('Password for the authority administrator (not echoed): ')
  rl.close()
}
await connectDb()
await ensureIndexes()
try {
  const result = await bootstrapAuthority({
    email,
    password,
    uscc,
    displayName: process.env.BOOTSTRAP_NAME || undefined,
  })
  console.log(
    result.created
      ? `Created the authority administrator ${email}.`
      : `${email} already exists; nothing changed.`,
  )
} catch (error) {
  if (!(error instanceof DomainError)) throw error
  console.error(`Refused: ${error.code}${error.fields ? ` ${JSON.stringify(error.fields)}` : ''}`)
  process.exitCode = 1
} finally {
  await closeRedis()
  await disconnectDb()
}
