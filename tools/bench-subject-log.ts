// `npm run bench:subject-log` — a data subject's use history (C10; Art. 39, 42: who used my data)
// at 1,000,000 subjects and 10,000 uses, beside a bare look-up of the same structure measured in
// the same run (goal ≥ 0.3×):
//   - 1,000,000 subjects in 10 stored tables of 100,000 rows, each with its subject index (ADR 031);
//   - 10,000 uses recorded through `recordSubjectUse`: 60 % grants' copies of a whole table, 30 %
//     API reads of 100 rows, 10 % verifications that found 10 subjects;
//   - history: `useHistoryOf(key)` (the stream's tail read, the binary search in every table's
//     index, the maps by table and by key, the names, the sorted views) for random subjects;
//   - bare: the same binary searches and map look-ups over the same bytes and uses, in a loop.
// Everything runs against a throw-away dev database, Redis and content store.
//
// Options: --subjects 1000000  --tables 10  --uses 10000  --queries 2000
import { randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startMongoDev, startRedis, type RunningService } from './services'

const { values } = parseArgs({
  options: {
    subjects: { type: 'string', default: '1000000' },
    tables: { type: 'string', default: '10' },
    uses: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '2000' },
  },
})
const TABLES = Math.min(Math.max(Number(values.tables), 1), 100)
const SUBJECTS = Math.min(Math.max(Number(values.subjects), TABLES * 100), 5_000_000)
const PER_TABLE = Math.floor(SUBJECTS / TABLES)
const USES = Math.min(Math.max(Number(values.uses), 100), 100_000)
const QUERIES = Math.min(Math.max(Number(values.queries), 100), 100_000)
const ROUNDS = 3
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!

/** A made-up resident ID for subject number `n` (18 characters, unique per n). */
const residentId = (n: number) => `44${String(n).padStart(15, '0')}X`

