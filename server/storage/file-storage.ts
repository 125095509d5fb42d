// Where attachment bytes live: a small interface, and a local folder by default. Keys are content
// hashes, so storing the same file twice (a redelivered webhook) stores it once.
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AtlasError } from '../../common/errors.ts'

export interface FileStorage {
  put(bytes: Uint8Array): Promise<{ key: string; size: number }>
  get(key: string): Promise<Uint8Array>
}

/** The largest attachment accepted, in or out. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

export class LocalFileStorage implements FileStorage {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
  }

  async put(bytes: Uint8Array): Promise<{ key: string; size: number }> {
    if (bytes.byteLength > MAX_ATTACHMENT_BYTES) {
      throw new AtlasError(
        'payload_too_large',
        `Attachment of ${bytes.byteLength} bytes is over the ${MAX_ATTACHMENT_BYTES}-byte limit`,
      )
    }
    const key = createHash('sha256').update(bytes).digest('hex')
    const path = this.#path(key)
    const exists = await stat(path).then(
      () => true,
      () => false,
    )
    if (!exists) {
      await mkdir(join(this.#dir, key.slice(0, 2)), { recursive: true })
      // Write then rename: a reader never sees half a file.
      const partial = `${path}.${process.pid}.partial`
      await writeFile(partial, bytes)
      await rename(partial, path)
    }
    return { key, size: bytes.byteLength }
  }

  async get(key: string): Promise<Uint8Array> {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new AtlasError('not_found', 'No such file')
    try {
      return await readFile(this.#path(key))
    } catch {
      throw new AtlasError('not_found', 'The file is not in storage')
    }
  }

  #path(key: string): string {
    return join(this.#dir, key.slice(0, 2), key)
  }
}
