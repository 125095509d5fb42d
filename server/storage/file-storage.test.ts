import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LocalFileStorage, MAX_ATTACHMENT_BYTES } from './file-storage.ts'

const dir = mkdtempSync(join(tmpdir(), 'atlas-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('local file storage', () => {
  it('stores by content: the same bytes twice are one file, read back unchanged', async () => {
    const storage = new LocalFileStorage(dir)
    const bytes = new TextEncoder().encode('%PDF-1.7 invoice')
    const a = await storage.put(bytes)
    const b = await storage.put(bytes)
    expect(a).toEqual(b)
    expect(a.size).toBe(bytes.byteLength)
    expect(new TextDecoder().decode(await storage.get(a.key))).toBe('%PDF-1.7 invoice')
  })

  it('refuses files over 10 MB and keys that are not its own', async () => {
    const storage = new LocalFileStorage(dir)
    await expect(storage.put(new Uint8Array(MAX_ATTACHMENT_BYTES + 1))).rejects.toMatchObject({
      code: 'payload_too_large',
    })
    await expect(storage.get('../../etc/passwd')).rejects.toMatchObject({ code: 'not_found' })
    await expect(storage.get('a'.repeat(64))).rejects.toMatchObject({ code: 'not_found' })
  })
})
