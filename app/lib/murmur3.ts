// MurmurHash3 x86_128 (Austin Appleby, public domain) over a byte range. Unkeyed: it only
// compresses a row's anchor to 128 bits; the secret is in the AES step that follows
// (positions.server.ts), so knowing this function tells a leaker nothing.

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function word(d: Uint8Array, i: number): number {
  return d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)
}

/**
 * Writes the four 32-bit words of the hash of `data[start, end)` into `out[at..at+3]`. `words`,
 * when given, views the same bytes as 32-bit words (data aligned, start a multiple of 4).
 */
export function murmur3x86_128(
  data: Uint8Array,
  start: number,
  end: number,
  seed: number,
  out: Uint32Array,
  at = 0,
  words?: Int32Array,
): void {
  const len = end - start
  let h1 = seed | 0
  let h2 = h1
  let h3 = h1
  let h4 = h1
  const blocksEnd = start + (len & ~15)
  let i = start
  for (; i < blocksEnd; i += 16) {
    let k1: number, k2: number, k3: number, k4: number
    if (words) {
      const w = i >>> 2
      k1 = words[w]!
      k2 = words[w + 1]!
      k3 = words[w + 2]!
      k4 = words[w + 3]!
    } else {
      k1 = word(data, i)
      k2 = word(data, i + 4)
      k3 = word(data, i + 8)
      k4 = word(data, i + 12)
    }
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
    h1 ^= k1
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
    h2 ^= k2
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
    h3 ^= k3
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
    h4 ^= k4
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0
  }
  const rest = len & 15
  let k1 = 0
  let k2 = 0
  let k3 = 0
  let k4 = 0
  /* eslint-disable no-fallthrough */
  switch (rest) {
    case 15:
      k4 ^= data[i + 14]! << 16
    case 14:
      k4 ^= data[i + 13]! << 8
    case 13:
      k4 ^= data[i + 12]!
      k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
      h4 ^= k4
    case 12:
      k3 ^= data[i + 11]! << 24
    case 11:
      k3 ^= data[i + 10]! << 16
    case 10:
      k3 ^= data[i + 9]! << 8
    case 9:
      k3 ^= data[i + 8]!
      k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
      h3 ^= k3
    case 8:
      k2 ^= data[i + 7]! << 24
    case 7:
      k2 ^= data[i + 6]! << 16
    case 6:
      k2 ^= data[i + 5]! << 8
    case 5:
      k2 ^= data[i + 4]!
      k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
      h2 ^= k2
    case 4:
      k1 ^= data[i + 3]! << 24
    case 3:
      k1 ^= data[i + 2]! << 16
    case 2:
      k1 ^= data[i + 1]! << 8
    case 1:
      k1 ^= data[i]!
      k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
      h1 ^= k1
  }
  /* eslint-enable no-fallthrough */
  h1 ^= len
  h2 ^= len
  h3 ^= len
  h4 ^= len
  h1 = (h1 + h2) | 0
  h1 = (h1 + h3) | 0
  h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix(h1)
  h2 = fmix(h2)
  h3 = fmix(h3)
  h4 = fmix(h4)
  h1 = (h1 + h2) | 0
  h1 = (h1 + h3) | 0
  h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  out[at] = h1
  out[at + 1] = h2
  out[at + 2] = h3
  out[at + 3] = h4
}
