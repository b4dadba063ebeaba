import { Transform } from 'node:stream'

// React 18's renderToPipeableStream can flush unwritten zero bytes when a multi-byte
// character straddles its 2 KB buffer (facebook/react#26228, fixed in React 19). NUL is
// never valid in HTML, so drop it rather than show "��" and break hydration.
export function withoutNulBytes() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (chunk.indexOf(0) === -1) return callback(null, chunk)
      const out = Buffer.allocUnsafe(chunk.length)
      let n = 0
      for (const byte of chunk) if (byte !== 0) out[n++] = byte
      callback(null, out.subarray(0, n))
    },
  })
}
