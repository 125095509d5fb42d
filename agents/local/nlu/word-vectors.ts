// Loads the small, vocabulary-limited word-vector artifact (int8-quantised GloVe 100-d, built by
// embeddings/build-word-vectors.ts) once per process; the engine still works without it.

import { existsSync, readFileSync } from 'node:fs'
import type { WordVectors } from './features.ts'

/** File layout: "AWV1", u32 count, u32 dims, u32 wordBytes, words ("\n"-joined UTF-8), pad to 4,
 * f32 scale[count], i8 data[count * dims]; vector(w)[d] = data[i * dims + d] * scale[i]. */
export const WORD_VECTORS_MAGIC = 'AWV1'

export const DEFAULT_WORD_VECTORS_PATH = new URL('./embeddings/word-vectors.bin', import.meta.url)

export function encodeWordVectors(
  words: readonly string[],
  vectors: readonly ArrayLike<number>[],
  dims: number,
) {
  const wordBytes = Buffer.from(words.join('\n'), 'utf8')
  const headerBytes = 16
  const padded = Math.ceil((headerBytes + wordBytes.length) / 4) * 4
  const buf = Buffer.alloc(padded + words.length * 4 + words.length * dims)
  buf.write(WORD_VECTORS_MAGIC, 0, 'ascii')
  buf.writeUInt32LE(words.length, 4)
  buf.writeUInt32LE(dims, 8)
  buf.writeUInt32LE(wordBytes.length, 12)
  wordBytes.copy(buf, headerBytes)
  vectors.forEach((v, i) => {
    let max = 0
    for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(v[d]!))
    const scale = max > 0 ? max / 127 : 1
    buf.writeFloatLE(scale, padded + i * 4)
    const base = padded + words.length * 4 + i * dims
    for (let d = 0; d < dims; d++) buf.writeInt8(Math.round(v[d]! / scale), base + d)
  })
  return buf
}

export function decodeWordVectors(buf: Uint8Array): WordVectors {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  if (view.toString('ascii', 0, 4) !== WORD_VECTORS_MAGIC) throw new Error('not a word-vector artifact')
  const count = view.readUInt32LE(4)
  const dims = view.readUInt32LE(8)
  const wordBytes = view.readUInt32LE(12)
  const words = view.toString('utf8', 16, 16 + wordBytes).split('\n')
  const padded = Math.ceil((16 + wordBytes) / 4) * 4
  const index = new Map<string, number>()
  words.forEach((w, i) => {
    if (!index.has(w)) index.set(w, i)
  })
  const vectors = new Float32Array(count * dims)
  const dataStart = padded + count * 4
  for (let i = 0; i < count; i++) {
    const scale = view.readFloatLE(padded + i * 4)
    for (let d = 0; d < dims; d++) vectors[i * dims + d] = view.readInt8(dataStart + i * dims + d) * scale
  }
  return {
    dimensions: dims,
    vector(word: string) {
      const i = index.get(word)
      return i === undefined ? undefined : vectors.subarray(i * dims, (i + 1) * dims)
    },
  }
}

let cached: WordVectors | null | undefined

/** The bundled vectors, or undefined when the artifact has not been built. */
export function bundledWordVectors(): WordVectors | undefined {
  if (cached === undefined) {
    cached = existsSync(DEFAULT_WORD_VECTORS_PATH)
      ? decodeWordVectors(readFileSync(DEFAULT_WORD_VECTORS_PATH))
      : null
  }
  return cached ?? undefined
}