async function main() {
  console.log(
    `bench:subject-log — Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}; ${(PER_TABLE * TABLES).toLocaleString('en')} subjects in ${TABLES} tables, ${USES.toLocaleString('en')} uses`,
  )
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-bench-subjects-'))
  const services: RunningService[] = []
  try {
    const mongo = await startMongoDev(path.join(dir, 'mongo'), path.join(dir, 'mongo.log'))
    services.push(mongo)
    const redis = await startRedis(path.join(dir, 'redis'))
    services.push(redis)
    Object.assign(process.env, {
      NODE_ENV: 'development',
      MONGODB_URI: mongo.url,
      MONGODB_DB: 'bench_subjects',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'bench',
      STORAGE_DIR: path.join(dir, 'files'),
      UPLOAD_MAX_BYTES: String(2 * 1024 ** 3),
      ORG_STORAGE_QUOTA_BYTES: String(20 * 1024 ** 3),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DELIVERY_LINK_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PASSWORD_SCRYPT_LOG2N: '14',
    })
    const { connectDb } = await import('../app/utils/db.server')
    const { seedDemoWorld } = await import('../app/services/demo/seed.server')
    const { User } = await import('../models/user')
    const { CatalogEntry } = await import('../models/catalog-entry')
    const { SubjectIndex } = await import('../models/subject-index')
    const { SubjectUse } = await import('../models/subject-use')
    const { loadAuthUser } = await import('../app/services/identity/auth.server')
    const { storeEntryDatasetBytes } = await import('../app/services/sharing/datasets.server')
    const holdings = await import('../app/services/subjects/holdings.server')
    const uses = await import('../app/services/subjects/uses.server')
    const { contentStore } = await import('../app/services/storage/store.server')
    await connectDb()
    console.log('seeding the demo world …')
    await seedDemoWorld()
    const psb = (await loadAuthUser(
      String((await User.findOne({ email: 'psb@demo.gd.example' }, { _id: 1 }).lean())!._id),
      'session',
    ))!
    const entry = (await CatalogEntry.findOne(
      { orgId: psb.org!.id, 'published.title.zh': '常住人口基本信息' },
      { _id: 1 },
    ).lean())!
    const entryId = String(entry._id)

    // The tables and their subject indexes.
    let t = performance.now()
    const datasetIds: string[] = []
    for (let table = 0; table < TABLES; table++) {
      const lines = ['gmsfhm,xm,xb,csrq,mz,hjdz']
      for (let i = 0; i < PER_TABLE; i++)
        lines.push(
          `${residentId(table * PER_TABLE + i)},示例${i},1,1990-01-01,01,广州市示例路${i}号`,
        )
      const stored = await storeEntryDatasetBytes(
        psb,
        entryId,
        `bench-${table}.csv`,
        `${lines.join('\n')}\n`,
        new Date(Date.now() + table * 1000),
      )
      const id = `${entryId}:${stored.sha256}`
      await holdings.buildSubjectIndex(id)
      datasetIds.push(id)
    }
    const indexed = await SubjectIndex.find({ _id: mongoose.trusted({ $in: datasetIds }) }).lean()
    console.log(
      `tables: ${TABLES} × ${PER_TABLE.toLocaleString('en')} rows stored and indexed in ${((performance.now() - t) / 1000).toFixed(1)} s; indexes ${(indexed.reduce((n, i) => n + i.records * 32, 0) / 1e6).toFixed(0)} MB`,
    )

    // The uses.
    let seed = 11
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const orgs = [psb.org!.id]
    t = performance.now()
    for (let i = 0; i < USES; i++) {
      const table = Math.floor(rand() * TABLES)
      const base = {
        id: `bench:${i}`,
        at: new Date(Date.now() - (USES - i) * 60_000),
        orgId: orgs[0]!,
        purpose: '基准测试',
        basis: '基准测试',
        ref: `bench:${i}`,
      }
      const kind = i % 10
      if (kind < 6)
        await uses.recordSubjectUse({
          ...base,
          kind: 'sharing-delivery',
          datasetId: datasetIds[table],
        })
      else if (kind < 9) {
        const from = 1 + Math.floor(rand() * (PER_TABLE - 100))
        await uses.recordSubjectUse({
          ...base,
          kind: 'sharing-api-read',
          datasetId: datasetIds[table],
          rowFrom: from,
          rowTo: from + 100,
        })
      } else
        await uses.recordSubjectUse({
          ...base,
          kind: 'verification',
          keys: Array.from({ length: 10 }, () =>
            holdings.subjectKey(residentId(Math.floor(rand() * TABLES * PER_TABLE))),
          ),
        })
    }
    const recordMs = (performance.now() - t) / USES
    console.log(
      `uses: ${USES.toLocaleString('en')} recorded, ${recordMs.toFixed(2)} ms each (one insert + one stream entry)`,
    )

    // The bare structure: the same index bytes, the same uses in two maps.
    const buffers = await Promise.all(
      indexed.map(async (i) => ({
        id: i._id,
        bytes: await contentStore().readAll(i.storageKey),
      })),
    )
    const byDataset = new Map<
      string,
      { id: string; rowFrom: number | null; rowTo: number | null }[]
    >()
    const byKey = new Map<string, string[]>()
    for (const u of await SubjectUse.find({}).lean()) {
      if (u.datasetId) {
        const list = byDataset.get(u.datasetId) ?? []
        list.push({ id: u._id, rowFrom: u.rowFrom ?? null, rowTo: u.rowTo ?? null })
        byDataset.set(u.datasetId, list)
      }
      const keys = u.keys ? Buffer.from((u.keys as unknown as { buffer: Uint8Array }).buffer) : null
      for (let k = 0; keys && k < keys.length; k += 16) {
        const hex = keys.toString('hex', k, k + 16)
        byKey.set(hex, [...(byKey.get(hex) ?? []), u._id])
      }
    }
    const bare = (key: string) => {
      const key16 = Buffer.from(key.slice(0, 32), 'hex')
      const ids = new Set(byKey.get(key.slice(0, 32)) ?? [])
      for (const b of buffers)
        for (const hit of holdings.findRows(b.bytes, key16))
          for (const u of byDataset.get(b.id) ?? [])
            if (u.rowFrom === null || (hit.row >= u.rowFrom && hit.row < u.rowTo!)) ids.add(u.id)
      return ids.size
    }

    const keys = Array.from({ length: QUERIES }, () =>
      holdings.subjectKey(residentId(Math.floor(rand() * TABLES * PER_TABLE))),
    )
    t = performance.now()
    await uses.useHistoryOf(keys[0]!)
    console.log(`first history (loads the uses once): ${(performance.now() - t).toFixed(0)} ms`)
    const best = {
      service: { p50: Infinity, p99: Infinity },
      bare: { p50: Infinity, p99: Infinity },
    }
    let found = 0
    for (let round = 0; round < ROUNDS; round++) {
      const serviceMs: number[] = []
      const bareMs: number[] = []
      let a = 0
      let b = 0
      for (const key of keys) {
        let s = performance.now()
        a += (await uses.useHistoryOf(key)).total
        serviceMs.push(performance.now() - s)
        s = performance.now()
        b += bare(key)
        bareMs.push(performance.now() - s)
      }
      if (a !== b) throw new Error(`the history and the bare look-up disagree: ${a} vs ${b}`)
      found = a
      for (const [name, ms] of [
        ['service', serviceMs],
        ['bare', bareMs],
      ] as const) {
        ms.sort((x, y) => x - y)
        best[name].p50 = Math.min(best[name].p50, pct(ms, 0.5))
        best[name].p99 = Math.min(best[name].p99, pct(ms, 0.99))
      }
    }
    for (const name of ['service', 'bare'] as const)
      console.log(
        `${name === 'service' ? 'useHistoryOf' : 'bare look-up'}: p50 ${best[name].p50.toFixed(3)} ms, p99 ${best[name].p99.toFixed(3)} ms (best of ${ROUNDS}, ${QUERIES.toLocaleString('en')} subjects, ${(found / QUERIES).toFixed(1)} uses each)`,
      )
    const ratio = best.bare.p99 / best.service.p99
    console.log('=== goal ===')
    console.log(
      `history p99 ≥ 0.3× the bare look-up: ${ratio.toFixed(2)}× → ${ratio >= 0.3 ? 'met' : 'NOT met'}`,
    )
  } finally {
    const { disconnectDb } = await import('../app/utils/db.server')
    await disconnectDb().catch(() => undefined)
    const { getRedis } = await import('../app/utils/redis.server')
    getRedis().disconnect()
    await Promise.all(services.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
  process.exit(0)
}

await main()
