// `npm run bench:backup [-- --docs=100000 --files=40 --file-mb=2]`: the encrypted backup (issue 19;
// Art. 45 ¶1) beside `tar | gzip` of the same data in the same run (goal ≥ 0.5× its throughput).
// Starts a throw-away dev database and Redis, seeds the demo world, adds `docs` documents and
// `files` stored files of `file-mb` each, then times
//   ours:      createBackup (read every collection, gzip + encrypt the chunks, copy the blobs);
//   baseline:  the same collections exported to NDJSON files through the same driver, then
//              `tar -cf - export files | gzip` — and that tar | gzip alone, for reference.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startMongoDev, startRedis, type RunningService } from './services'

const opt = (name: string, d: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d)
const DOCS = opt('docs', 100_000)
const FILES = opt('files', 40)
const FILE_MB = opt('file-mb', 2)

const dir = mkdtempSync(path.join(tmpdir(), 'bench-backup-'))
const services: RunningService[] = []
try {
  const mongo = await startMongoDev(path.join(dir, 'mongo'), path.join(dir, 'mongo.log'))
  services.push(mongo)
  const redis = await startRedis(path.join(dir, 'redis'))
  services.push(redis)
  Object.assign(process.env, {
    NODE_ENV: 'development',
    MONGODB_URI: mongo.url,
    MONGODB_DB: 'bench_backup',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'benchbackup',
    STORAGE_DIR: path.join(dir, 'files'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DELIVERY_LINK_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PASSWORD_SCRYPT_LOG2N: '12',
  })
  const mongoose = (await import('mongoose')).default
  const { connectDb, disconnectDb } = await import('../app/utils/db.server')
  const { closeRedis } = await import('../app/utils/redis.server')
  const { seedDemoWorld } = await import('../app/services/demo/seed.server')
  const { contentStore } = await import('../app/services/storage/store.server')
  const { SubjectUse } = await import('../models/subject-use')
  const { createBackup } = await import('../app/services/backup/backup.server')
  await connectDb()
  let t = performance.now()
  await seedDemoWorld()
  // Volume: records of uses (a collection that grows by the day) and stored tables.
  const db = mongoose.connection.db!
  for (let i = 0; i < DOCS; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, DOCS - i) }, (_, j) => ({
      _id: `bench-use:${i + j}`,
      kind: 'sharing-delivery',
      at: new Date(Date.now() - (i + j) * 1000),
      orgId: `org-${(i + j) % 97}`,
      purpose: '基准测试：共享数据交付记录',
      basis: '《广东省公共数据管理办法》第二十三条',
      ref: `sharing-grant:${(i + j) % 1000}`,
      datasetId: `entry-${(i + j) % 300}:${'a'.repeat(64)}`,
      subjects: [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')],
    }))
    await db.collection<{ _id: string }>(SubjectUse.collection.collectionName).insertMany(batch)
  }
  const row = '440106,0101,1234.56,水田,2024-06-30,广州市天河区\n'
  // Referenced, as backups take referenced files only: the way a subject's copy refers to its file.
  const { SubjectCopy } = await import('../models/subject-copy')
  for (let f = 0; f < FILES; f++) {
    const body = `${f}\n` + row.repeat(Math.ceil((FILE_MB * 1024 ** 2) / Buffer.byteLength(row)))
    const { key } = await contentStore().putBytes(body)
    await db
      .collection(SubjectCopy.collection.collectionName)
      .insertOne({ _id: `bench-copy-${f}` as never, csvKey: key, jsonKey: key })
  }
  console.log(
    `seeded the demo world, ${DOCS} more documents and ${FILES} stored files of ${FILE_MB} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
  const storeFiles: string[] = []
  for await (const b of contentStore().list()) storeFiles.push(b.key)

  t = performance.now()
  const ours = await createBackup({ dir: path.join(dir, 'repo') })
  const oursMs = performance.now() - t
  const docs = ours.manifest.collections.reduce((n, c) => n + c.count, 0)

  // Baseline: the same documents exported through the same driver, then tar | gzip of the export
  // and the same blob files.
  t = performance.now()
  const exportDir = path.join(dir, 'export')
  mkdirSync(exportDir)
  const EJSON = mongoose.mongo.BSON.EJSON
  for (const c of ours.manifest.collections) {
    const out = createWriteStream(path.join(exportDir, `${c.name}.ndjson`))
    for await (const doc of db.collection(c.name).find({}).sort({ _id: 1 })) {
      if (!out.write(EJSON.stringify(doc, { relaxed: false }) + '\n')) await once(out, 'drain')
    }
    await new Promise<void>((r) => out.end(() => r()))
  }
  const exportMs = performance.now() - t
  const blobList = path.join(dir, 'blobs.txt')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(blobList, ours.manifest.blobs.map((b) => path.join('files', b.name)).join('\n'))
  t = performance.now()
  const tar = spawnSync('sh', ['-c', `tar -cf - export -T ${blobList} | gzip > baseline.tgz`], {
    cwd: dir,
    stdio: 'inherit',
  })
  if (tar.status !== 0) throw new Error('tar | gzip failed')
  const tarMs = performance.now() - t
  const repoBytes = Number(
    spawnSync('du', ['-sb', path.join(dir, 'repo')], { encoding: 'utf8' }).stdout.split('\t')[0],
  )
  const tgzBytes = statSync(path.join(dir, 'baseline.tgz')).size
  const mb = (b: number) => (b / 1024 ** 2).toFixed(1)
  console.log(
    `ours: ${docs} documents in ${ours.manifest.collections.length} collections and ${ours.manifest.blobs.length} blob files ` +
      `(of ${storeFiles.length} stored) in ${(oursMs / 1000).toFixed(1)} s → ${mb(repoBytes)} MB, encrypted`,
  )
  console.log(
    `baseline: export through the driver ${(exportMs / 1000).toFixed(1)} s + tar | gzip ${(tarMs / 1000).toFixed(1)} s → ${mb(tgzBytes)} MB, plaintext`,
  )
  const ratio = (exportMs + tarMs) / oursMs
  console.log(
    `throughput ratio ours / (export + tar | gzip) = ${ratio.toFixed(2)}× (goal ≥ 0.5×: ${ratio >= 0.5 ? 'MET' : 'NOT MET'}); ` +
      `beside tar | gzip of ready files alone: ${(tarMs / oursMs).toFixed(2)}×`,
  )
  // A second backup right after: only what changed is written.
  t = performance.now()
  const again = await createBackup({
    dir: path.join(dir, 'repo'),
    now: new Date(Date.now() + 1000),
  })
  console.log(
    `a second backup with nothing changed: ${((performance.now() - t) / 1000).toFixed(1)} s, ${mb(again.bytesWritten)} MB new`,
  )
  await disconnectDb()
  await closeRedis()
} finally {
  for (const s of services.reverse()) await s.stop()
  rmSync(dir, { recursive: true, force: true })
}
