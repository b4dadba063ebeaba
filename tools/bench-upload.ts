// `npm run bench:upload [-- --gb 2]`: streams a multipart upload of N GB through a real HTTP
// server into the (encrypted; `--cipher sm4` for SM4) content store with the products upload
// pipeline (multipart reader → stage/commit), beside the same upload into a plain file, and prints throughput and the server process's RSS growth. No database: the
// draft/permission steps around it are covered by the tests. The file is deleted afterwards.
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { boundaryOf, streamMultipart } from '~/services/storage/multipart.server'
import { storageKeysFrom } from '~/services/storage/crypt.server'
import { LocalContentStore } from '~/services/storage/store.server'

const gbArg = process.argv.indexOf('--gb')
const GB = gbArg > 0 ? Number(process.argv[gbArg + 1]) : 2
const SIZE = Math.round(GB * 1024 ** 3)
const BOUNDARY = '----gdpdeBench7MA4YWxkTrZu0gW'
const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-bench-upload-'))
// No configuration needed: the bench's own master key.
const cipherArg = process.argv.indexOf('--cipher')
const CIPHER = cipherArg > 0 && process.argv[cipherArg + 1] === 'sm4' ? 'sm4' : 'aes-256-gcm'
const store = new LocalContentStore(dir, {
  cipher: CIPHER,
  keys: storageKeysFrom(randomBytes(32)),
})

type Sink = (data: AsyncIterable<Uint8Array>) => Promise<{ sha256: string; size: number }>

/** The baseline: what the store did before encryption — hash, count and write to a file. */
const plainSink: Sink = async (data) => {
  const hash = createHash('sha256')
  const out = createWriteStream(path.join(dir, 'plain.part'), { highWaterMark: 256 * 1024 })
  let size = 0
  for await (const chunk of data) {
    hash.update(chunk)
    size += chunk.byteLength
    if (!out.write(chunk)) await once(out, 'drain')
  }
  await new Promise<void>((r) => out.end(() => r()))
  rmSync(path.join(dir, 'plain.part'))
  return { sha256: hash.digest('hex'), size }
}

/** The content store: hashed, encrypted (AES-256-GCM, 64 KiB chunks), staged and committed. */
const storeSink: Sink = async (data) => {
  const staged = await store.stage(data, { maxBytes: SIZE + 1 })
  return staged.commit()
}

async function run(label: string, sink: Sink): Promise<number> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const boundary = boundaryOf(req.headers['content-type'] ?? null)!
      let stored: { sha256: string; size: number } | undefined
      for await (const part of streamMultipart(
        Readable.toWeb(req) as unknown as AsyncIterable<Uint8Array>,
        boundary,
      ))
        stored = await sink(part.data)
      res.end(JSON.stringify(stored))
    })().catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port

  const expected = createHash('sha256')
  const before = process.memoryUsage().rss
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const started = performance.now()
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
    })
    req.on('response', (res) => {
      let text = ''
      res
        .setEncoding('utf8')
        .on('data', (d: string) => (text += d))
        .on('end', () => resolve(text))
    })
    req.on('error', reject)
    void (async () => {
      req.write(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      )
      for (let sent = 0; sent < SIZE;) {
        const piece = sent + chunk.length <= SIZE ? chunk : chunk.subarray(0, SIZE - sent)
        expected.update(piece)
        sent += piece.length
        if (!req.write(piece)) await once(req, 'drain')
      }
      req.end(`\r\n--${BOUNDARY}--\r\n`)
    })().catch(reject)
  })
  clearInterval(sampler)
  const seconds = (performance.now() - started) / 1000
  server.close()
  const stored = JSON.parse(body) as { sha256: string; size: number }
  const ok = stored.size === SIZE && stored.sha256 === expected.digest('hex')
  console.log(
    `${label}: upload ${GB} GB (client and server in one process, loopback HTTP): ${seconds.toFixed(1)} s, ${(SIZE / 1024 ** 2 / seconds).toFixed(0)} MB/s; ` +
      `RSS before ${(before / 1024 ** 2).toFixed(0)} MB, peak ${(peak / 1024 ** 2).toFixed(0)} MB (+${((peak - before) / 1024 ** 2).toFixed(0)} MB); hash and size ${ok ? 'match' : 'MISMATCH'}`,
  )
  if (!ok) process.exit(1)
  return seconds
}

const line = Buffer.from('440106,0101,1234.56,水田,2024-06-30,广州市天河区\r\n')
const chunk = Buffer.concat(
  Array.from({ length: Math.ceil((64 * 1024) / line.length) }, () => line),
)
// Alternated, best of three each: the machine’s noise falls on both alike.
const plain: number[] = []
const encrypted: number[] = []
for (let i = 0; i < 3; i++) {
  plain.push(await run('baseline (plain file)', plainSink))
  encrypted.push(await run(`content store (${CIPHER})`, storeSink))
}
const p = Math.min(...plain)
const e = Math.min(...encrypted)
console.log(
  `encryption at rest costs ${(((e - p) / p) * 100).toFixed(1)} % on upload (best ${e.toFixed(1)} s vs ${p.toFixed(1)} s; goal ≤ 15 %)`,
)
rmSync(dir, { recursive: true, force: true })
