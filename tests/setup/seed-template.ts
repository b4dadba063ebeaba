// The demo world, seeded once per test run (issue 15: seeding took ~8 s of each of 30 files'
// setup). The run's global setup seeds database `seed_template` with `tools/seed.ts` in a child
// process (its own queue prefix and file store); a test file that needs the demo world copies that
// database's documents into its own and the template's stored files into its own store
// (`seedDemoWorldFromTemplate`, tests/setup/db.ts) — about a second. The seed itself stays tested
// as before: app/services/catalog/seed.test.ts and tests/integration/identity.test.ts run the real
// seedDemoWorld twice, and every e2e server is seeded by tools/seed.ts.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync } from 'node:fs'
import path from 'node:path'
import type mongoose from 'mongoose'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface SeedTemplate {
  db: string
  files: string
  /** The settings the template was made with; a file that changes one seeds for itself. */
  ledgerHash: string
}

export function createSeedTemplate(dir: string): SeedTemplate {
  const template: SeedTemplate = {
    db: 'seed_template',
    files: path.join(dir, 'seed-files'),
    ledgerHash: process.env.LEDGER_HASH ?? 'sha256',
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_DB: template.db,
    STORAGE_DIR: template.files,
    QUEUE_PREFIX: 'seedtpl',
    NODE_ENV: 'test',
  }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
  const out = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/seed.ts'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (out.status !== 0)
    throw new Error(`seeding the demo-world template failed:\n${out.stdout}\n${out.stderr}`)
  return template
}

/** The run's template, or undefined when there is none (vitest run without the global setup). */
export function seedTemplate(): SeedTemplate | undefined {
  const raw = process.env.TEST_SEED_TEMPLATE
  return raw ? (JSON.parse(raw) as SeedTemplate) : undefined
}

/** Copies every document of the template into database `target`, and its stored files into `storageDir`. */
export async function copySeedTemplate(
  client: ReturnType<mongoose.Connection['getClient']>,
  template: SeedTemplate,
  target: string,
  storageDir: string,
): Promise<void> {
  const source = client.db(template.db)
  const into = client.db(target)
  const collections = await source.listCollections({}, { nameOnly: true }).toArray()
  for (const { name } of collections) {
    const docs = await source.collection(name).find().toArray()
    if (docs.length > 0) await into.collection(name).insertMany(docs, { ordered: false })
  }
  if (existsSync(template.files))
    cpSync(template.files, path.resolve(storageDir), { recursive: true, force: false })
}
